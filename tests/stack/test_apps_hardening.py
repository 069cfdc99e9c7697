"""The reference apps' hardening that needs no running stack: `__Host-` session cookies and HSTS under https, an
absolute session lifetime, rate-limit windows, and inviters granting only the roles they hold."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from stack.apps.db import create_database
from stack.apps.models import WebSession
from stack.apps.services.invitation_requests import grantable_roles, parse_request
from stack.apps.services.keycloak_admin import Organization
from stack.apps.services.rate_limits import RateLimit
from stack.apps.services.sessions import SESSION_LIFETIME, CookieArea, SessionMiddleware, SessionStore
from stack.apps.web.access_log import loggable_path
from stack.apps.web.auth import SignedInUser
from stack.apps.web.refusals import Forbidden, RateLimited
from stack.apps.web.security_headers import SecurityHeaders

with warnings.catch_warnings():
    # Starlette nudges towards httpx2 but its TestClient fully supports httpx, which the project uses
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

ACME = Organization("org-acme", "Acme Pharma NV", "acme-pharma")
AREA = CookieArea("connect", "/famhp-connect", "famhp_connect_session")


def _app(tmp_path: Path, https: bool) -> tuple[TestClient, SessionStore]:
    db = create_database(f"sqlite:///{tmp_path / 'apps.db'}")
    store = SessionStore(db, "s" * 32)

    async def visit(request: Request) -> PlainTextResponse:
        request.session["visits"] = request.session.get("visits", 0) + 1
        return PlainTextResponse(str(request.session["visits"]))

    app = Starlette(routes=[Route("/famhp-connect/visit", visit)])
    app.add_middleware(SessionMiddleware, store=store, areas=[AREA], secure=https)
    app.add_middleware(SecurityHeaders, keycloak_url="https://keycloak.example", https=https)
    base_url = "https://apps.example" if https else "http://apps.example"
    return TestClient(app, base_url=base_url), store


def _session_rows(store: SessionStore) -> list[WebSession]:
    with store._db() as db:  # the test reads the table the store writes
        return list(db.scalars(select(WebSession)))


def test_under_https_the_session_cookie_is_a_host_cookie_and_hsts_is_sent(tmp_path: Path) -> None:
    client, _ = _app(tmp_path, https=True)
    first = client.get("/famhp-connect/visit")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("__Host-famhp_connect_session=")
    assert "Path=/;" in cookie + ";" and "Secure" in cookie and "HttpOnly" in cookie and "Domain" not in cookie
    assert first.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/famhp-connect/visit").text == "2"  # the app reads its own cookie back under that name


def test_over_plain_http_each_cookie_keeps_to_its_application_and_no_hsts(tmp_path: Path) -> None:
    client, _ = _app(tmp_path, https=False)
    first = client.get("/famhp-connect/visit")
    assert first.headers["set-cookie"].startswith("famhp_connect_session=")
    assert "Path=/famhp-connect" in first.headers["set-cookie"]
    assert "strict-transport-security" not in first.headers


def test_activity_does_not_extend_a_session(tmp_path: Path) -> None:
    client, store = _app(tmp_path, https=False)
    client.get("/famhp-connect/visit")
    (started,) = _session_rows(store)
    for _ in range(3):
        client.get("/famhp-connect/visit")
    (later,) = _session_rows(store)
    assert later.id_hash == started.id_hash
    assert later.expires_at == started.expires_at  # absolute: set once, when the session began
    assert SESSION_LIFETIME.total_seconds() <= 10 * 3600


def test_a_rate_limit_counts_within_its_window_and_says_when_to_come_back() -> None:
    now = [1000.0]
    limit = RateLimit("calls", 3, 60, clock=lambda: now[0])
    for _ in range(3):
        limit.hit("a")
    limit.hit("b")  # another key has its own count
    with pytest.raises(RateLimited) as raised:
        limit.hit("a")
    assert raised.value.retry_after == 60
    now[0] += 30
    with pytest.raises(RateLimited) as raised:
        limit.check("a")
    assert raised.value.retry_after == 30
    now[0] += 30.5
    limit.hit("a")  # the first three left the window


def test_an_inviter_may_grant_only_the_roles_they_hold() -> None:
    inviter = SignedInUser("u1", "m@example.test", "M", "sid", {"famhp-connect": ["IAM_USER_MANAGER"]})
    assert grantable_roles(inviter) == ["IAM_USER_MANAGER"]
    fields = {"email": "new@example.test", "first_name": "N", "last_name": "N", "organization": ACME.id}
    assert parse_request(fields, ["IAM_USER_MANAGER"], [ACME], grantable_roles(inviter)).roles == ("IAM_USER_MANAGER",)
    with pytest.raises(Forbidden) as refused:
        parse_request(fields, ["IAM_USER_MANAGER", "VAMREG_USER"], [ACME], grantable_roles(inviter))
    assert refused.value.message.key == "invite.roles_not_held"
    assert refused.value.message.values == {"roles": "VAMREG_USER"}


@pytest.mark.parametrize(
    ("requested", "logged"),
    [
        ("/portal/callback?code=abc&state=xyz", "/portal/callback"),
        ("/portal/callback?error=access_denied&error_description=call+us", "/portal/callback"),
        ("/invitations/Zm9vYmFyYmF6", "/invitations/…"),
        ("/famhp-connect/users?q=someone%40example.org", "/famhp-connect/users"),
        ("/famhp-connect/apikeys", "/famhp-connect/apikeys"),
    ],
)
def test_the_access_log_repeats_no_query_string_and_no_invitation_token(requested: str, logged: str) -> None:
    assert loggable_path(requested) == logged
