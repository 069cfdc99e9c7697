"""What the report says about a run: labels, user-guide links, environment, flaky and quarantined results, and the
run's secrets kept for the artifact scan; checked on the self-test project's real Allure results."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attr
import pytest
from allure_commons.model2 import Label, Parameter, Status, StatusDetails
from allure_commons.model2 import TestResult as AllureResult
from allure_commons.model2 import TestStepResult as AllureStep

from cli import report as report_cli
from support.leaks import scan as scan_artifacts
from support.paths import NODE_BIN, PROJECT_ROOT
from support.reporting import environment, guide, results, run_secrets, tags
from support.secrets import Secret, forget_all_secrets, register_totp_secret
from tests.suite_selftest.runner import PASSWORD, SelftestRun, standard_runs

ALLURE = NODE_BIN / "allure"


# ---- tag conventions -------------------------------------------------------------------------------------------
def test_a_quarantine_tag_carries_its_date() -> None:
    assert tags.parse_quarantine_tag("quarantine_until_2026-12-31") == date(2026, 12, 31)
    assert tags.parse_quarantine_tag("smoke") is None


@pytest.mark.parametrize("tag", ["quarantine_until_2026-13-01", "quarantine_until_", "quarantine_until_next-week"])
def test_a_malformed_quarantine_tag_stops_the_run_with_an_example(tag: str) -> None:
    with pytest.raises(tags.TagError, match="quarantine_until_2026-12-31"):
        tags.parse_quarantine_tag(tag)


def test_an_owner_tag_names_the_owner() -> None:
    assert tags.parse_owner_tag("owner_identity-team") == "identity-team"
    assert tags.parse_owner_tag("onboarding") is None
    with pytest.raises(tags.TagError):
        tags.parse_owner_tag("owner_")


@pytest.mark.parametrize(
    ("tag_names", "severity"),
    [
        ({"onboarding"}, "normal"),
        ({"smoke", "mfa"}, "critical"),
        ({"smoke", "minor"}, "minor"),  # an explicit severity beats the smoke default
        ({"critical", "blocker"}, "blocker"),
        ({"trivial"}, "trivial"),
    ],
)
def test_severity_comes_from_the_tags(tag_names: set[str], severity: str) -> None:
    assert tags.severity_of(tag_names) == severity


def test_a_quarantine_covers_its_last_day() -> None:
    quarantine = tags.Quarantine(until=date(2026, 12, 31), owner="qa")
    assert not quarantine.expired(date(2026, 12, 31))
    assert quarantine.expired(date(2027, 1, 1))


# ---- epics and the user guide --------------------------------------------------------------------------------
def test_the_feature_folder_is_the_epic(tmp_path: Path) -> None:
    features = tmp_path / "features"
    assert guide.epic_of(features / "onboarding" / "first_login.feature", features) == "Onboarding of an invited user"
    assert guide.epic_of(features / "user_admin" / "x.feature", features) == "User admin"
    assert guide.epic_of(features / "top_level.feature", features) is None


@pytest.mark.parametrize(
    ("description", "sections"),
    [
        ("User guide 1.1 steps 2-5 and 1.2.\nAs an external user", ["1.1", "1.2"]),
        ('User guide 1.1, step 1 "Confirm your invitation".', ["1.1"]),
        ("User guide 1.1 step 4: the new password must be (12 to 64 characters, 1.5 times …", ["1.1"]),
        ("User guide 2.1: besides e-mail, production offers itsme®", ["2.1"]),
        ("user guide 1.2, tips", ["1.2"]),
        ("As an external user\nI want things", []),
    ],
)
def test_the_guide_sections_are_read_from_the_feature_description(description: str, sections: list[str]) -> None:
    assert guide.user_guide_sections(description) == sections


def test_every_feature_names_the_guide_section_it_verifies() -> None:
    """The report links each feature to the user guide; a feature without "User guide X.Y" would have no link."""
    missing = []
    for feature in sorted((PROJECT_ROOT / "features").rglob("*.feature")):
        lines = feature.read_text(encoding="utf-8").splitlines()
        start = next(i for i, line in enumerate(lines) if line.strip().startswith("Feature:"))
        description = "\n".join(lines[start + 1 : start + 4])
        if not guide.user_guide_sections(description):
            missing.append(str(feature.relative_to(PROJECT_ROOT)))
    assert not missing, f"no 'User guide X.Y' in the description of {missing}"


def test_a_guide_link_uses_the_configured_url_or_names_the_section() -> None:
    name, url = guide.user_guide_link("1.2", "https://guide.example/uat.html#s{section}")
    assert (name, url) == (
        "User guide 1.2 — Installing a multi-factor authentication app",
        "https://guide.example/uat.html#s1.2",
    )
    assert guide.user_guide_link("9.9", None) == ("User guide 9.9", "#user-guide-9.9")


# ---- retries -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("environ", "reruns"),
    [
        ({}, 0),
        ({"CI": "true"}, 1),
        ({"CI": "false"}, 0),
        ({"CI": "true", "UAT_RERUNS": "0"}, 0),
        ({"UAT_RERUNS": "2"}, 2),
    ],
)
def test_retries_default_to_one_in_ci_and_none_locally(environ: dict[str, str], reruns: int) -> None:
    assert results.default_reruns(environ) == reruns


@pytest.mark.parametrize("value", ["two", "-1"])
def test_a_wrong_retry_count_is_refused(value: str) -> None:
    with pytest.raises(results.RetryPolicyError, match="UAT_RERUNS"):
        results.default_reruns({"UAT_RERUNS": value})


def _result(status: Status, history_id: str = "h1", labels: list[Label] | None = None) -> AllureResult:
    return AllureResult(name="s", historyId=history_id, status=status, labels=labels or [])


def test_a_pass_after_a_failed_attempt_is_written_as_flaky() -> None:
    marker = results.ResultAdjustments()
    first, second, other = _result(Status.FAILED), _result(Status.PASSED), _result(Status.PASSED, "h2")
    for result in (first, second, other):
        marker.report_result(result)
    assert second.statusDetails.flaky is True
    assert first.statusDetails is None and other.statusDetails is None


def test_an_unexpired_quarantine_is_written_muted_and_an_expired_one_is_not() -> None:
    marker = results.ResultAdjustments(today=lambda: date(2026, 6, 1))
    active = _result(Status.FAILED, labels=[Label(tags.QUARANTINE_LABEL, "2026-06-01")])
    ended = _result(Status.FAILED, "h2", labels=[Label(tags.QUARANTINE_LABEL, "2026-05-31")])
    active.statusDetails = StatusDetails(message="AssertionError: x")
    marker.report_result(active)
    marker.report_result(ended)
    assert active.statusDetails.muted is True and active.statusDetails.message == "AssertionError: x"
    assert ended.statusDetails is None


def test_secrets_in_step_parameters_and_messages_are_masked_before_the_result_is_written(
    clean_registry: None,
) -> None:
    password = Secret("Mailed#Initial-Pw-77")
    step = AllureStep(
        name="When they sign in",
        parameters=[
            Parameter("newcomer", f"Newcomer(mail='{password.reveal()}')"),
            Parameter("label", f"'{password.reveal()}'"),
        ],
    )
    result = _result(Status.FAILED)
    result.steps = [step]
    result.statusDetails = StatusDetails(message=f"AssertionError: {password.reveal()}", trace=password.reveal())
    results.ResultAdjustments().report_result(result)
    written = json.dumps(attr.asdict(result))
    assert password.reveal() not in written
    assert [(p.name, p.value) for p in step.parameters] == [("label", "'***'")]


def test_a_step_keeps_only_its_gherkin_arguments_as_parameters() -> None:
    fixtures = [
        Parameter("onboarding", "<pages.keycloak.screens.KeycloakScreens object at 0x7ff79c9fbc90>"),
        Parameter("uat_config", "UatConfig(profile='local', portal_url='http://localhost:8000/portal')"),
    ]
    arguments = [Parameter("name", "'Acme key'"), Parameter("count", "3")]
    step = AllureStep(name="When they create a key", parameters=[*fixtures, *arguments])
    result = _result(Status.PASSED)
    result.steps = [step]
    results.ResultAdjustments().report_result(result)
    assert [parameter.name for parameter in step.parameters] == ["name", "count"]


# ---- environment -------------------------------------------------------------------------------------------------
def test_environment_properties_are_escaped_and_masked() -> None:
    password = Secret("Env#Secret-in-a-url-42")
    text = environment.properties_text(
        {"target.portal": f"https://user:{password.reveal()}@portal.example/p", "a key": "C:\\temp", "name": "Zoë"}
    )
    assert password.reveal() not in text
    assert "target.portal=https://user:***@portal.example/p\n" in text
    assert "a\\ key=C:\\\\temp\n" in text
    assert "name=Zo\\u00eb\n" in text


def test_the_commit_comes_from_ci_first() -> None:
    assert environment.git_commit({"GITHUB_SHA": "abc123"}) == "abc123"
    assert environment.git_commit({"CI_COMMIT_SHA": "def456"}) == "def456"
    assert len(environment.git_commit({}).split("-")[0]) in (40, 7) or environment.git_commit({}) == "unknown"


def test_the_target_environment_names_urls_and_never_credentials() -> None:
    class Config:
        profile, realm, authenticator_issuer, user_provider = (
            "uat",
            "famhp-externals",
            "UAT-FAMHPExternals",
            "invite-ui",
        )
        portal_url, famhp_connect_url = "https://uat.example/portal", "https://uat.example/famhp-connect"
        vamreg_url, api_url, keycloak_url = (
            "https://uat.example/vamreg",
            "https://uat.example/api",
            "https://sso.example",
        )
        mail_backend, mailpit_url, imap_host, imap_port, imap_security = "imap", None, "imap.example", 993, "ssl"
        imap_password = Secret("Imap#Password-123")
        organisation = "Acme Pharma NV"
        browser_engine, browser_endpoint, selenium_grid_url = "selenium-grid", None, "http://grid.example:4444"

    values = environment.target_environment(Config())
    assert values["realm"] == "famhp-externals" and values["mail.imap"] == "imap.example:993 (ssl)"
    assert values["browser.engine"] == "selenium-grid" and values["browser.address"] == "http://grid.example:4444"
    assert values["organisation"] == "Acme Pharma NV"
    assert "Imap#Password-123" not in json.dumps(values)


# ---- the run's secrets, on disk for the scan -------------------------------------------------------------------
@pytest.fixture
def clean_registry() -> Iterator[None]:
    forget_all_secrets()
    yield
    forget_all_secrets()


def test_the_run_secrets_are_written_for_the_owner_only(tmp_path: Path, clean_registry: None) -> None:
    Secret("Recorded#Password-1")
    register_totp_secret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    recorder = run_secrets.RunSecretsRecorder(tmp_path / "secrets", "gw0")
    recorder.record()
    assert stat.S_IMODE(recorder.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(recorder.path.parent.stat().st_mode) == 0o700
    payload = json.loads(recorder.path.read_text())
    assert "Recorded#Password-1" in payload["texts"]
    assert "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP" in payload["texts"]
    loaded = {secret.value for secret in scan_artifacts.load_run_secrets(tmp_path / "secrets")}
    assert b"Recorded#Password-1" in loaded


# ---- the self-test project: real Allure results -------------------------------------------------------------------
@pytest.fixture(scope="module")
def selftest() -> dict[str, SelftestRun]:
    return standard_runs()


def results_by_name(run: SelftestRun) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in run.results.glob("*-result.json"):
        result = json.loads(path.read_text())
        found.setdefault(result["name"], []).append(result)
    for attempts in found.values():
        attempts.sort(key=lambda result: result["start"])
    return found


def labels(result: dict[str, Any], name: str) -> list[str]:
    return [label["value"] for label in result["labels"] if label["name"] == name]


def test_labels_come_from_the_folder_the_feature_the_scenario_and_the_tags(selftest: dict[str, SelftestRun]) -> None:
    passing = results_by_name(selftest["all"])["A scenario that passes"][0]
    assert labels(passing, "epic") == ["Gating"]
    assert labels(passing, "feature") == ["Scenarios the release gate must judge"]
    assert labels(passing, "story") == ["A scenario that passes"]
    assert labels(passing, "severity") == ["critical"]
    assert labels(passing, "owner") == ["identity-team"]
    assert labels(results_by_name(selftest["all"])["A scenario that always fails"][0], "severity") == ["critical"]


def test_each_feature_links_the_guide_sections_of_its_description(selftest: dict[str, SelftestRun]) -> None:
    passing = results_by_name(selftest["all"])["A scenario that passes"][0]
    assert [(link["type"], link["name"].split(" — ")[0]) for link in passing["links"]] == [
        ("user-guide", "User guide 1.1"),
        ("user-guide", "User guide 1.2"),
    ]


def test_a_pass_on_retry_keeps_both_attempts_and_is_flagged_flaky(selftest: dict[str, SelftestRun]) -> None:
    attempts = results_by_name(selftest["all"])["A scenario that fails on its first attempt only"]
    assert [attempt["status"] for attempt in attempts] == ["failed", "passed"]
    assert attempts[0]["historyId"] == attempts[1]["historyId"]  # Allure shows the first as a retry of the second
    assert attempts[1]["statusDetails"]["flaky"] is True


def test_a_quarantined_failure_runs_is_muted_and_does_not_fail_pytest(selftest: dict[str, SelftestRun]) -> None:
    attempts = results_by_name(selftest["all"])["A quarantined scenario that always fails"]
    assert len(attempts) == 1  # an expected failure is not retried
    assert attempts[0]["status"] == "failed" and attempts[0]["statusDetails"]["muted"] is True
    assert labels(attempts[0], "quarantine_until") == ["2999-12-31"]
    assert "xfailed" in selftest["all"].output
    junit = selftest["all"].junit.read_text()
    assert 'name="quarantine_until" value="2999-12-31"' in junit
    assert 'message="quarantined until 2999-12-31 (owner identity-team)"' in junit


def test_an_expired_quarantine_is_not_muted(selftest: dict[str, SelftestRun]) -> None:
    expired = results_by_name(selftest["all"])["A scenario whose quarantine has ended"][0]
    assert labels(expired, "quarantine_until") == ["2000-01-01"]
    assert "muted" not in (expired.get("statusDetails") or {})


def test_ci_retries_once_by_default_and_a_workstation_does_not(selftest: dict[str, SelftestRun]) -> None:
    assert selftest["ci-default"].returncode == 0, selftest["ci-default"].output
    assert len(list(selftest["ci-default"].results.glob("*-result.json"))) == 2
    assert selftest["local-default"].returncode == 1, selftest["local-default"].output
    assert len(list(selftest["local-default"].results.glob("*-result.json"))) == 1


def test_the_environment_is_written_into_the_results(selftest: dict[str, SelftestRun]) -> None:
    properties = (selftest["all"].results / "environment.properties").read_text()
    assert "git.commit=" in properties and "pytest-bdd=" in properties


def test_the_run_secrets_of_the_selftest_are_recorded_outside_the_results(selftest: dict[str, SelftestRun]) -> None:
    recorded = list(selftest["all"].secrets.glob("*.json"))
    assert recorded and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in recorded)
    assert PASSWORD in json.loads(recorded[0].read_text())["texts"]
    assert not selftest["all"].secrets.is_relative_to(selftest["all"].results)


@pytest.mark.skipif(not ALLURE.exists() or not shutil.which("node"), reason="Allure 3 (npm) not installed")
def test_the_report_is_a_folder_a_single_file_and_a_history_line(
    selftest: dict[str, SelftestRun], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, single, history = tmp_path / "allure-report", tmp_path / "allure-report-single", tmp_path / "history.jsonl"
    history.write_text("")  # as CI restores it from the previous run
    assert report_cli.generate(selftest["all"].results, report, single, history) == 0
    assert (report / "index.html").exists() and (report / "widgets").is_dir()
    page = (single / "index.html").read_text()
    assert "googletagmanager" not in page and "googletagmanager" not in (report / "index.html").read_text()
    assert len(history.read_text().splitlines()) == 1  # one line a run: trends and flaky across runs
    printed = capsys.readouterr().out
    assert "report built in" in printed and "single file:" in printed
    categories = json.loads((report / "widgets" / "default" / "categories.json").read_text())
    names = {categories["nodes"][root]["name"] for root in categories["roots"]}
    assert {
        "Flaky: passed only on a retry",
        "Environment: e-mail never arrived",
        "Suite defect: the test code, not the product",
        "Product failure: the portal does not do what the user guide says",
        "Quarantined (kept out of the release gate until its date)",
    } <= names
    # the one-file report carries attachments base64-encoded: the scan must still find the leak in it
    outcome = scan_artifacts.run_scan([single], {}, selftest["all"].secrets, forget=False)
    assert [finding.form for finding in outcome.findings] == ["base64"]


def test_generate_without_results_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report_cli.generate(tmp_path, tmp_path / "r", tmp_path / "s", None) == 2
    assert "no Allure results" in capsys.readouterr().out


def test_the_config_for_allure_moves_output_and_history(tmp_path: Path) -> None:
    base = json.loads((PROJECT_ROOT / "allurerc.json").read_text())
    config = report_cli.build_config(base, tmp_path / "out", tmp_path / "h.jsonl")
    assert config["output"] == str(tmp_path / "out") and config["historyPath"] == str(tmp_path / "h.jsonl")
    assert "historyPath" not in report_cli.build_config(base, tmp_path, None)
    assert set(config["plugins"]) == {report_cli.FOLDER_PLUGIN, report_cli.SINGLE_FILE_PLUGIN}
