"""The Gherkin suite leaves nothing behind: after a run of API-key scenarios the realm holds the users it held, no
new API key works, and the run's reports and traces hold none of the secrets it used (API keys included)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from support.leaks.scan import KnownSecret, Scanner, describe_outcome, load_run_secrets, needles_for, run_scan
from tests.stack.helpers import query_database

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# a key left active by the scenario itself (cancelled revocation), two keys in two organisations, and the whole
# guide from an invitation (invite-ui user, mail) to a key
SCENARIOS = "cancelling_the_confirmation or same_name_is_allowed or invited_user_activates_their_account_and_creates"
EXPECTED_SCENARIOS = 3
KEYS_PER_RUN = 4  # 1 + 2 + 1
RUN_TIMEOUT_S = 600
API_KEY_TAG = b"famhp_"  # how the reference app's secrets begin (stack/apps/services/api_keys.py)


@dataclass(frozen=True)
class Snapshot:
    """What the realm and the apps' database hold at one moment."""

    user_ids: frozenset[str]
    key_ids: frozenset[str]
    active_key_ids: frozenset[str]

    @classmethod
    def take(cls, keycloak_admin: httpx.Client, stack_info: dict) -> Snapshot:
        count = keycloak_admin.get("/users/count").raise_for_status().json()
        users = keycloak_admin.get("/users", params={"first": 0, "max": count + 100, "briefRepresentation": "true"})
        keys = query_database(stack_info, "SELECT id, revoked_at FROM api_keys")
        return cls(
            user_ids=frozenset(user["id"] for user in users.raise_for_status().json()),
            key_ids=frozenset(key_id for key_id, _ in keys),
            active_key_ids=frozenset(key_id for key_id, revoked_at in keys if revoked_at is None),
        )


@dataclass(frozen=True)
class SuiteRun:
    before: Snapshot
    after: Snapshot
    output: str
    artifacts: list[Path]
    secrets_dir: Path


@pytest.fixture(scope="module")
def suite_run(
    keycloak_admin: httpx.Client, stack_info: dict, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SuiteRun]:
    """A few API-key scenarios run as CI runs them (another process), with every artifact kept: a trace of each
    scenario and a screenshot after every step, into a folder of this test."""
    work = tmp_path_factory.mktemp("suite-run")
    allure, output, secrets_dir = work / "allure-results", work / "test-results", work / "run-secrets"
    before = Snapshot.take(keycloak_admin, stack_info)
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "features", "-k", SCENARIOS, "-p", "no:cacheprovider", "-q",
            f"--alluredir={allure}", f"--output={output}", "--uat-trace=on", "--step-screenshots=all",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "UAT_RUN_SECRETS_DIR": str(secrets_dir)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    output_text = run.stdout + run.stderr
    assert run.returncode == 0, f"the scenarios failed (exit {run.returncode}):\n{output_text[-6000:]}"
    assert f"{EXPECTED_SCENARIOS} passed" in output_text, output_text[-3000:]
    yield SuiteRun(before, Snapshot.take(keycloak_admin, stack_info), output_text, [allure, output], secrets_dir)
    shutil.rmtree(secrets_dir, ignore_errors=True)  # kept in clear only for the scans above


def test_the_run_leaves_no_user_behind(suite_run: SuiteRun) -> None:
    left = suite_run.after.user_ids - suite_run.before.user_ids
    assert not left, f"{len(left)} user(s) the run created are still in the realm: {sorted(left)}"


def test_the_run_leaves_no_working_api_key_behind(suite_run: SuiteRun, stack_info: dict) -> None:
    """Every key the run created is revoked. FAMHP Connect keeps revoked keys in its list as history and offers
    no way to delete one, so their rows stay: they no longer open the API and their creators are gone."""
    before, after = suite_run.before, suite_run.after
    new_keys = after.key_ids - before.key_ids
    assert len(new_keys) >= KEYS_PER_RUN, f"the run created {len(new_keys)} key(s), expected {KEYS_PER_RUN}"
    still_active = after.active_key_ids - before.active_key_ids
    assert not still_active, f"{len(still_active)} key(s) the run created still work: {sorted(still_active)}"
    marks = ",".join("?" for _ in new_keys)
    creators = query_database(
        stack_info, f"SELECT DISTINCT created_by_id FROM api_keys WHERE id IN ({marks})", *new_keys
    )
    assert not {creator for (creator,) in creators} & after.user_ids, "a creator of the run's keys is still a user"


def _recorded_api_keys(suite_run: SuiteRun) -> list[KnownSecret]:
    return [secret for secret in load_run_secrets(suite_run.secrets_dir) if secret.value.startswith(API_KEY_TAG)]


def test_api_keys_are_among_the_secrets_the_artifact_scan_looks_for(suite_run: SuiteRun) -> None:
    recorded = len(_recorded_api_keys(suite_run))
    assert recorded >= KEYS_PER_RUN, f"{recorded} API key(s) recorded for the artifact scan, expected {KEYS_PER_RUN}"


def test_no_api_key_is_in_the_reports_and_traces(suite_run: SuiteRun) -> None:
    traces = list(suite_run.artifacts[1].rglob("trace.zip"))
    assert len(traces) >= EXPECTED_SCENARIOS, f"expected a trace per scenario, found {len(traces)}"
    findings = Scanner(needles_for(_recorded_api_keys(suite_run))).scan_paths(suite_run.artifacts)
    assert not findings, "API keys in the artifacts:\n" + "\n".join(finding.describe() for finding in findings)


def test_no_secret_of_the_run_is_in_its_reports_and_traces(suite_run: SuiteRun) -> None:
    """Passwords and TOTP keys too, as `uat scan-artifacts` checks them after every CI run."""
    outcome = run_scan(suite_run.artifacts, environ={}, secrets_dir=suite_run.secrets_dir, forget=False)
    clean = outcome.clean  # a bool: pytest would print the outcome, secrets and all
    assert clean, describe_outcome(outcome)
