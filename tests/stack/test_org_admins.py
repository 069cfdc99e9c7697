"""Several organisation administrators on the reference stack: each seeded with every role, both organisations and
its own TOTP key, listed by `uat stack status --json` and taken by the suite as UAT_ORG_ADMINS; and a locked one
reported as what it is (brute-force detection, with the wait), not as a missing one-time-code page."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from support.config import UatConfig, load_config
from support.keycloak_admin import KeycloakAdmin
from support.org_admins import Slot, lease_org_admin
from support.users import InviteUiProvider
from support.users.providers.base import AccountTemporarilyLocked

pytestmark = [pytest.mark.stack]


@pytest.fixture(scope="module")
def config(stack_info: dict) -> UatConfig:
    return load_config()


def test_every_seeded_administrator_is_a_distinct_organisation_administrator(
    stack_info: dict, config: UatConfig, keycloak_admin: httpx.Client
) -> None:
    seeds = stack_info["seed_users"]
    assert len(seeds) >= 3, "the stack seeds one administrator per shard of the proof (3) at least"
    assert [admin.email for admin in config.org_admin_pool] == [seed["email"] for seed in seeds]
    assert len({seed["totp_secret"] for seed in seeds}) == len(seeds)
    for seed in seeds:
        user = keycloak_admin.get("/users", params={"email": seed["email"], "exact": "true"}).json()[0]
        organisations = keycloak_admin.get(f"/organizations/members/{user['id']}/organizations").json()
        assert sorted(o["name"] for o in organisations) == sorted(seed["organizations"])
        roles = keycloak_admin.get(f"/users/{user['id']}/role-mappings").json()["clientMappings"]
        assert sorted(r["name"] for r in roles["famhp-connect"]["mappings"]) == sorted(seed["roles"]["famhp-connect"])
        assert not user.get("requiredActions")


@pytest.fixture
def locked_admin(stack_info: dict, config: UatConfig) -> Iterator[tuple[str, KeycloakAdmin]]:
    """The last seeded administrator, locked by brute-force detection: two failed sign-ins within the realm's
    quick-login window (a direct grant with a wrong password). Unlocked again afterwards."""
    email = stack_info["seed_users"][-1]["email"]
    token_url = f"{config.keycloak_url}/realms/{config.realm}/protocol/openid-connect/token"
    wrong = {"grant_type": "password", "client_id": "admin-cli", "username": email, "password": "wrong#1A"}
    with KeycloakAdmin.from_config(config) as admin:
        account = admin.find_user(email)
        assert account is not None
        # two failures within a second lock it; on a loaded machine they may come further apart, and at the
        # realm's failure factor (10) it locks anyway
        for _ in range(12):
            refused = httpx.post(token_url, data=wrong, timeout=30)
            assert refused.json().get("error") == "invalid_grant", refused.text
            if admin.lockout_of(account.id).locked:
                break
        assert admin.lockout_of(account.id).locked
        yield email, admin
        admin.clear_lockout(account.id)


@pytest.mark.browser
def test_a_locked_administrator_is_an_environment_verdict_that_names_the_wait(
    browser: Browser, config: UatConfig, locked_admin: tuple[str, KeycloakAdmin]
) -> None:
    email, admin = locked_admin
    pool = [next(a for a in config.org_admin_pool if a.email == email)]
    lease = lease_org_admin(pool, Slot(), f"test-{time.time_ns()}-{hashlib.sha1(email.encode()).hexdigest()[:6]}")
    inviter = InviteUiProvider(config, lambda: browser, admin=admin, lease=lease)
    started = time.monotonic()
    try:
        with pytest.raises(AccountTemporarilyLocked) as raised:
            inviter.users_page()
    finally:
        inviter.close()
        lease.release()
    message = str(raised.value)
    assert f"has temporarily locked {email}" in message and "unlocks in about" in message
    assert "UAT_ORG_ADMINS" in message
    assert time.monotonic() - started < config.ui_timeout_ms / 1000, "recognised at once, not after a page timeout"
