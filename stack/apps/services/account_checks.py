"""Signed-in sessions checked against Keycloak: is the account still enabled, which client roles does it hold now.

Roles and the enabled state come from Keycloak at most `interval` seconds old, so a user disabled or demoted in
Keycloak loses access within that bound, not when their session ends hours later.
"""

from __future__ import annotations

import time

from starlette.requests import Request

from stack.apps.applications import ROLE_CLIENTS
from stack.apps.services.keycloak_admin import KeycloakAdmin
from stack.apps.services.sessions import SessionStore
from stack.apps.web.auth import CHECKED_AT, SignedInUser, current_user

ROLE_CLIENT_IDS = sorted(set(ROLE_CLIENTS.values()))


class AccountChecks:
    def __init__(self, keycloak: KeycloakAdmin, sessions: SessionStore, interval_s: int) -> None:
        self._keycloak = keycloak
        self._sessions = sessions
        self.interval_s = interval_s

    async def live_roles(self, user_id: str) -> dict[str, list[str]] | None:
        """The account's client roles as Keycloak holds them now; None when it is disabled or gone."""
        account = await self._keycloak.user(user_id)
        if account is None or not account.get("enabled", False):
            return None
        return await self._keycloak.client_roles(user_id, ROLE_CLIENT_IDS)

    async def recheck(self, request: Request, user: SignedInUser) -> SignedInUser | None:
        """The session's user with current roles, asking Keycloak when the last answer is older than the interval;
        None, with every local session of the SSO session ended, once the account is disabled or gone."""
        if time.time() - float(request.session.get(CHECKED_AT, 0)) < self.interval_s:
            return user
        roles = await self.live_roles(user.id)
        if roles is None:
            if user.sso_session_id:
                self._sessions.end_sso_session(user.sso_session_id)
            request.session.clear()
            return None
        request.session["roles"] = roles
        request.session[CHECKED_AT] = time.time()
        return current_user(request)
