"""The guard every page of an application starts with: a signed-in user, re-checked against Keycloak."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from starlette.requests import Request

from stack.apps.applications import Application
from stack.apps.services.container import services
from stack.apps.web.auth import LoginRequired, SignedInUser, current_user, return_url


def signed_in(application: Application) -> Callable[[Request], Coroutine[Any, Any, SignedInUser]]:
    """FastAPI dependency: the signed-in user of ``application`` with their current roles, or a redirect to sign
    in (also once Keycloak says the account is disabled or gone: Keycloak then refuses the sign-in)."""

    async def dependency(request: Request) -> SignedInUser:
        user = current_user(request)
        if user is not None:
            user = await services(request).accounts.recheck(request, user)
        if user is None:
            raise LoginRequired(application, return_url(request, application))
        return user

    return dependency
