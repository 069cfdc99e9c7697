"""Whether a run's results are whole: a marker the run writes into its results folder when it starts ("running") and
rewrites when it ends ("finished", "interrupted", "incomplete"); a run killed, interrupted or out of disk never leaves
"finished". With half-written result files and an unreadable JUnit XML, this is what the gate refuses to call a pass;
and the broken "run interrupted" result that tells a reader of the report."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support.secrets import mask_text

RUN_STATE_FILE = ".uat-run.json"
RUNNING = "running"
FINISHED = "finished"
INTERRUPTED = "interrupted"
INCOMPLETE = "incomplete"  # a result could not be written (a full disk)
MIN_FREE_MB_ENV = "UAT_MIN_FREE_MB"
DEFAULT_MIN_FREE_MB = 20


def write_run_state(results: Path, state: str, **details: Any) -> None:
    """Replace the marker atomically (a full disk leaves the previous one, never half of a new one)."""
    results.mkdir(parents=True, exist_ok=True)
    partial = results / f"{RUN_STATE_FILE}.partial"
    partial.write_text(json.dumps({"state": state, **details}), encoding="utf-8")
    partial.replace(results / RUN_STATE_FILE)


def read_run_state(results: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads((results / RUN_STATE_FILE).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        return {"state": "unreadable", "error": str(error)}


def incomplete_results(results: Path, junit: Path) -> list[str]:
    """Why these results are not a whole run (empty when they are): a run that never finished, result files that
    are half-written or unreadable, a JUnit XML that does not parse."""
    problems: list[str] = []
    state = read_run_state(results) if results.is_dir() else None
    if state is not None and state.get("state") != FINISHED:
        why = state.get("reason") or {
            RUNNING: "killed, or it could not write its results (a full disk?)",
            INTERRUPTED: "stopped by a signal",
        }.get(str(state.get("state")), str(state.get("error", "")))
        problems.append(f"the run did not finish (state '{state.get('state')}': {mask_text(str(why))}); not a pass")
    if results.is_dir():
        half_written = sorted(path.name for path in results.glob("*.tmp"))
        if half_written:
            listed = ", ".join(half_written[:3])
            problems.append(f"{len(half_written)} half-written result file(s) in {results}: {listed}")
        unreadable = []
        for path in sorted(results.glob("*-result.json")):
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                unreadable.append(path.name)
        if unreadable:
            problems.append(f"{len(unreadable)} unreadable result file(s) in {results}: {', '.join(unreadable[:3])}")
    if junit.exists():
        try:
            ElementTree.parse(junit)
        except ElementTree.ParseError as error:
            problems.append(f"the JUnit XML {junit} is unreadable (half-written?): {error}")
    return problems


def free_space_problem(results: Path, environ: Mapping[str, str] = os.environ) -> str | None:
    """Too little room for the results (UAT_MIN_FREE_MB, default 20): said before any browser starts."""
    minimum_mb = float(environ.get(MIN_FREE_MB_ENV) or DEFAULT_MIN_FREE_MB)
    existing = next((folder for folder in (results, *results.parents) if folder.exists()), Path("/"))
    free_mb = shutil.disk_usage(existing).free / 1_000_000
    if free_mb >= minimum_mb:
        return None
    return (
        f"{existing} has {free_mb:.1f} MB free, the run's results need at least {minimum_mb:g} MB "
        f"({MIN_FREE_MB_ENV}): free some space or choose another --alluredir"
    )


def write_interrupted_result(results: Path, message: str, started_ms: int) -> Path:
    """A broken result "The run was interrupted", so that the report and the gate say so (category Run
    interrupted: the message starts with the fault's name, as a raised RunInterrupted would)."""
    now_ms = int(time.time() * 1000)
    result = {
        "uuid": str(uuid.uuid4()),
        "historyId": "famhp-uat-run-interrupted",
        "name": "The run was interrupted",
        "fullName": "famhp-uat: the run was interrupted",
        "status": "broken",
        "stage": "finished",
        "statusDetails": {"message": f"support.faults.RunInterrupted: {mask_text(message)}"},
        "start": started_ms,
        "stop": now_ms,
        "labels": [
            {"name": "feature", "value": "The run"},
            {"name": "story", "value": "The run was interrupted"},
            {"name": "severity", "value": "critical"},
        ],
    }
    path = results / f"{result['uuid']}-result.json"
    partial = results / f"{result['uuid']}.partial"
    partial.write_text(json.dumps(result), encoding="utf-8")
    partial.replace(path)
    return path
