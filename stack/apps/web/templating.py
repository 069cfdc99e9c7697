"""Jinja2 set-up and the page renderer that adds what every page needs (user, CSRF token, notices)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from stack.apps.applications import APPLICATIONS
from stack.apps.web.auth import current_user
from stack.apps.web.csrf import FIELD, csrf_token

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
_FLASH = "flash"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "Never"


def create_environment() -> Environment:
    # HTML is escaped, the plain-text e-mail part is not
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    return env


_templates = Jinja2Templates(env=create_environment())


def flash(request: Request, message: str) -> None:
    """A one-time notice shown on the next page of this application (e.g. after a redirect)."""
    request.session.setdefault(_FLASH, []).append(message)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    path = request.url.path
    application = next((app for app in APPLICATIONS if path == app.path or path.startswith(app.path + "/")), None)
    user = current_user(request) if application else None
    page: dict[str, Any] = {
        "application": application,
        "user": user,
        "csrf_field": FIELD,
        # forms exist only for signed-in users; an anonymous page view should not create a session
        "csrf_token": csrf_token(request) if user else "",
        "notices": request.session.pop(_FLASH, []) if application else [],
    }
    page.update(context or {})
    response = _templates.TemplateResponse(request, name, page, status_code=status_code)
    assert isinstance(response, HTMLResponse)
    return response
