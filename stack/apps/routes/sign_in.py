"""Sign-in, callback, sign-out and signed-out routes of each application, and the redirect to sign in."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stack.apps.applications import Application
from stack.apps.services.container import services
from stack.apps.web.auth import LoginRequired, current_user
from stack.apps.web.csrf import verify_csrf
from stack.apps.web.templating import render


def oidc_router(application: Application) -> APIRouter:
    """The sign-in, callback, sign-out and signed-out routes under ``application.path``."""
    router = APIRouter(prefix=application.path)

    @router.get("/login", name=f"{application.key}_login")
    async def login(request: Request, next: str | None = None, login_hint: str | None = None) -> Response:
        return await services(request).oidc.start_login(request, application, next or application.path, login_hint)

    @router.get("/callback", name=f"{application.key}_callback")
    async def callback(request: Request) -> Response:
        return await services(request).oidc.complete_login(request, application)

    @router.post("/logout", name=f"{application.key}_logout")
    async def logout(request: Request) -> Response:
        if current_user(request) is not None:
            # only a signed-in session has anything to protect; an expired one just lands signed out
            await verify_csrf(request)
        return await services(request).oidc.logout(request, application)

    @router.get("/signed-out", name=f"{application.key}_signed_out")
    async def signed_out(request: Request) -> Response:
        return render(request, "signed_out.html", {"home": application.path})

    return router


async def login_required_handler(request: Request, error: Exception) -> Response:
    """Answers LoginRequired with the application's own sign-in flow, returning to the page asked for."""
    assert isinstance(error, LoginRequired)
    return await services(request).oidc.start_login(request, error.application, error.next_url)
