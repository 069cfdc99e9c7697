"""The CI templates publish evidence only after a clean artifact scan, validated as far as this machine allows: the
GitHub workflow and the GitLab job are read as data (which step uploads what, on which condition), and their shell is
run here on a real `uat gate` verdict: a planted secret leaves nothing but the summary to publish."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli import gate
from tests.suite_selftest.runner import SelftestRun, standard_runs

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PUBLISH_SCRIPT = "sh scripts/publish-only-clean.sh"
EVIDENCE = ("reports/allure-report", "reports/allure-report-single", "reports/junit.xml", "reports/console.log",
            "test-results")  # fmt: skip


def _load(path: str) -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / path).read_text())


@pytest.fixture(scope="module")
def github() -> dict[str, Any]:
    return _load(".github/workflows/uat.yml")


@pytest.fixture(scope="module")
def gitlab() -> dict[str, Any]:
    return _load(".gitlab-ci.yml")


def _step(steps: list[dict[str, Any]], text: str) -> tuple[int, dict[str, Any]]:
    return next((index, step) for index, step in enumerate(steps) if text in str(step.get("run") or step.get("uses")))


# ---- GitHub Actions ------------------------------------------------------------------------------------------------
def test_github_uploads_only_what_the_scan_cleared(github: dict[str, Any]) -> None:
    steps = github["jobs"]["report"]["steps"]
    gate_at, _ = _step(steps, "uat gate --merge")
    cleared_at, cleared = _step(steps, PUBLISH_SCRIPT)
    assert cleared["run"] == PUBLISH_SCRIPT
    assert gate_at < cleared_at and cleared["id"] == "cleared" and cleared["if"] == "always()"
    uploads = [(index, step) for index, step in enumerate(steps) if "upload" in str(step.get("uses"))]
    assert len(uploads) == 3
    for index, step in uploads:
        assert index > cleared_at
        paths = str(step["with"]["path"])
        if paths.strip() == "reports/summary.md":
            assert "steps.cleared.outputs.publish != 'true'" in step["if"]
        else:
            assert "steps.cleared.outputs.publish == 'true'" in step["if"], step["name"]
    pages = github["jobs"]["pages"]
    assert "needs.report.outputs.publish == 'true'" in pages["if"]
    assert github["jobs"]["report"]["outputs"]["publish"] == "${{ steps.cleared.outputs.publish }}"


def test_github_shards_upload_only_what_their_own_scan_cleared(github: dict[str, Any]) -> None:
    """Only a shard's runner knows the secrets its scenarios made: it scans, and uploads only a cleared shard."""
    job = github["jobs"]["shard"]
    assert job["strategy"]["matrix"]["shard"] == list(range(1, int(github["env"]["SHARDS"]) + 1))
    steps = job["steps"]
    run_at, _ = _step(steps, "uat run --shard")
    scan_at, scan = _step(steps, "uat scan-artifacts")
    cleared_at, cleared = _step(steps, PUBLISH_SCRIPT)
    assert run_at < scan_at < cleared_at and scan["if"] == cleared["if"] == "always()"
    assert '--clean-marker "reports/shards/$SHARD-of-$SHARDS/scan-clean.txt"' in scan["run"]
    assert '"reports/shards/$SHARD-of-$SHARDS"' in cleared["run"] and cleared["id"] == "cleared"
    uploads = [(index, step) for index, step in enumerate(steps) if "upload" in str(step.get("uses"))]
    assert [index > cleared_at for index, _ in uploads] == [True]
    assert "steps.cleared.outputs.publish == 'true'" in uploads[0][1]["if"]
    assert github["jobs"]["report"]["needs"] == "shard"


def test_github_keeps_the_console_out_of_the_job_log_until_the_scan(github: dict[str, Any]) -> None:
    _, run = _step(github["jobs"]["shard"]["steps"], "uat run")
    assert run["run"].count('> "$folder/console.log" 2>&1') == 2


# ---- GitLab CI -------------------------------------------------------------------------------------------------------
def test_gitlab_withholds_the_evidence_before_its_artifacts_are_uploaded(gitlab: dict[str, Any]) -> None:
    report = gitlab["uat-report"]
    assert report["after_script"] == [PUBLISH_SCRIPT]  # after_script runs after a failed or timed-out script too
    assert report["artifacts"]["when"] == "always"
    assert set(report["artifacts"]["paths"]) >= {"reports/summary.md", "reports/shards/", "test-results/"}
    shard = gitlab["uat-shard"]
    assert [line.split('"')[1] for line in shard["after_script"]] == ["reports/shards/$CI_NODE_INDEX-of-$CI_NODE_TOTAL"]
    assert all(line.startswith(PUBLISH_SCRIPT) for line in shard["after_script"])
    script = "\n".join(shard["script"])
    assert script.count('> "$folder/console.log" 2>&1') == 2
    assert '--clean-marker "$folder/scan-clean.txt"' in script
    assert any("test -d reports/allure-report" in line for line in gitlab["pages"]["script"])


# ---- the shell, on a real verdict ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs() -> dict[str, SelftestRun]:
    return standard_runs()


