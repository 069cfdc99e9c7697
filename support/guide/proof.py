"""What a run proves for the guide: for each step, the scenario passed, the Gherkin step passed, and the screenshot
taken after it (`--step-screenshots all`, masked like every report screenshot). Read from Allure results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.guide.definition import Guide
from support.reporting.environment import ENVIRONMENT_FILE


class UnprovenGuide(Exception):
    """A step of the guide has no passed scenario, no passed step or no screenshot in the run; a guide never shows
    a screen that was not proven. The message names every such step."""


@dataclass(frozen=True)
class Proof:
    step_id: str
    image: bytes  # PNG
    scenario: str
    taken_at_ms: int


@dataclass(frozen=True)
class RunRecord:
    """Where and when the proving run happened, from the results' environment.properties."""

    environment: str
    release: str
    run: str


def _final_attempts(results_dir: Path) -> dict[str, dict[str, Any]]:
    """Scenario name -> its last result (a retried scenario leaves one result per attempt)."""
    final: dict[str, dict[str, Any]] = {}
    for path in results_dir.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        known = final.get(result["name"])
        if known is None or result.get("stop", 0) > known.get("stop", 0):
            final[result["name"]] = result
    return final


def _steps(result: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for step in result.get("steps", []):
        found.append(step)
        found += _steps(step)
    return found


def prove(guide: Guide, results_dir: Path) -> list[Proof]:
    """A screenshot for every proven step of the guide, or UnprovenGuide naming every step that lacks one."""
    if not results_dir.is_dir():
        raise UnprovenGuide(f"no run results in {results_dir}: run the guide's scenarios first (`uat guide --run`)")
    results = _final_attempts(results_dir)
    proofs, problems = [], []
    for step in guide.proven_steps:
        assert step.scenario and step.after
        result = results.get(step.scenario)
        if result is None:
            problems.append(f"{step.id}: the scenario {step.scenario!r} did not run")
            continue
        if result.get("status") != "passed":
            problems.append(f"{step.id}: the scenario {step.scenario!r} {result.get('status')}")
            continue
        gherkin = next((s for s in _steps(result) if s.get("name") == step.after), None)
        if gherkin is None or gherkin.get("status") != "passed":
            problems.append(f"{step.id}: the step {step.after!r} of {step.scenario!r} did not pass")
            continue
        images = [a for a in gherkin.get("attachments", []) if a.get("type") == "image/png"]
        if not images:
            problems.append(f"{step.id}: no screenshot after {step.after!r} (run with --step-screenshots all)")
            continue
        image = (results_dir / images[-1]["source"]).read_bytes()
        proofs.append(Proof(step.id, image, step.scenario, int(gherkin.get("stop", 0))))
    if problems:
        raise UnprovenGuide(
            f"the guide ({guide.locale}) cannot show unproven screens:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return proofs


def run_record(results_dir: Path) -> RunRecord:
    values: dict[str, str] = {}
    path = results_dir / ENVIRONMENT_FILE
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip().replace("\\:", ":").replace("\\ ", " ")
    environment = values.get("profile", "unknown")
    if values.get("target.portal"):
        environment += f" ({values['target.portal']})"
    return RunRecord(environment, values.get("git.commit", "unknown")[:12], values.get("ci.job", "local run"))
