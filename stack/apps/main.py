"""Assembles the reference applications into one ASGI app (uvicorn stack.apps.main:create_app --factory)."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stack.apps import api, connect, connect_api, connect_apikeys, connect_users, invitations, portal, vamreg
from stack.apps.applications import APPLICATIONS, PORTAL
from stack.apps.auth import LoginRequired
from stack.apps.config import ConfigError, Settings, load_settings
from stack.apps.db import create_database, dispose
from stack.apps.error_pages import install_error_handlers
from stack.apps.keycloak_admin import KeycloakAdmin
from stack.apps.mailer import Mailer
from stack.apps.oidc import OidcClients, login_required_handler, oidc_router
from stack.apps.one_time import OneTimeSecrets
from stack.apps.services import Services
from stack.apps.sessions import CookieArea, SessionMiddleware, SessionStore
from stack.apps.templating import create_environment
from stack.apps.tokens import TokenVerifier

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("stack.apps")


class SecurityHeaders:
    """Strict defaults on every response; pages carry personal data and one-time secrets, so no caching."""

    def __init__(self, app: ASGIApp, keycloak_url: str) -> None:
        self.app = app
        # form-action must allow Keycloak: sign-out posts here, then redirects there
        self.csp = (
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            f"frame-ancestors 'none'; form-action 'self' {keycloak_url}"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.csp)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                # invitation tokens live in URLs; never leak them to another site
                headers.setdefault("Referrer-Policy", "no-referrer")
                if not scope["path"].startswith("/static/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        # one readable message instead of a traceback from inside uvicorn
        print(error, file=sys.stderr)
        raise SystemExit(2) from None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or _settings_or_exit()
    db = create_database(settings.database_url)
    http = httpx.AsyncClient(timeout=15)
    tokens = TokenVerifier(http, settings.issuer)
    session_store = SessionStore(db, settings.session_secret)
    session_store.purge_expired()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await http.aclose()
        dispose(db)

    app = FastAPI(
        title="FAMHP reference applications",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.services = Services(
        settings=settings,
        db=db,
        keycloak=KeycloakAdmin(
            http,
            settings.keycloak_url,
            settings.realm,
            settings.provisioner_client_id,
            settings.provisioner_client_secret,
        ),
        tokens=tokens,
        mailer=Mailer(settings.smtp_host, settings.smtp_port, settings.mail_from, create_environment()),
        sessions=session_store,
        oidc=OidcClients(settings, tokens),
        one_time_secrets=OneTimeSecrets(),
    )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "UP"})

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse(PORTAL.path, status_code=303)

    for application in APPLICATIONS:
        app.include_router(oidc_router(application))
    for module in (portal, connect, connect_users, connect_apikeys, connect_api, vamreg, api, invitations):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    install_error_handlers(app)
    app.add_exception_handler(LoginRequired, login_required_handler)
    areas = [CookieArea(application.key, application.path, application.cookie) for application in APPLICATIONS]
    app.add_middleware(SessionMiddleware, store=session_store, areas=areas, secure=settings.secure_cookies)
    app.add_middleware(SecurityHeaders, keycloak_url=settings.keycloak_url)
    return app
