"""What a run left on the reference stack, by its run id: users in the realm, API keys in FAMHP Connect's database
(reference-only: the fault tests check the stack, not a deployment), mails in Mailpit, ledgers on this machine."""

from __future__ import annotations

import httpx

from support.config import load_config
from support.keycloak_admin import KeycloakAdmin, UserAccount
from support.run_ledger import LedgerContents, is_held, runs_dir
from support.sweep.marked import address_pattern
from tests.stack.helpers import query_database


def test_users(admin: KeycloakAdmin, run_id: str = "") -> list[UserAccount]:
    """The realm's users whose address the profile's template gives (every user a run creates), of one run or any."""
    template = load_config().mail_address_template or ""
    pattern = address_pattern(template)
    return [user for user in admin.users_matching(run_id or "uat-") if pattern.match(user.email.lower())]


test_users.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def active_keys(stack_info: dict, run_id: str) -> list[str]:
    active = "SELECT name FROM api_keys WHERE revoked_at IS NULL AND name LIKE ?"
    rows = query_database(stack_info, active, f"%{run_id}%")
    return [name for (name,) in rows]


def mails_to(stack_info: dict, addresses: list[str]) -> int:
    found = 0
    for address in addresses:
        answer = httpx.get(f"{stack_info['mailpit']['url']}/api/v1/search", params={"query": f'to:"{address}"'})
        found += len(answer.raise_for_status().json().get("messages") or [])
    return found


def ledgers_of(run_id: str) -> list[LedgerContents]:
    return [LedgerContents.read(path) for path in sorted((runs_dir() / run_id).glob("*.jsonl"))]


def held(run_id: str) -> bool:
    return any(is_held(path) for path in (runs_dir() / run_id).glob("*.jsonl"))
