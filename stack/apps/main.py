"""Assembles the reference applications into one ASGI app (uvicorn stack.apps.main:create_app --factory)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from stack.apps.applications import APPLICATIONS, PORTAL
from stack.apps.config import ConfigError, Settings, load_settings
from stack.apps.db import create_database, dispose
from stack.apps.routes import (
    api_keys_tab,
    api_v1,
    connect,
    invitation_landing,
    invitations_api,
    language,
    portal,
    users_tab,
    vamreg,
)
from stack.apps.routes.sign_in import login_required_handler, oidc_router
from stack.apps.services.account_checks import AccountChecks
from stack.apps.services.api_callers import ApiCallers
from stack.apps.services.container import Services
from stack.apps.services.invitations import Invitations
from stack.apps.services.keycloak_admin import KeycloakAdmin
from stack.apps.services.last_used import LastUsed
from stack.apps.services.mailer import Mailer
from stack.apps.services.oidc_clients import OidcClients
from stack.apps.services.one_time_secrets import OneTimeSecrets
from stack.apps.services.rate_limits import RateLimits
from stack.apps.services.sessions import CookieArea, SessionMiddleware, SessionStore
from stack.apps.services.tokens import TokenVerifier
from stack.apps.web.access_log import install_access_log_filter
from stack.apps.web.auth import LoginRequired
from stack.apps.web.error_responses import install_error_handlers
from stack.apps.web.fault_switch import FaultSwitch
from stack.apps.web.security_headers import SecurityHeaders
from stack.apps.web.templating import create_environment, create_templates

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
ROUTE_MODULES = (
    portal, connect, users_tab, api_keys_tab, invitations_api, vamreg, api_v1, invitation_landing, language,
)  # fmt: skip


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        # one readable message instead of a traceback from inside uvicorn
        print(error, file=sys.stderr)
        raise SystemExit(2) from None


def _services(
    settings: Settings, db: sessionmaker[Session], http: httpx.AsyncClient, sessions: SessionStore
) -> Services:
    """Builds every service once, each given what it uses (constructor injection, no look-ups back)."""
    tokens = TokenVerifier(http, settings.issuer)
    keycloak = KeycloakAdmin(
        http, settings.keycloak_url, settings.realm, settings.provisioner_client_id, settings.provisioner_client_secret
    )
    mailer = Mailer(settings.smtp_host, settings.smtp_port, settings.mail_from, create_environment(settings.skin))
    lifetime = timedelta(hours=settings.invitation_ttl_hours)
    last_used = LastUsed(db)
    return Services(
        db=db,
        keycloak=keycloak,
        tokens=tokens,
        oidc=OidcClients(settings, tokens, sessions),
        invitations=Invitations(db, keycloak, mailer, settings.apps_base_url, lifetime),
        one_time_secrets=OneTimeSecrets(),
        accounts=AccountChecks(keycloak, sessions, settings.session_recheck_seconds),
        rate_limits=RateLimits(settings.invitation_limit, settings.api_key_limit, settings.api_failure_limit),
        last_used=last_used,
        api_callers=ApiCallers(db, last_used),
    )


async def _expire_invitations(invitations: Invitations, every_s: int) -> None:
    """Replaces the initial password of expired invitations, every `every_s` seconds (the bound after expiry)."""
    while True:
        try:
            await invitations.expire_credentials()
        except Exception as error:  # Keycloak away for a moment: the next round tries again
            log.warning("expiring the initial passwords of expired invitations failed: %s", error)
        await asyncio.sleep(every_s)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or _settings_or_exit()
    install_access_log_filter()
    db = create_database(settings.database_url)
    http = httpx.AsyncClient(timeout=15)
    session_store = SessionStore(db, settings.session_secret)
    session_store.purge_expired()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services: Services = app.state.services
        sweep = asyncio.create_task(_expire_invitations(services.invitations, settings.invitation_sweep_seconds))
        yield
        sweep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweep
        services.last_used.close()
        await http.aclose()
        dispose(db)

    app = FastAPI(
        title="FAMHP reference applications",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.services = _services(settings, db, http, session_store)
    app.state.templates = create_templates(settings.skin, settings.planted)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        # the skin too: `uat stack status` reports what the running apps serve
        return JSONResponse({"status": "UP", "skin": settings.skin})

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse(PORTAL.path, status_code=303)

    for application in APPLICATIONS:
        app.include_router(oidc_router(application))
    for module in ROUTE_MODULES:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    install_error_handlers(app)
    app.add_exception_handler(LoginRequired, login_required_handler)
    areas = [CookieArea(application.key, application.path, application.cookie) for application in APPLICATIONS]
    app.add_middleware(SessionMiddleware, store=session_store, areas=areas, secure=settings.secure_cookies)
    app.add_middleware(SecurityHeaders, keycloak_url=settings.keycloak_url, https=settings.secure_cookies)
    app.add_middleware(FaultSwitch, switch_file=settings.faults_file)  # outermost: before sessions and routes
    return app
