"""What a run left for the gate to judge: its Allure results (one attempt per file, grouped by scenario) and its
JUnit XML, of one run or of several shards merged into one."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from support.paths import SHARD_FILE
from support.reporting.tags import OWNER_LABEL, QUARANTINE_LABEL

BAD_STATUSES = ("failed", "broken", "unknown")


@dataclass(frozen=True)
class Attempt:
    """One Allure result: one attempt at one scenario (a retry writes another)."""

    name: str
    history_id: str
    status: str
    start: int
    stop: int
    message: str
    trace: str
    flaky_flag: bool
    labels: tuple[tuple[str, str], ...]

    @classmethod
    def from_result(cls, raw: Mapping[str, Any]) -> Attempt:
        details = raw.get("statusDetails") or {}
        return cls(
            name=raw.get("name") or raw.get("fullName") or "?",
            history_id=raw.get("historyId") or raw.get("testCaseId") or raw.get("fullName") or raw.get("uuid", "?"),
            status=raw.get("status") or "unknown",
            start=int(raw.get("start") or 0),
            stop=int(raw.get("stop") or raw.get("start") or 0),
            message=details.get("message") or "",
            trace=details.get("trace") or "",
            flaky_flag=bool(details.get("flaky")),
            labels=tuple((label.get("name", ""), str(label.get("value", ""))) for label in raw.get("labels", [])),
        )

    def label(self, name: str) -> str | None:
        return next((value for key, value in self.labels if key == name), None)


@dataclass(frozen=True)
class Quarantine:
    until: date
    owner: str

    def expired(self, today: date) -> bool:
        return today > self.until


@dataclass
class Scenario:
    """Every attempt at one scenario (one Allure history id), the last one deciding."""

    attempts: list[Attempt]

    @property
    def final(self) -> Attempt:
        return self.attempts[-1]

    @property
    def name(self) -> str:
        return self.final.name

    @property
    def feature(self) -> str:
        return self.final.label("feature") or ""

    @property
    def status(self) -> str:
        return self.final.status

    @property
    def executed(self) -> bool:
        return self.status != "skipped"

    @property
    def failed(self) -> bool:
        return self.status in BAD_STATUSES

    @property
    def flaky(self) -> bool:
        earlier_failed = any(attempt.status in BAD_STATUSES for attempt in self.attempts[:-1])
        return self.status == "passed" and (self.final.flaky_flag or earlier_failed)

    @property
    def duration_s(self) -> float:
        return max(self.final.stop - self.final.start, 0) / 1000

    @property
    def quarantine(self) -> Quarantine | None:
        until = self.final.label(QUARANTINE_LABEL)
        if not until:
            return None
        return Quarantine(date.fromisoformat(until), self.final.label(OWNER_LABEL) or "nobody")


def load_scenarios(results_dir: Path) -> list[Scenario]:
    grouped: dict[str, list[Attempt]] = {}
    for path in sorted(results_dir.glob("*-result.json")):
        try:
            attempt = Attempt.from_result(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # half-written: `incomplete_results` names it, and the gate fails on it
        grouped.setdefault(attempt.history_id, []).append(attempt)
    return [Scenario(sorted(attempts, key=lambda a: (a.start, a.stop))) for attempts in grouped.values()]


@dataclass
class MergedShards:
    """Several shards' results as one run, and what makes the merge incomplete: a shard missing, two shards that
    ran the same scenario, shards that ran different selections, fewer scenarios than the whole selection."""

    scenarios: list[Scenario]
    junit_failures: list[JunitFailure]
    problems: list[str]


def results_of(folder: Path) -> Path:
    """The Allure results of a shard's folder (its allure-results/), or the folder itself when it is one."""
    inner = folder / "allure-results"
    return inner if inner.is_dir() else folder


def _shard_folder(folder: Path) -> Path:
    """A shard's folder, given it or its allure-results/ subfolder."""
    return folder if (folder / "allure-results").is_dir() else folder.parent


def junit_of(folder: Path) -> Path:
    """The JUnit XML of a shard's folder."""
    return _shard_folder(folder) / "junit.xml"


def load_merged(folders: list[Path]) -> MergedShards:
    problems: list[str] = []
    merged: dict[str, list[Scenario]] = {}
    failures: list[JunitFailure] = []
    records: list[dict[str, Any]] = []
    for folder in folders:
        shard = _shard_folder(folder)
        for scenario in load_scenarios(results_of(folder)):
            merged.setdefault(scenario.final.history_id, []).append(scenario)
        failures += load_junit_failures(junit_of(folder))
        if (shard / SHARD_FILE).is_file():
            records.append(json.loads((shard / SHARD_FILE).read_text(encoding="utf-8")))
        else:
            problems.append(f"{shard} has no {SHARD_FILE}: was it written by `uat run --shard I/N`?")
    twice = [found[0].name for found in merged.values() if len(found) > 1]
    if twice:
        problems.append(f"{len(twice)} scenario(s) ran in more than one shard: {', '.join(sorted(twice)[:5])}")
    scenarios = [max(found, key=lambda s: s.final.stop) for found in merged.values()]
    counts = {record["shards"] for record in records}
    if len(counts) > 1:
        problems.append(f"the folders come from different splits ({', '.join(map(str, sorted(counts)))} shards)")
    elif counts:
        count = counts.pop()
        missing = sorted(set(range(1, count + 1)) - {record["shard"] for record in records})
        if missing:
            problems.append(f"shard(s) {', '.join(f'{i}/{count}' for i in missing)} missing from the merge")
    selections = {record["selection"] for record in records}
    if len(selections) > 1:
        problems.append(
            f"the shards ran different selections ({', '.join(map(str, sorted(selections)))} scenarios): give every "
            "shard the same -m/-k"
        )
    elif selections and len(scenarios) < (whole := selections.pop()):
        problems.append(
            f"the merged results hold {len(scenarios)} scenarios, the whole selection had {whole}: a shard did not "
            "finish (see its junit.xml)"
        )
    return MergedShards(scenarios, failures, problems)


@dataclass(frozen=True)
class JunitFailure:
    test: str
    message: str
    quarantined_until: date | None


def load_junit_failures(junit_xml: Path) -> list[JunitFailure]:
    """Test cases whose last attempt failed or errored, as pytest's JUnit XML tells it. It also sees what Allure
    cannot: collection errors and fixture set-up failures before a scenario starts."""
    try:
        cases = list(ElementTree.parse(junit_xml).iter("testcase"))
    except (OSError, ElementTree.ParseError):
        return []  # missing, or half-written: `incomplete_results` names it
    last: dict[str, ElementTree.Element] = {}
    for case in cases:
        last[f"{case.get('classname', '')}::{case.get('name', '')}"] = case  # a retry is a later entry
    failures = []
    for test, case in last.items():
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        until = properties.get(QUARANTINE_LABEL)
        failures.append(
            JunitFailure(test, (problem.get("message") or "").strip(), date.fromisoformat(until) if until else None)
        )
    return failures


def python_name(scenario_name: str) -> str:
    """The test function pytest-bdd makes of a scenario name (pytest_bdd.scenario.make_python_name)."""
    return re.sub(r"^\d+_*", "", re.sub(r"\W", "", scenario_name.replace(" ", "_"))).lower()
