"""OpenID Connect clients, one per application: authorization-code flow (PKCE S256), callback and sign-out.

Every application is a separate Keycloak client with its own session cookie, so going from the portal to
FAMHP Connect or VAMREG runs a new flow that Keycloak answers from its SSO session (no prompt).
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from typing import Any

import authlib.deprecate  # noqa: F401  installs Authlib's "always" filter first, so ours below wins
import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stack.apps.applications import APPLICATIONS, Application
from stack.apps.config import Settings
from stack.apps.i18n import Message
from stack.apps.services.sessions import SessionStore, rotate_session
from stack.apps.services.tokens import InvalidToken, TokenVerifier, client_roles
from stack.apps.web.auth import CHECKED_AT, current_user
from stack.apps.web.templating import render

with warnings.catch_warnings():
    # Authlib nudges towards httpx2 but fully supports httpx, which the rest of the project uses
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.starlette_client import OAuth, OAuthError

log = logging.getLogger(__name__)
_NEXT = "next_after_login"
# the OAuth error codes Keycloak sends back (RFC 6749 4.1.2.1, OIDC 3.1.2.6) that the sign-in page explains, in the
# user's language; the error_description of the callback is never shown or logged: anyone can put any text into
# that URL
_REASON_CODES = ("access_denied", "login_required", "temporarily_unavailable", "server_error")
_ERROR_CODE = re.compile(r"^[a-z_]{1,40}$")


def _reason(code: str) -> Message:
    return Message(f"signin_failed.reason.{code if code in _REASON_CODES else 'generic'}")


def safe_next(application: Application, candidate: str | None) -> str:
    """Only a path inside the same application may be a return target (no open redirect)."""
    if (
        candidate
        and candidate.startswith(application.path)
        and (len(candidate) == len(application.path) or candidate[len(application.path)] in "/?")
        and "//" not in candidate
        and "\\" not in candidate
    ):
        return candidate
    return application.path


class OidcClients:
    """Sign-in and sign-out of the three applications; sign-out also ends sibling sessions in ``sessions``."""

    def __init__(self, settings: Settings, tokens: TokenVerifier, sessions: SessionStore) -> None:
        self._settings = settings
        self._tokens = tokens
        self._sessions = sessions
        secrets = {
            "portal": settings.portal_client_secret,
            "connect": settings.connect_client_secret,
            "vamreg": settings.vamreg_client_secret,
        }
        self._oauth = OAuth()
        for application in APPLICATIONS:
            self._oauth.register(
                name=application.key,
                client_id=application.client_id,
                client_secret=secrets[application.key],
                server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": "openid profile email",
                    "code_challenge_method": "S256",
                    "timeout": 15,
                },
            )

    def _client(self, application: Application) -> Any:
        return self._oauth.create_client(application.key)

    def _url(self, application: Application, tail: str) -> str:
        return f"{self._settings.apps_base_url}{application.path}/{tail}"

    async def start_login(
        self, request: Request, application: Application, next_url: str, login_hint: str | None = None
    ) -> Response:
        extra: dict[str, str] = {}
        if login_hint:
            # an invitation link: always show the sign-in form for the invited address,
            # even if this browser still has someone else's Keycloak session
            extra = {"login_hint": login_hint, "prompt": "login"}
        client = self._client(application)
        created = await client.create_authorization_url(self._url(application, "callback"), **extra)
        await client.save_authorize_data(request, redirect_uri=self._url(application, "callback"), **created)
        request.session[_NEXT] = {"state": created["state"], "url": safe_next(application, next_url)}
        return RedirectResponse(created["url"], status_code=302)

    async def complete_login(self, request: Request, application: Application) -> Response:
        pending = request.session.get(_NEXT) or {}
        try:
            token = await self._client(application).authorize_access_token(request)
            claims = await self._tokens.verify(token["access_token"], client_id=application.client_id)
        except (OAuthError, InvalidToken, httpx.HTTPError, KeyError) as error:
            # only a well-formed code reaches the log and the page; never text from the callback URL
            code = type(error).__name__
            if isinstance(error, OAuthError):
                sent = error.error
                code = sent if isinstance(sent, str) and _ERROR_CODE.match(sent) else "unrecognised_error"
            log.warning("sign-in to %s failed: %s", application.title, code)
            return render(
                request,
                "signin_failed.html",
                {"reason": _reason(code), "retry": application.path},
                status_code=400,
            )
        userinfo = token.get("userinfo") or {}
        next_url = pending.get("url") if pending.get("state") == request.query_params.get("state") else None
        request.session.clear()
        request.session["user"] = {
            "sub": userinfo.get("sub") or claims["sub"],
            "email": userinfo.get("email") or claims.get("email", ""),
            "name": userinfo.get("name") or claims.get("name", ""),
            "sid": userinfo.get("sid") or claims.get("sid", ""),
        }
        request.session["roles"] = client_roles(claims)
        request.session[CHECKED_AT] = time.time()  # the roles are Keycloak's of this very moment
        request.session["id_token"] = token.get("id_token", "")
        rotate_session(request)
        return RedirectResponse(safe_next(application, next_url), status_code=303)

    async def logout(self, request: Request, application: Application) -> Response:
        """Ends this app's session, every sibling app's session of the same SSO session, and Keycloak's."""
        user = current_user(request)
        id_token = request.session.get("id_token")
        if user and user.sso_session_id:
            self._sessions.end_sso_session(user.sso_session_id)
        request.session.clear()
        signed_out = self._url(application, "signed-out")
        if not id_token:
            return RedirectResponse(signed_out, status_code=303)
        created = await self._client(application).create_logout_url(
            post_logout_redirect_uri=signed_out, id_token_hint=id_token, client_id=application.client_id
        )
        return RedirectResponse(created["url"], status_code=303)
