"""Secrets are masked in everything pytest prints and records: log records of any logger on any handler (masked where
they are made), and, in the self-test project run as `uat run` runs the suite, the assertion introspection of a failed
`assert` on `reveal()`, captured stdout, stderr and log, on the console, in junit.xml and in the Allure results."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from support.leaks import scan as artifact_scan
from support.secrets import Secret, forget_all_secrets, install_log_masking
from tests.suite_selftest.runner import SelftestRun, SelftestSpec, run_selftests

RUNS = {
    "masked": SelftestSpec("masking", reruns=0),
    # the control: the same run without the plugin's report masking leaks, so the test above it plants real leaks
    "unmasked": SelftestSpec("masking", reruns=0, args=("-p", "no:fixtures.masking")),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SelftestRun]:
    runs = run_selftests(tmp_path_factory.mktemp("masking"), RUNS)
    for run in runs.values():
        (run.workdir / "console.log").write_text(run.output)  # what a CI job log would show
    return runs


def scan(run: SelftestRun) -> artifact_scan.ScanOutcome:
    return artifact_scan.run_scan([run.results, run.junit, run.workdir / "console.log"], {}, run.secrets, forget=False)


def test_the_run_fails_where_it_should(runs: dict[str, SelftestRun]) -> None:
    output = runs["masked"].output
    assert runs["masked"].returncode == 1 and "3 failed, 1 passed" in output, output[-2000:]


def test_no_secret_reaches_the_console_junit_or_the_allure_results(runs: dict[str, SelftestRun]) -> None:
    outcome = scan(runs["masked"])
    assert outcome.clean, artifact_scan.describe_outcome(outcome)
    assert outcome.stats.files > 4


def test_the_console_shows_the_mask_where_the_secret_was(runs: dict[str, SelftestRun]) -> None:
    output = runs["masked"].output
    assert "where 22 = len('***')" in output  # the assertion introspection, masked
    assert "assert '***' == 'another password'" in output
    assert "stdout: the password is ***" in output and "child logger: the password is ***" in output
    junit = runs["masked"].junit.read_text()
    assert "len(&apos;***&apos;)" in junit or "len('***')" in junit


def test_without_the_report_masking_the_same_run_leaks(runs: dict[str, SelftestRun]) -> None:
    outcome = scan(runs["unmasked"])
    leaked = {finding.location.rsplit("/", 1)[-1].split("!", 1)[0] for finding in outcome.findings}
    assert "console.log" in leaked and "junit.xml" in leaked, artifact_scan.describe_outcome(outcome)
    assert any(name.endswith("-attachment.txt") for name in leaked)  # the captured stdout Allure attached


# ---- log records, in this process ----------------------------------------------------------------------------------
@pytest.fixture
def handler() -> Iterator[list[str]]:
    """A handler on the root logger, as pytest's capture, a --log-file or a CI log formatter is."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    collect = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(collect)
    forget_all_secrets()
    yield lines
    root.removeHandler(collect)
    forget_all_secrets()


def test_records_of_child_loggers_are_masked_on_every_handler(handler: list[str]) -> None:
    install_log_masking()
    secret = Secret("Child#Logger-Secret*42")
    child = logging.getLogger("httpx.child.of.a.child")
    child.setLevel(logging.DEBUG)
    child.debug("POST /token body=password=%s", quote_plus(secret.reveal()))
    try:
        raise ValueError(f"login refused for {secret.reveal()}")
    except ValueError:
        child.exception("sign-in failed")
    text = "\n".join(handler)
    assert secret.reveal() not in text and quote_plus(secret.reveal()) not in text
    assert "POST /token body=password=***" in text and "ValueError: login refused for ***" in text


def test_a_broken_format_string_is_masked_and_does_not_raise(handler: list[str]) -> None:
    install_log_masking()
    secret = Secret("Broken#Format-Secret-7")
    logging.getLogger("uat.broken").warning("two placeholders %s %s", secret.reveal())
    assert handler and secret.reveal() not in handler[-1] and "***" in handler[-1]


def test_log_masking_is_installed_once(handler: list[str]) -> None:
    install_log_masking()
    factory = logging.getLogRecordFactory()
    install_log_masking()
    assert logging.getLogRecordFactory() is factory


def test_the_record_factory_is_the_one_the_plugin_installs(pytestconfig: pytest.Config) -> None:
    """fixtures.run installs it for every run of the suite (this process is one)."""
    assert getattr(logging.getLogRecordFactory(), "masks_secrets", False)
    assert pytestconfig.pluginmanager.has_plugin("fixtures.masking")


def test_masking_shapes_nobody_registered(handler: list[str], tmp_path: Path) -> None:
    install_log_masking()
    key = "famhp_0f1e2d3c_" + "a" * 43
    logging.getLogger("uat.api").warning("created %s", key)
    assert handler[-1] == "created ***"
