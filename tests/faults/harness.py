"""Runs the Gherkin suite as CI runs it (`uat run`, another process) with one fault injected, and reads what it left:
each scenario's verdict, its report category and message, the run's marker, and when the fault was injected."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli.gate import Attempt, Scenario, category_of, load_category_rules
from support.paths import ALLURE_CONFIG, PROJECT_ROOT
from support.reporting.run_state import read_run_state

UAT = str(PROJECT_ROOT / ".venv" / "bin" / "uat")
RUN_TIMEOUT_S = 1200
RULES = load_category_rules(ALLURE_CONFIG)


@dataclass(frozen=True)
class Verdict:
    """One scenario as the report shows it (its last attempt)."""

    name: str
    status: str
    category: str
    message: str
    stop_s: float  # epoch seconds
    attachments: tuple[str, ...]


@dataclass
class FaultRun:
    workdir: Path
    returncode: int
    output: str
    started: float
    ended: float
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    injections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def results(self) -> Path:
        return self.workdir / "allure-results"

    @property
    def junit(self) -> Path:
        return self.workdir / "junit.xml"

    @property
    def run_state(self) -> dict[str, Any] | None:
        return read_run_state(self.results)

    def verdict(self, name_part: str) -> Verdict:
        found = [verdict for name, verdict in self.verdicts.items() if name_part.lower() in name.lower()]
        assert len(found) == 1, f"{len(found)} scenarios match {name_part!r}: {list(self.verdicts)}\n{self.tail()}"
        return found[0]

    def injected_at(self) -> float:
        assert self.injections, f"the fault was never injected:\n{self.tail()}"
        return float(self.injections[0]["at"])

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def _verdicts(results: Path) -> dict[str, Verdict]:
    verdicts: dict[str, Verdict] = {}
    for path in sorted(results.glob("*-result.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        attempt = Attempt.from_result(raw)
        known = verdicts.get(attempt.name)
        if known is not None and known.stop_s * 1000 > attempt.stop:
            continue  # an earlier attempt
        verdicts[attempt.name] = Verdict(
            name=attempt.name,
            status=attempt.status,
            category=category_of(Scenario([attempt]), RULES),
            message=attempt.message,
            stop_s=attempt.stop / 1000,
            attachments=tuple(str(a.get("name", "")) for a in raw.get("attachments") or []),
        )
    return verdicts


def run_suite(
    workdir: Path,
    selection: str,
    *,
    when: str = "",
    action: str = "",
    env: Mapping[str, str] | None = None,
    extra: tuple[str, ...] = (),
    results: Path | None = None,
) -> FaultRun:
    """`uat run -k <selection>` with the injector plugin, in a process group of its own (a Ctrl-C goes to it only)."""
    workdir.mkdir(parents=True, exist_ok=True)
    fault_log = workdir / "faults.jsonl"
    results = results or workdir / "allure-results"
    command = [
        UAT, "run", "-p", "tests.faults.injector", "-k", selection, "-p", "no:cacheprovider",
        f"--alluredir={results}", f"--junitxml={results.parent / 'junit.xml'}", f"--output={workdir / 'test-results'}",
        *extra,
    ]  # fmt: skip
    environment = {
        **{name: value for name, value in os.environ.items() if name not in ("UAT_RUN_ID", "CI", "UAT_RERUNS")},
        "FAULT_WHEN": when,
        "FAULT_ACTION": action,
        "FAULT_LOG": str(fault_log),
        "UAT_RUN_SECRETS_DIR": str(workdir / "run-secrets"),
        **(env or {}),
    }
    started = time.time()
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise AssertionError(f"the run did not end within {RUN_TIMEOUT_S} s:\n{output[-4000:]}") from None
    ended = time.time()
    injections = [json.loads(line) for line in fault_log.read_text().splitlines()] if fault_log.exists() else []
    verdicts = _verdicts(results) if results.is_dir() else {}
    return FaultRun(workdir, process.returncode, output, started, ended, verdicts, injections)


def uat(*args: str, timeout_s: float = 600, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Another `uat` command (cleanup, gate, stack …) as a user types it."""
    return subprocess.run(
        [UAT, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout_s,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
