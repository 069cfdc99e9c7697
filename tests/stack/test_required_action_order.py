"""The realm runs the first sign-in's required actions in another order than the user guide's (password, then
terms, then OTP): the scenarios that follow the guide's order fail as soon as the other screen has settled,
naming the guide step they expected and the screen shown, and the password-policy outline, whose Given only
reaches the new-password screen, passes. The realm's order is put back afterwards, whatever happens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REORDERED = {"UPDATE_PASSWORD": 10, "TERMS_AND_CONDITIONS": 20, "CONFIGURE_TOTP": 30}
# scenarios whose steps state the guide's order: sign in, then set up the authenticator (guide 1.1 step 2)
GUIDE_ORDER = (
    "test_activate_the_account_by_scanning_the_qr_code",
    "test_activate_the_account_with_the_key_shown_under_unable_to_scan",
    "test_a_wrong_code_during_the_setup_is_refused",
    "test_declining_the_terms_of_use_gives_no_access_and_the_next_signin_asks_again",
    "test_the_scanned_account_carries_the_environments_name_and_the_users_email_address",
)
# the outline's Given only reaches the screen; three of its examples, one per kind of refusal
REACH = (
    "test_a_new_password_that_breaks_the_policy_is_refused[is too short]",
    "test_a_new_password_that_breaks_the_policy_is_refused[is the initial password again]",
    "test_a_new_password_that_breaks_the_policy_is_refused[does not match its confirmation]",
)
SELECTION = (
    "activate_the_account_by or activate_the_account_with or wrong_code_during or declining_the_terms "
    "or scanned_account or (breaks_the_policy and (too or initial or match))"
)
RUN_TIMEOUT_S = 900
VERDICT = re.compile(r"settled after (?P<waited>[\d.]+) s of the (?P<allowed>\d+) s allowed, at http")


@dataclass(frozen=True)
class Outcome:
    failure: str | None  # the failure message, None when the scenario passed


@pytest.fixture(scope="module")
def reordered_realm(keycloak_admin: httpx.Client) -> Iterator[None]:
    """Required actions by priority password → terms → OTP, as the admin REST API sets them; the priorities
    the realm had come back afterwards."""

    def set_priorities(priorities: dict[str, int]) -> None:
        for alias, priority in priorities.items():
            action = keycloak_admin.get(f"/authentication/required-actions/{alias}").raise_for_status().json()
            keycloak_admin.put(
                f"/authentication/required-actions/{alias}", json={**action, "priority": priority}
            ).raise_for_status()

    before = {
        alias: keycloak_admin.get(f"/authentication/required-actions/{alias}").raise_for_status().json()["priority"]
        for alias in REORDERED
    }
    try:
        set_priorities(REORDERED)
        yield
    finally:
        set_priorities(before)


@pytest.fixture(scope="module")
def outcomes(reordered_realm: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """The scenarios run as CI runs them (another process) against the reordered realm; their JUnit results."""
    work = tmp_path_factory.mktemp("reordered-run")
    junit = work / "junit.xml"
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "features", "-m", "onboarding", "-k", SELECTION, "-p",
            "no:cacheprovider", "-q", f"--junitxml={junit}", f"--alluredir={work / 'allure-results'}",
            f"--output={work / 'test-results'}",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "UAT_RERUNS": "0"},  # a retry would run each guide-order failure twice
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    assert junit.exists(), f"the run wrote no JUnit results (exit {run.returncode}):\n{run.stdout[-4000:]}"
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        # the message attribute may be cut short; the element's text has the whole report
        found[case.get("name", "")] = Outcome(None if problem is None else f"{problem.get('message')}\n{problem.text}")
    assert sorted(found) == sorted(GUIDE_ORDER + REACH), f"unexpected selection:\n{run.stdout[-4000:]}"
    return found


@pytest.mark.parametrize("scenario", GUIDE_ORDER)
def test_a_scenario_in_the_guides_order_fails_at_once_naming_the_guide_step(
    outcomes: dict[str, Outcome], scenario: str
) -> None:
    failure = outcomes[scenario].failure
    assert failure is not None, f"{scenario} passed although the realm asks for the password first"
    assert "WrongScreenError" in failure, failure
    assert "expected TotpSetupPage ('login-login-config-totp': user guide 1.1 step 2 \"OTP\"" in failure, failure
    assert "the browser shows UpdatePasswordPage ('login-login-update-password': user guide 1.1 step 4" in failure
    verdict = VERDICT.search(failure)
    assert verdict, failure
    assert float(verdict["waited"]) < float(verdict["allowed"]), f"it waited out the deadline: {failure}"


@pytest.mark.parametrize("scenario", REACH)
def test_a_scenario_that_only_reaches_the_password_screen_passes(outcomes: dict[str, Outcome], scenario: str) -> None:
    assert outcomes[scenario].failure is None, outcomes[scenario].failure
