"""Jinja2 set-up (one skin's pages over the templates every skin shares) and the page renderer that adds what
every page needs (user, CSRF token, notices)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from stack.apps.applications import APPLICATIONS
from stack.apps.skins import DEFAULT_SKIN, SKINS
from stack.apps.web.auth import current_user
from stack.apps.web.csrf import FIELD, csrf_token

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
# a skin's own folder first; what every skin shows the same way (e-mails, partials) second
SKINS_DIR = TEMPLATE_DIR / "skins"
SHARED_DIR = TEMPLATE_DIR / "shared"
_FLASH = "flash"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "Never"


def create_environment(skin: str = DEFAULT_SKIN, planted: tuple[str, ...] = ()) -> Environment:
    # HTML is escaped, the plain-text e-mail part is not
    env = Environment(
        loader=FileSystemLoader([SKINS_DIR / skin, SHARED_DIR]),
        autoescape=select_autoescape(["html"], default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    with_test_ids = SKINS[skin].test_ids

    def testid(name: str) -> Markup:
        """` data-testid="name"` in a skin with test hooks, nothing in the others (for partials all skins share)."""
        return Markup(' data-testid="{}"').format(escape(name)) if with_test_ids else Markup("")

    env.globals["testid"] = testid
    env.globals["planted"] = planted
    return env


def create_templates(skin: str, planted: tuple[str, ...] = ()) -> Jinja2Templates:
    """The page templates of one skin; `render` finds them on the running app (`app.state.templates`)."""
    if skin not in SKINS or not (SKINS_DIR / skin).is_dir():
        raise ValueError(f"no templates for skin {skin!r} in {SKINS_DIR}")
    return Jinja2Templates(env=create_environment(skin, planted))


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
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    assert isinstance(response, HTMLResponse)
    return response
