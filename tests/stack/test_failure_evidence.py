"""A failing scenario leaves the evidence a QA engineer needs (screenshot on the failing step, trace, page HTML,
the scenario's e-mails) and none of the scenario's secrets (password, TOTP secret in Base32 and raw form)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zipfile

import pytest

from stack.settings import PROJECT_ROOT
from support.config import load_config
from support.users import TestUser, user_provider

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

SELFTEST = PROJECT_ROOT / "tests" / "stack" / "evidence_selftest" / "selftest_failing_scenarios.py"


@pytest.fixture(scope="module")
def known_user(stack_info: dict) -> TestUser:
    """A ready user whose password and TOTP secret this test knows, handed to the run as pre-provisioned."""
    config = load_config({"user_provider": "keycloak-admin"})
    provider = user_provider(config)
    user = provider.create_onboarded(
        roles={"vamreg": ["VAMREG_USER"]}, organizations=["Acme Pharma NV"], tag="evidence"
    )
    yield user
    provider.delete(user)
    provider.close()


@pytest.fixture(scope="module")
def failed_run(known_user: TestUser, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("evidence")
    accounts = out / "accounts.toml"
    accounts.write_text(
        "[[users]]\n"
        f'email = "{known_user.email}"\npassword = "{known_user.password.reveal()}"\n'
        f'totp_secret = "{known_user.totp_secret.reveal()}"\n'
        f'organizations = ["Acme Pharma NV"]\nroles = {{ vamreg = ["VAMREG_USER"] }}\n'
    )
    env = {**os.environ, "UAT_USER_PROVIDER": "preprovisioned", "UAT_PREPROVISIONED_USERS": str(accounts)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SELFTEST),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"--alluredir={out / 'allure-results'}",
            f"--output={out / 'test-results'}",
            "--reruns=0",
            "--uat-trace=retain-on-failure",  # the default traces retries only; this run has none
            f"--junitxml={out / 'junit.xml'}",
            "-q",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    accounts.unlink()  # the only file of the run that may hold the secrets
    results = [json.loads(p.read_text()) for p in (out / "allure-results").glob("*-result.json")]
    return {
        "exit": done.returncode,
        "output": done.stdout + done.stderr,
        "dir": out,
        "results": {r["name"]: r for r in results},
    }


def _attachments(item: dict) -> list[dict]:
    found = list(item.get("attachments", []))
    for step in item.get("steps", []):
        found += _attachments(step)
    return found


def _failing_step(result: dict) -> dict:
    return next(step for step in result["steps"] if step["status"] in {"failed", "broken"})


def test_the_run_fails_with_both_scenarios(failed_run: dict) -> None:
    assert failed_run["exit"] == 1, failed_run["output"][-3000:]
    assert {r["status"] for r in failed_run["results"].values()} == {"failed"}, failed_run["output"][-3000:]


def test_failing_step_carries_a_screenshot_and_the_scenario_the_trace_and_html(failed_run: dict) -> None:
    result = failed_run["results"]["A signed-in user expects an application they do not hold"]
    step = _failing_step(result)
    assert step["name"].startswith("Then the dashboard shows exactly")
    assert any(a["type"] == "image/png" for a in step.get("attachments", [])), step
    names = [a["name"] for a in _attachments(result)]
    assert any("trace" in n.lower() for n in names), names
    assert any(n.startswith("page HTML") for n in names), names


def test_the_scenarios_mail_is_attached_with_its_password_masked(failed_run: dict) -> None:
    result = failed_run["results"]["An invitation e-mail with an unexpected subject"]
    mails = [a for a in _attachments(result) if a["name"].startswith("e-mail")]
    assert mails, [a["name"] for a in _attachments(result)]
    text = (failed_run["dir"] / "allure-results" / mails[0]["source"]).read_text()
    assert "Confirm your invitation" in text
    assert "Initial password: ***" in text


def test_no_secret_of_the_scenario_is_in_the_evidence(failed_run: dict, known_user: TestUser, stack_info: dict) -> None:
    base32 = known_user.totp_secret.reveal()
    raw = base64.b32decode(base32 + "=" * (-len(base32) % 8))
    seed = stack_info["seed_users"][0]
    needles = {
        "password": known_user.password.reveal().encode(),
        "TOTP secret (Base32)": base32.encode(),
        "TOTP secret (raw)": raw,
        "org admin password": seed["password"].encode(),
        "org admin TOTP secret": seed["totp_secret"].encode(),
    }
    leaks = []
    for path in failed_run["dir"].rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        leaks += [f"{what} in {path}" for blob in blobs for what, needle in needles.items() if needle in blob]
    assert leaks == []
    assert any(failed_run["dir"].rglob("trace.zip")), "a trace was expected (retain-on-failure)"


def test_the_evidence_came_from_the_configured_browser_engine(failed_run: dict) -> None:
    """Run with UAT_BROWSER_ENDPOINT or UAT_SELENIUM_GRID_URL set (make test does), the same evidence comes from a
    browser on the browser server or the grid: the run's environment names where Chromium ran."""
    properties = (failed_run["dir"] / "allure-results" / "environment.properties").read_text()
    assert f"browser.engine={load_config().browser_engine}\n" in properties, properties
