"""The language selector's link: stores the user's choice (a cookie for the whole site, a year long) and goes back
to the page it was chosen on."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stack.apps.i18n import LANGUAGE_COOKIE, LANGUAGES, Message
from stack.apps.web.languages import SELECTOR_PATH, safe_return
from stack.apps.web.refusals import NotFound

router = APIRouter(prefix=SELECTOR_PATH)
CHOICE_KEPT_S = 365 * 24 * 3600


@router.get("/{code}", name="choose_language")
async def choose(request: Request, code: str, next: str | None = None) -> Response:
    if code not in LANGUAGES:
        raise NotFound(Message("error.no_such_page"))
    response = RedirectResponse(safe_return(next), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=CHOICE_KEPT_S, path="/", samesite="lax", secure=secure)
    return response
