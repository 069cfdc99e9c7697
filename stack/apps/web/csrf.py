"""CSRF protection for every form: a per-session token, echoed in a hidden field and checked on POST."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from stack.apps.i18n import Message
from stack.apps.web.refusals import Forbidden

FIELD = "csrf_token"
_SESSION_KEY = "csrf"


def csrf_token(request: Request) -> str:
    """The session's token, created on first use (so it survives across pages of one session)."""
    token = request.session.get(_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """FastAPI dependency for every form POST: a missing or wrong token is a 403 and changes nothing."""
    expected = request.session.get(_SESSION_KEY)
    form = await request.form()
    sent = form.get(FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, str(expected)):
        raise Forbidden(Message("error.expired_form"), title=Message("error.request_refused"))
