"""Runs the self-test project in subprocesses, as `uat run` runs the suite, and says where each run left its
Allure results, JUnit XML and recorded secrets."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SELFTEST_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = SELFTEST_DIR.parents[1]
PASSWORD = "Selftest#Pa55-4f9c2e1b"  # the secret of every self-test run; one scenario leaks it
TIMEOUT_S = 120


@dataclass(frozen=True)
class SelftestSpec:
    markers: str
    reruns: int | None = 1  # None: let fixtures.reporting choose (UAT_RERUNS / CI)
    env: Mapping[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelftestRun:
    workdir: Path
    returncode: int
    output: str

    @property
    def results(self) -> Path:
        return self.workdir / "allure-results"

    @property
    def junit(self) -> Path:
        return self.workdir / "junit.xml"

    @property
    def secrets(self) -> Path:
        return self.workdir / "run-secrets"


def _command(workdir: Path, spec: SelftestSpec) -> list[str]:
    command = [
        sys.executable, "-m", "pytest", str(SELFTEST_DIR),
        "-c", str(SELFTEST_DIR / "pytest.ini"), "--rootdir", str(SELFTEST_DIR),
        "-m", spec.markers, "-q",
        f"--alluredir={workdir / 'allure-results'}", f"--junitxml={workdir / 'junit.xml'}",
    ]  # fmt: skip
    if spec.reruns is not None:
        command.append(f"--reruns={spec.reruns}")
    return command + list(spec.args)


def _environment(workdir: Path, spec: SelftestSpec) -> dict[str, str]:
    inherited = {name: value for name, value in os.environ.items() if name not in ("CI", "UAT_RERUNS")}
    python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return {
        **inherited,
        "PYTHONPATH": python_path,
        "SELFTEST_STATE_DIR": str(workdir / "state"),
        "SELFTEST_PASSWORD": PASSWORD,
        "UAT_RUN_SECRETS_DIR": str(workdir / "run-secrets"),
        **spec.env,
    }


def run_selftests(base: Path, specs: Mapping[str, SelftestSpec]) -> dict[str, SelftestRun]:
    """Start every run at once (each in its own folder) and wait for all: the runs are independent."""
    started: dict[str, tuple[Path, subprocess.Popen[str]]] = {}
    for name, spec in specs.items():
        workdir = base / name
        (workdir / "state").mkdir(parents=True)
        process = subprocess.Popen(
            _command(workdir, spec), cwd=workdir, env=_environment(workdir, spec), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started[name] = (workdir, process)
    runs = {}
    for name, (workdir, process) in started.items():
        output, _ = process.communicate(timeout=TIMEOUT_S)
        runs[name] = SelftestRun(workdir, process.returncode, output)
    return runs


# Standard runs shared by every test module of one pytest process (each run costs ~2 s of interpreter start-up).
STANDARD_RUNS = {
    "all": SelftestSpec("selftest", reruns=1),
    "ci-default": SelftestSpec("case_flaky", reruns=None, env={"CI": "true"}),
    "local-default": SelftestSpec("case_flaky", reruns=None),
    "quarantined": SelftestSpec("case_pass or case_quarantined", reruns=1),
    "expired": SelftestSpec("case_pass or case_expired", reruns=1),
}
_standard: dict[str, SelftestRun] = {}


def standard_runs() -> dict[str, SelftestRun]:
    """The standard runs, made once per process in a temporary folder removed at exit."""
    if not _standard:
        base = Path(tempfile.mkdtemp(prefix="uat-selftest-"))
        atexit.register(shutil.rmtree, base, ignore_errors=True)
        _standard.update(run_selftests(base, STANDARD_RUNS))
    return _standard
