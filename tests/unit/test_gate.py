"""The release gate on real Allure results of the self-test project: a flaky pass fails it, a quarantined failure
does not, an expired quarantine does; plus too few scenarios, failures only JUnit saw, and the Markdown summary."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cli import gate
from tests.suite_selftest.runner import PASSWORD, SelftestRun, standard_runs

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runs() -> dict[str, SelftestRun]:
    return standard_runs()


def run_gate(run: SelftestRun, tmp_path: Path, *options: str, environ: dict[str, str] | None = None) -> int:
    """`uat gate` on one self-test run; the scan reads only that run's results, with its recorded secrets."""
    env = {"UAT_RUN_SECRETS_DIR": str(run.secrets), **(environ or {})}
    return gate.main(
        [
            f"--results={run.results}",
            f"--junit={run.junit}",
            f"--summary={tmp_path / 'summary.md'}",
            f"--clean-marker={tmp_path / 'scan-clean.txt'}",
            f"--scan-path={run.results}",
            "--keep-secrets",  # the module's runs are shared between tests
            "--min-scenarios=1",
            *options,
        ],
        environ=env,
    )


def summary(tmp_path: Path) -> str:
    return (tmp_path / "summary.md").read_text()


def test_a_scenario_that_passes_only_on_a_retry_fails_the_gate(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    run = runs["ci-default"]
    assert run.returncode == 0  # pytest alone would have called this run green
    assert run_gate(run, tmp_path) == 1
    text = summary(tmp_path)
    assert "1 scenario(s) passed only on a retry (flaky)" in text
    assert "| A scenario that fails on its first attempt only | Scenarios the release gate must judge | 2 |" in text
    assert "AssertionError: attempt 1 fails on purpose" in text


def test_flaky_results_can_be_allowed_by_configuration(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    assert run_gate(runs["ci-default"], tmp_path, "--allow-flaky") == 0
    assert run_gate(runs["ci-default"], tmp_path, environ={"UAT_GATE_ALLOW_FLAKY": "1"}) == 0


def test_a_quarantined_failure_runs_and_does_not_fail_the_gate(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    run = runs["quarantined"]
    assert run.returncode == 0 and "1 passed" in run.output and "1 xfailed" in run.output
    assert run_gate(run, tmp_path) == 0
    text = summary(tmp_path)
    assert "## UAT release gate: PASSED" in text
    assert "| A quarantined scenario that always fails | identity-team | 2999-12-31 | failed |" in text


def test_an_expired_quarantine_fails_the_gate_even_when_the_scenario_passes(
    runs: dict[str, SelftestRun], tmp_path: Path
) -> None:
    run = runs["expired"]
    assert run.returncode == 0
    assert run_gate(run, tmp_path) == 1
    text = summary(tmp_path)
    assert "the quarantine of 'A scenario whose quarantine has ended' ended on 2000-01-01 (owner identity-team)" in text
    assert "2000-01-01 (**expired**)" in text


def test_a_quarantine_is_judged_on_the_day_of_the_gate(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    assert run_gate(runs["quarantined"], tmp_path, "--today=2999-12-31") == 0
    assert run_gate(runs["quarantined"], tmp_path, "--today=3000-01-01") == 1
    assert "1 scenario(s) failed or broke" in summary(tmp_path)  # an ended quarantine counts the failure again


def test_failures_are_listed_with_the_category_the_report_gives_them(
    runs: dict[str, SelftestRun], tmp_path: Path
) -> None:
    assert run_gate(runs["all"], tmp_path) == 1
    failed_section = summary(tmp_path).split("### Failed")[1].split("###")[0]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in failed_section.splitlines() if line.startswith("| A")}
    product = "| Product failure: the portal does not do what the user guide says |"
    assert product in rows["A scenario that always fails"]
    assert "| Environment: e-mail never arrived |" in rows["A scenario whose e-mail never arrives"]
    assert "| Suite defect: the test code, not the product |" in rows["A scenario with a defect in the suite"]


def test_a_secret_in_the_artifacts_fails_the_gate_and_is_masked_in_the_summary(
    runs: dict[str, SelftestRun], tmp_path: Path
) -> None:
    assert run_gate(runs["all"], tmp_path, "--allow-flaky") == 1
    text = summary(tmp_path)
    assert "the artifact scan found 1 secret occurrence(s)" in text
    assert PASSWORD not in text


def test_a_clean_run_passes_and_the_scan_forgets_the_recorded_secrets(
    runs: dict[str, SelftestRun], tmp_path: Path
) -> None:
    secrets = tmp_path / "run-secrets"
    shutil.copytree(runs["quarantined"].secrets, secrets)
    code = gate.main(
        [
            f"--results={runs['quarantined'].results}",
            f"--junit={runs['quarantined'].junit}",
            f"--summary={tmp_path / 'summary.md'}",
            f"--clean-marker={tmp_path / 'scan-clean.txt'}",
            f"--scan-path={runs['quarantined'].results}",
            "--min-scenarios=1",
        ],
        environ={"UAT_RUN_SECRETS_DIR": str(secrets)},
    )
    assert code == 0
    assert "clean: no secret found" in summary(tmp_path)
    assert not secrets.exists()  # stored in clear only for the scan


def test_too_few_scenarios_fail_the_gate(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    assert run_gate(runs["quarantined"], tmp_path, "--min-scenarios=3") == 1
    assert "only 2 scenario(s) ran, 3 expected" in summary(tmp_path)


def test_a_failure_only_junit_saw_fails_the_gate(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="features.test_user_guide" name="test_a_scenario_that_passes" />'
        '<testcase classname="" name="features.test_user_guide">'
        '<error message="collection failure">StepDefinitionNotFoundError</error></testcase>'
        "</testsuite></testsuites>"
    )
    run = runs["quarantined"]
    code = gate.main(
        [
            f"--results={run.results}",
            f"--junit={junit}",
            f"--summary={tmp_path / 'summary.md'}",
            f"--clean-marker={tmp_path / 'scan-clean.txt'}",
            "--no-scan",
            "--min-scenarios=1",
        ],
        environ={},
    )
    assert code == 1
    assert "1 test(s) failed outside any scenario result (see the JUnit XML): ::features.test_user_guide" in summary(
        tmp_path
    )


def test_no_results_at_all_is_not_a_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = gate.main([f"--results={tmp_path / 'none'}", f"--junit={tmp_path / 'none.xml'}", "--no-scan"], environ={})
    assert code == 2
    assert "nothing ran" in capsys.readouterr().out


def test_the_summary_goes_to_the_github_job_page_too(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n")
    run_gate(runs["quarantined"], tmp_path, environ={"GITHUB_STEP_SUMMARY": str(step_summary)})
    assert step_summary.read_text().startswith("earlier step\n## UAT release gate: PASSED")


def test_settings_come_from_pyproject_and_the_environment(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.uat.gate]\nmin_scenarios = 26\nallow_flaky = false\n")
    assert gate.load_settings(pyproject, {}) == gate.GateSettings(min_scenarios=26, allow_flaky=False)
    assert gate.load_settings(pyproject, {"UAT_GATE_MIN_SCENARIOS": "5", "UAT_GATE_ALLOW_FLAKY": "true"}) == (
        gate.GateSettings(min_scenarios=5, allow_flaky=True)
    )
    assert gate.load_settings(tmp_path / "missing.toml", {}) == gate.GateSettings()


def test_the_project_gate_expects_every_scenario_that_is_not_production_only() -> None:
    """[tool.uat.gate] min_scenarios must not exceed what the features can deliver, or every full run fails."""
    settings = gate.load_settings(PROJECT_ROOT / "pyproject.toml", {})
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "features", "--collect-only", "-q", "-m", "not prod-only"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    match = re.search(r"(\d+)(?:/\d+)? tests? collected", collected.stdout)
    assert match, collected.stdout[-2000:]
    assert 1 <= settings.min_scenarios <= int(match.group(1))
    assert settings.allow_flaky is False


def test_junit_names_match_the_scenario_names_as_pytest_bdd_makes_them() -> None:
    assert gate.python_name("From the portal tile, VAMREG opens without a second sign-in") == (
        "from_the_portal_tile_vamreg_opens_without_a_second_signin"
    )


# ---- the categories (allurerc.json), as the report and the gate apply them ----------------------------------------
SAMPLES = {
    "Environment: target unreachable": [
        ("broken", "playwright._impl._errors.Error: Page.goto: net::ERR_CONNECTION_REFUSED at http://localhost:8000/"),
        ("broken", "httpx.ConnectError: [Errno 111] Connection refused"),
        ("failed", "AssertionError: portal answered 503 Service Unavailable"),
    ],
    "Environment: e-mail never arrived": [("broken", "support.mail.base.MailTimeout: no message to x within 30 s")],
    "Environment: reference stack not healthy": [
        ("broken", "support.stack_discovery.StackNotRunning: the reference stack is not running")
    ],
    "Environment: configuration or credentials refused": [
        ("broken", "support.keycloak_admin.KeycloakAdminError: 401 from the admin API")
    ],
    "Suite defect: the test code, not the product": [
        ("failed", "pages.keycloak.base.UnexpectedPageError: expected page 'login-terms', browser shows 'x'"),
        ("broken", "AttributeError: 'NoneType' object has no attribute 'click'"),
        ("broken", "TypeError: accept() missing 1 required positional argument"),
        ("broken", "pytest_bdd.exceptions.StepDefinitionNotFoundError: Step definition is not found"),
    ],
    "Product failure: the portal does not do what the user guide says": [
        ("failed", "AssertionError: Locator expected to have text 'VAMREG'"),
    ],
    "Broken: an unexpected error (triage: product, environment or suite)": [
        ("broken", "playwright._impl._errors.TimeoutError: Locator.click: Timeout 15000ms exceeded."),
    ],
}


def scenario_with(status: str, message: str, labels: tuple[tuple[str, str], ...] = ()) -> gate.Scenario:
    attempt = gate.Attempt("s", "h", status, 0, 1, message, "", False, labels)
    return gate.Scenario([attempt])


@pytest.mark.parametrize(
    ("category", "status", "message"),
    [(category, status, message) for category, samples in SAMPLES.items() for status, message in samples],
)
def test_each_kind_of_failure_lands_in_its_category(category: str, status: str, message: str) -> None:
    rules = gate.load_category_rules(PROJECT_ROOT / "allurerc.json")
    assert gate.category_of(scenario_with(status, message), rules) == category


def test_a_quarantined_failure_is_its_own_category_whatever_the_error() -> None:
    rules = gate.load_category_rules(PROJECT_ROOT / "allurerc.json")
    quarantined = scenario_with("broken", "MailTimeout: x", (("quarantine_until", "2999-12-31"),))
    assert gate.category_of(quarantined, rules).startswith("Quarantined")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_category_patterns_mean_the_same_to_allure_javascript() -> None:
    """Allure applies the patterns as JavaScript RegExp; the gate as Python re. Same samples, same answers."""
    rules = gate.load_category_rules(PROJECT_ROOT / "allurerc.json")
    patterns = [rule["matchers"]["message"] for rule in rules if "message" in rule.get("matchers", {})]
    messages = [message for samples in SAMPLES.values() for _, message in samples]
    script = (
        "const [patterns, messages] = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(patterns.map(p => messages.map(m => new RegExp(p).test(m)))));"
    )
    answer = subprocess.run(
        ["node", "-e", script, json.dumps([patterns, messages])], capture_output=True, text=True, check=True
    )
    in_javascript = json.loads(answer.stdout)
    in_python = [[bool(re.search(pattern, message)) for message in messages] for pattern in patterns]
    assert in_javascript == in_python


def test_the_verdict_of_a_synthetic_run() -> None:
    passed = scenario_with("passed", "")
    flaky = gate.Scenario(
        [
            gate.Attempt("f", "f", "failed", 0, 1, "x", "", False, ()),
            gate.Attempt("f", "f", "passed", 2, 3, "", "", False, ()),
        ]
    )
    verdict = gate.judge([passed, flaky], [], gate.GateSettings(min_scenarios=2), date(2026, 1, 1))
    assert verdict.flaky == [flaky] and not verdict.passed
    assert gate.judge([passed, flaky], [], gate.GateSettings(2, allow_flaky=True), date(2026, 1, 1)).passed
