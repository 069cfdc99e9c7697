"""A run killed with SIGKILL in the middle of a scenario leaves its user, its API key and its mail, but also its
ledger: `uat cleanup` (or the next run, before it starts) removes all of them, after which the admin API lists no
test user. The killed run's results never count as a pass."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support.keycloak_admin import KeycloakAdmin
from support.run_ledger import new_run_id
from tests.faults.harness import run_suite, uat
from tests.faults.leftovers import active_keys, held, ledgers_of, mails_to, test_users

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

CREATES_A_KEY = "create_an_api_key_from_the_dashboard"
SAVED = 'after:they click "Save"'


def _killed_run(workdir: Path, admin: KeycloakAdmin, stack_info: dict) -> tuple[str, list[str]]:
    run_id = new_run_id()
    run = run_suite(workdir, CREATES_A_KEY, when=SAVED, action="sigkill", env={"UAT_RUN_ID": run_id})
    assert run.injections and run.returncode != 0, run.tail()
    ledgers = ledgers_of(run_id)
    assert len(ledgers) == 1 and not held(run_id), f"expected the dead run's ledger: {ledgers}"
    addresses = ledgers[0].users_to_check
    assert [user.email for user in test_users(admin, run_id)] == addresses, "the killed run's user is not left"
    assert len(active_keys(stack_info, run_id)) == 1, "the killed run's key is not left active"
    gate = uat("gate", "--results", str(run.results), "--junit", str(run.junit), "--no-scan", "--min-scenarios", "0",
               "--summary", str(workdir / "summary.md"))  # fmt: skip
    assert gate.returncode == 1 and "the run did not finish (state 'running'" in gate.stdout, gate.stdout
    return run_id, addresses


def _nothing_left(admin: KeycloakAdmin, stack_info: dict, run_id: str, addresses: list[str]) -> None:
    assert not test_users(admin), f"test users left: {[user.email for user in test_users(admin)]}"
    assert not active_keys(stack_info, run_id)
    assert mails_to(stack_info, addresses) == 0
    assert not ledgers_of(run_id), "the swept ledger is still there"


def test_uat_cleanup_removes_what_a_killed_run_left(
    workdir: Path, realm_admin: KeycloakAdmin, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run_id, addresses = _killed_run(workdir, realm_admin, stack_info)
    started = time.time()
    cleanup = uat("cleanup")
    assert cleanup.returncode == 0, cleanup.stdout + cleanup.stderr
    assert "removed 1 user(s), revoked 1 API key(s)" in cleanup.stdout, cleanup.stdout
    _nothing_left(realm_admin, stack_info, run_id, addresses)  # the admin API lists no test user
    fault_timings["SIGKILL: uat cleanup"] = time.time() - started


def test_the_next_run_sweeps_what_a_killed_run_left(
    workdir: Path, realm_admin: KeycloakAdmin, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run_id, addresses = _killed_run(workdir / "killed", realm_admin, stack_info)
    next_run = run_suite(workdir / "next", "has_the_link")
    assert "[uat] sweeping what 1 earlier run process(es) left" in next_run.output, next_run.tail()
    assert "removed 1 user(s), revoked 1 API key(s)" in next_run.output, next_run.tail()
    assert next_run.verdict("has the link").status == "passed", next_run.tail()
    _nothing_left(realm_admin, stack_info, run_id, addresses)
