"""Ctrl-C in the middle of a scenario: the run stops, its clean-up runs (no user, no active key, no ledger left), the
report has a broken "The run was interrupted" result naming the scenario, `uat run` exits 130, and the gate refuses
the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.keycloak_admin import KeycloakAdmin
from support.run_ledger import new_run_id
from tests.faults.harness import run_suite, uat
from tests.faults.leftovers import active_keys, ledgers_of, test_users

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]


def test_an_interrupted_run_cleans_up_and_says_so(
    workdir: Path, realm_admin: KeycloakAdmin, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run_id = new_run_id()
    run = run_suite(
        workdir, "create_an_api_key_from_the_dashboard", when='after:they click "Save"', action="sigint",
        env={"UAT_RUN_ID": run_id},
    )  # fmt: skip
    assert run.returncode == 130, run.tail()
    assert "uat run: the run was interrupted" in run.output, run.tail()
    interrupted = run.verdict("The run was interrupted")
    assert interrupted.status == "broken"
    assert interrupted.category == "Run interrupted: stopped by a signal (its clean-up ran)", interrupted.message
    assert "interrupted by SIGINT during features/test_user_guide.py::test_create_an_api_key" in interrupted.message
    assert "nothing it created is left behind" in interrupted.message
    assert (run.run_state or {}).get("state") == "interrupted"
    gate = uat("gate", "--results", str(run.results), "--junit", str(run.junit), "--no-scan", "--min-scenarios", "0",
               "--summary", str(workdir / "summary.md"))  # fmt: skip
    assert gate.returncode == 1 and "the run did not finish (state 'interrupted'" in gate.stdout, gate.stdout
    assert not test_users(realm_admin, run_id), "the interrupted run left its user"
    assert not active_keys(stack_info, run_id), "the interrupted run left its API key active"
    assert not ledgers_of(run_id), "the interrupted run left a ledger"
    fault_timings["SIGINT: until the run ended, cleaned up"] = run.ended - run.injected_at()
