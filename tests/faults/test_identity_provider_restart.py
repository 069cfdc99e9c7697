"""Keycloak restarts in the middle of a scenario: that scenario is broken with "identity provider unavailable" (never
a product failure, never a suite defect), and the next scenario first waits until Keycloak answers again, then
passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import run_suite

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]


def test_keycloak_restarted_in_the_middle_of_a_scenario(
    workdir: Path, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run = run_suite(
        workdir,
        "activate_the_account_by_scanning or has_the_link",
        when="after:they sign in with the initial password",
        action="restart:keycloak",
        env={"UAT_RECOVERY_TIMEOUT_S": "600"},  # Keycloak starts in one to four minutes on this loaded machine
    )
    faulted, following = run.verdict("by scanning the QR code"), run.verdict("has the link")
    assert faulted.status == "broken", run.tail()
    assert faulted.category == "Environment: identity provider unavailable", faulted.message
    assert f"identity provider unavailable: Keycloak (realm famhp-externals) at {stack_info['keycloak']['url']}" in (
        faulted.message
    )
    assert following.status == "passed", following.message or run.tail()
    assert "the target is healthy again" in run.output or following.stop_s > faulted.stop_s, run.tail()
    fault_timings["Keycloak restarted mid-scenario"] = faulted.stop_s - run.injected_at()
    fault_timings["Keycloak restarted: until the next scenario passed"] = following.stop_s - run.injected_at()