def _workspace(tmp_path: Path, run: SelftestRun) -> Path:
    """A CI workspace after `uat run` and `uat report`: results, junit.xml, a report, traces, the console log."""
    workspace = tmp_path / "workspace"
    reports = workspace / "reports"
    shutil.copytree(run.results, reports / "allure-results")
    shutil.copy(run.junit, reports / "junit.xml")
    shutil.copytree(run.secrets, workspace / ".uat" / "run-secrets")
    for report in ("allure-report", "allure-report-single"):
        (reports / report).mkdir()
        (reports / report / "index.html").write_text("<html>report</html>")
    (reports / "console.log").write_text("4 passed in 3.2s\n")
    (workspace / "test-results" / "scenario").mkdir(parents=True)
    (workspace / "test-results" / "scenario" / "trace.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (workspace / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "publish-only-clean.sh", workspace / "scripts")
    return workspace


def _gate_then_publish_step(workspace: Path) -> tuple[int, str, str]:
    """`uat gate` as the templates run it, then the templates' publication step, in the workspace."""
    reports = workspace / "reports"
    code = gate.main(
        [
            f"--results={reports / 'allure-results'}",
            f"--junit={reports / 'junit.xml'}",
            f"--summary={reports / 'summary.md'}",
            f"--clean-marker={reports / 'scan-clean.txt'}",
            f"--scan-path={reports}",
            f"--scan-path={workspace / 'test-results'}",
            "--min-scenarios=1",
        ],
        environ={"UAT_RUN_SECRETS_DIR": str(workspace / ".uat" / "run-secrets")},
    )
    output_file = workspace / "github-output"
    published = subprocess.run(
        ["sh", "-c", PUBLISH_SCRIPT],
        cwd=workspace,
        env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output_file)},
        capture_output=True,
        text=True,
        check=True,
    )
    return code, output_file.read_text(), published.stdout


def test_a_clean_run_is_published_with_its_console(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, runs["quarantined"])
    code, outputs, printed = _gate_then_publish_step(workspace)
    assert code == 0 and outputs == "publish=true\n"
    assert all((workspace / path).exists() for path in EVIDENCE)
    assert "---- the run's console" in printed and "4 passed in 3.2s" in printed
    assert not (workspace / ".uat" / "run-secrets").exists()


def test_a_planted_secret_stops_publication(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, runs["quarantined"])
    password = runs["quarantined"].secrets.glob("*.json").__next__().read_text().split('"')[3]
    (workspace / "test-results" / "scenario" / "step.log").write_text(f"typed {password}\n")
    code, outputs, printed = _gate_then_publish_step(workspace)
    assert code == 1 and outputs == "publish=false\n"
    assert not any((workspace / path).exists() for path in EVIDENCE), "evidence left for the upload steps"
    summary = (workspace / "reports" / "summary.md").read_text()
    assert "the artifact scan found 1 secret occurrence(s)" in summary and password not in summary
    assert "NOT PUBLISHED" in printed and "4 passed" not in printed
    assert not (workspace / ".uat" / "run-secrets").exists()


def test_a_shard_is_kept_only_when_its_own_scan_cleared_it(tmp_path: Path) -> None:
    """The shard form of the publication step: FOLDER/scan-clean.txt decides for FOLDER and the paths after it."""
    shard, traces = tmp_path / "reports" / "shards" / "2-of-3", tmp_path / "test-results" / "shard-2-of-3"
    for folder in (shard, traces):
        folder.mkdir(parents=True)
    (shard / "console.log").write_text("14 passed\n")
    command = f'{PUBLISH_SCRIPT} "{shard}" "{traces}"'
    env = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(tmp_path / "out")}
    script = PROJECT_ROOT / "scripts" / "publish-only-clean.sh"
    kept = subprocess.run(["sh", "-c", command.replace("scripts/", f"{script.parent}/")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert "NOT PUBLISHED" in kept.stdout and not shard.exists() and not traces.exists()
    for folder in (shard, traces):
        folder.mkdir(parents=True)
    (shard / "scan-clean.txt").write_text("clean\n")
    (shard / "console.log").write_text("14 passed\n")
    published = subprocess.run(["sh", "-c", command.replace("scripts/", f"{script.parent}/")], cwd=tmp_path, env=env,
                               capture_output=True, text=True, check=True)  # fmt: skip
    assert shard.exists() and traces.exists() and "14 passed" in published.stdout
    assert (tmp_path / "out").read_text() == "publish=false\npublish=true\n"


def test_no_scan_at_all_publishes_nothing_but_the_summary(runs: dict[str, SelftestRun], tmp_path: Path) -> None:
    """A job that failed before the gate (or a gate that never scanned) leaves no marker: fail closed."""
    workspace = _workspace(tmp_path, runs["quarantined"])
    (workspace / "reports" / "summary.md").write_text("gate never ran\n")
    published = subprocess.run(["sh", "-c", PUBLISH_SCRIPT], cwd=workspace, capture_output=True, text=True, check=True)
    assert "NOT PUBLISHED" in published.stdout
    assert not any((workspace / path).exists() for path in EVIDENCE)
    assert (workspace / "reports" / "summary.md").exists() and not (workspace / ".uat" / "run-secrets").exists()
