"""Stack tests run against the reference stack: the one already running, or one this session starts and stops."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from stack.manager import ReferenceStack
from tests.stack.helpers import stack_cli


def _log(message: str) -> None:
    print(f"[stack] {message}", flush=True)


@pytest.fixture
def login_theme(stack_info: dict) -> Iterator[Callable[[str], None]]:
    """Switches the running stack's login theme with `uat stack theme`; puts the first one back afterwards."""
    before = json.loads(stack_cli("status", "--json").stdout)["login_theme"]

    def switch(theme: str) -> None:
        done = stack_cli("theme", theme)
        assert done.returncode == 0, done.stderr

    yield switch
    switch(before)


@pytest.fixture(scope="session")
def reference_stack() -> ReferenceStack:
    return ReferenceStack(log=_log)


@pytest.fixture(scope="session")
def stack_info(reference_stack: ReferenceStack) -> Iterator[dict]:
    """What `uat stack status --json` prints; FAMHP_UAT_STACK_INFO=<file> points at a stack run elsewhere."""
    external = os.environ.get("FAMHP_UAT_STACK_INFO")
    if external:
        yield json.loads(Path(external).read_text())
        return
    found_running = reference_stack.status()["healthy"]
    if not found_running:
        reference_stack.up(mail=os.environ.get("FAMHP_UAT_STACK_MAIL", "mailpit"))
    yield reference_stack.status()
    if not found_running:  # leave the machine as we found it
        reference_stack.down()


class _AdminToken(httpx.Auth):
    """Bootstrap-admin bearer token, renewed before it expires (master tokens live 60 s)."""

    def __init__(self, keycloak: dict) -> None:
        self._keycloak = keycloak
        self._token = ""
        self._expires_at = 0.0

    def auth_flow(self, request: httpx.Request):  # type: ignore[override]
        if time.monotonic() > self._expires_at:
            kc = self._keycloak
            answer = (
                httpx.post(
                    f"{kc['url']}/realms/master/protocol/openid-connect/token",
                    data={
                        "grant_type": "password",
                        "client_id": "admin-cli",
                        "username": kc["admin_username"],
                        "password": kc["admin_password"],
                    },
                    timeout=30,  # the 5 s default times out on a loaded 2-core machine
                )
                .raise_for_status()
                .json()
            )
            self._token = answer["access_token"]
            self._expires_at = time.monotonic() + answer["expires_in"] - 10
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


@pytest.fixture(scope="session")
def keycloak_admin(stack_info: dict) -> Iterator[httpx.Client]:
    """An httpx client on the realm's admin REST API, authorised as the stack's bootstrap admin."""
    kc = stack_info["keycloak"]
    with httpx.Client(base_url=f"{kc['url']}/admin/realms/{kc['realm']}", auth=_AdminToken(kc), timeout=30) as client:
        yield client


class OneTimeCodes:
    """TOTP codes for the stack's tests that never repeat a step for a secret (the realm refuses reuse)."""

    def __init__(self) -> None:
        self._last_step: dict[str, int] = {}

    def next_code(self, base32_secret: str) -> str:
        totp = pyotp.TOTP(base32_secret)
        step = max(int(time.time()) // totp.interval, self._last_step.get(base32_secret, -1) + 1)
        wait_s = (step - 1) * totp.interval - time.time()
        if wait_s > 0:  # look-around 1 accepts t+1 only: a third code in one step needs the clock to move on
            time.sleep(wait_s)
        self._last_step[base32_secret] = step
        return totp.at(step * totp.interval)


_codes = OneTimeCodes()


@pytest.fixture(scope="session")
def one_time_codes() -> OneTimeCodes:
    return _codes


@pytest.fixture
def realm_user(keycloak_admin: httpx.Client) -> Iterator[Callable[..., dict]]:
    """Creates users through the admin API (unique e-mail as username, names set) and deletes them afterwards."""
    created: list[str] = []

    def create(tag: str, **representation: object) -> dict:
        email = f"{tag}-{uuid.uuid4().hex[:10]}@example.test"
        body = {
            "username": email,
            "email": email,
            "emailVerified": True,
            "enabled": True,
            "firstName": "Stack",
            "lastName": "Tester",
            **representation,
        }
        answer = keycloak_admin.post("/users", json=body)
        assert answer.status_code == 201, answer.text
        user_id = answer.headers["Location"].rsplit("/", 1)[-1]
        created.append(user_id)
        return {"id": user_id, "email": email}

    yield create
    for user_id in created:
        keycloak_admin.delete(f"/users/{user_id}")
