"""`uat gate`: one exit code for "release or not" from the run's Allure results and JUnit XML, plus the artifact
scan, with a short Markdown summary for CI job pages (reports/summary.md, $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cli import scan_artifacts
from support.paths import ALLURE_CONFIG, JUNIT, PYPROJECT, RESULTS, SUMMARY
from support.reporting.run_state import incomplete_results, read_run_state
from support.reporting.tags import OWNER_LABEL, QUARANTINE_LABEL

BAD_STATUSES = ("failed", "broken", "unknown")
SLOWEST_SHOWN = 5
MESSAGE_SHOWN = 160


# ---- settings ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GateSettings:
    min_scenarios: int = 1
    allow_flaky: bool = False


def _truthy(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(pyproject: Path, environ: Mapping[str, str]) -> GateSettings:
    """[tool.uat.gate] in pyproject.toml, overridden by UAT_GATE_MIN_SCENARIOS / UAT_GATE_ALLOW_FLAKY."""
    table: dict[str, Any] = {}
    if pyproject.exists():
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("uat", {}).get("gate", {})
    min_scenarios = int(table.get("min_scenarios", GateSettings.min_scenarios))
    allow_flaky = bool(table.get("allow_flaky", GateSettings.allow_flaky))
    if environ.get("UAT_GATE_MIN_SCENARIOS", "").strip():
        min_scenarios = int(environ["UAT_GATE_MIN_SCENARIOS"])
    if environ.get("UAT_GATE_ALLOW_FLAKY", "").strip():
        allow_flaky = _truthy(environ["UAT_GATE_ALLOW_FLAKY"])
    return GateSettings(min_scenarios=min_scenarios, allow_flaky=allow_flaky)


# ---- the run as the gate sees it ---------------------------------------------------------------------------------
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


# ---- categories: the same rules the report uses (allurerc.json) ---------------------------------------------------
def load_category_rules(allure_config: Path) -> list[dict[str, Any]]:
    if not allure_config.exists():
        return []
    categories = json.loads(allure_config.read_text(encoding="utf-8")).get("categories", {})
    return list(categories.get("rules", []) if isinstance(categories, dict) else categories)


def category_of(scenario: Scenario, rules: Iterable[Mapping[str, Any]]) -> str:
    for rule in rules:
        matchers = rule.get("matchers", [])
        for matcher in matchers if isinstance(matchers, list) else [matchers]:
            if _matches(matcher, scenario):
                return str(rule["name"])
    return ""


def _matches(matcher: Mapping[str, Any], scenario: Scenario) -> bool:
    attempt = scenario.final
    if "statuses" in matcher and attempt.status not in matcher["statuses"]:
        return False
    if "flaky" in matcher and bool(matcher["flaky"]) != scenario.flaky:
        return False
    for name, pattern in matcher.get("labels", {}).items():
        if not any(re.search(pattern, value) for key, value in attempt.labels if key == name):
            return False
    if "message" in matcher and not re.search(matcher["message"], attempt.message):
        return False
    return "trace" not in matcher or bool(re.search(matcher["trace"], attempt.trace))


# ---- the verdict ----------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    scenarios: list[Scenario]
    reasons: list[str] = field(default_factory=list)
    failed: list[Scenario] = field(default_factory=list)
    flaky: list[Scenario] = field(default_factory=list)
    quarantined: list[Scenario] = field(default_factory=list)
    expired: list[Scenario] = field(default_factory=list)
    junit_only: list[JunitFailure] = field(default_factory=list)
    scan_report: str = ""

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def executed(self) -> list[Scenario]:
        return [scenario for scenario in self.scenarios if scenario.executed]


def judge(
    scenarios: list[Scenario],
    junit_failures: list[JunitFailure],
    settings: GateSettings,
    today: date,
    scan: scan_artifacts.ScanOutcome | None = None,
    incomplete: list[str] | None = None,
) -> Verdict:
    verdict = Verdict(scenarios)
    verdict.reasons += incomplete or []  # a run killed, interrupted or out of disk is never a pass
    for scenario in scenarios:
        quarantine = scenario.quarantine
        if quarantine and quarantine.expired(today):
            verdict.expired.append(scenario)  # its result counts again, and the expiry itself fails the gate
        elif quarantine:
            verdict.quarantined.append(scenario)
            continue
        if scenario.failed:
            verdict.failed.append(scenario)
        elif scenario.flaky:
            verdict.flaky.append(scenario)
    if verdict.failed:
        verdict.reasons.append(f"{len(verdict.failed)} scenario(s) failed or broke")
    if verdict.flaky and not settings.allow_flaky:
        verdict.reasons.append(
            f"{len(verdict.flaky)} scenario(s) passed only on a retry (flaky); "
            "allow with --allow-flaky or UAT_GATE_ALLOW_FLAKY=1"
        )
    for scenario in verdict.expired:
        quarantine = scenario.quarantine
        assert quarantine is not None
        verdict.reasons.append(
            f"the quarantine of '{scenario.name}' ended on {quarantine.until.isoformat()} "
            f"(owner {quarantine.owner}): fix the scenario or extend the date"
        )
    executed = len(verdict.executed)
    if executed < settings.min_scenarios:
        verdict.reasons.append(
            f"only {executed} scenario(s) ran, {settings.min_scenarios} expected "
            "(a partial run? gate it with --min-scenarios N)"
        )
    # JUnit failures that no failed Allure result explains: collection errors, set-up failures, crashes
    explained = {python_name(s.final.label("story") or s.name) for s in verdict.failed + verdict.quarantined}
    for failure in junit_failures:
        if failure.quarantined_until and today <= failure.quarantined_until:
            continue
        test_name = failure.test.rsplit("::", 1)[-1].split("[", 1)[0].removeprefix("test_")
        if test_name not in explained:
            verdict.junit_only.append(failure)
    if verdict.junit_only:
        verdict.reasons.append(
            f"{len(verdict.junit_only)} test(s) failed outside any scenario result (see the JUnit XML): "
            + ", ".join(failure.test for failure in verdict.junit_only[:5])
        )
    if scan is not None:
        verdict.scan_report = scan_artifacts.describe_outcome(scan)
        if scan.problem:
            verdict.reasons.append(f"the artifact scan could not run: {scan.problem}")
        elif scan.findings:
            verdict.reasons.append(f"the artifact scan found {len(scan.findings)} secret occurrence(s)")
    return verdict


# ---- the summary -------------------------------------------------------------------------------------------------
def _cell(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    if len(first_line) > MESSAGE_SHOWN:
        first_line = first_line[: MESSAGE_SHOWN - 1] + "…"
    return first_line.replace("|", "\\|")


def render_summary(verdict: Verdict, rules: list[dict[str, Any]], mask: Any = lambda text: text) -> str:
    """Markdown for a CI job page; `mask` hides known secrets in failure messages."""
    statuses: dict[str, int] = {}
    for scenario in verdict.scenarios:
        statuses[scenario.status] = statuses.get(scenario.status, 0) + 1
    counts = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) or "no results"
    lines = [
        f"## UAT release gate: {'PASSED' if verdict.passed else 'FAILED'}",
        "",
        f"{len(verdict.executed)} scenarios ran ({counts}); {len(verdict.flaky)} flaky, "
        f"{len(verdict.quarantined)} quarantined, {sum(len(s.attempts) - 1 for s in verdict.scenarios)} retries.",
    ]
    if verdict.reasons:
        lines += ["", "**Why the gate failed**", ""] + [f"- {mask(reason)}" for reason in verdict.reasons]
    if verdict.failed:
        lines += ["", "### Failed", "", "| scenario | feature | category | message |", "|---|---|---|---|"]
        lines += [
            f"| {_cell(s.name)} | {_cell(s.feature)} | {category_of(s, rules)} | {_cell(mask(s.final.message))} |"
            for s in verdict.failed
        ]
    if verdict.junit_only:
        lines += ["", "### Failed outside a scenario (JUnit)", "", "| test | message |", "|---|---|"]
        lines += [f"| {_cell(f.test)} | {_cell(mask(f.message))} |" for f in verdict.junit_only]
    if verdict.flaky:
        lines += ["", "### Flaky (passed only on a retry)", "", "| scenario | feature | attempts | first failure |"]
        lines += ["|---|---|---|---|"]
        for s in verdict.flaky:
            first_failure = next((a.message for a in s.attempts if a.status in BAD_STATUSES), "")
            lines.append(f"| {_cell(s.name)} | {_cell(s.feature)} | {len(s.attempts)} | {_cell(mask(first_failure))} |")
    if verdict.quarantined or verdict.expired:
        lines += ["", "### Quarantined", "", "| scenario | owner | until | result |", "|---|---|---|---|"]
        for s in verdict.quarantined + verdict.expired:
            quarantine = s.quarantine
            assert quarantine is not None
            state = " (**expired**)" if s in verdict.expired else ""
            lines.append(f"| {_cell(s.name)} | {quarantine.owner} | {quarantine.until}{state} | {s.status} |")
    slowest = sorted(verdict.executed, key=lambda s: s.duration_s, reverse=True)[:SLOWEST_SHOWN]
    if slowest:
        lines += ["", "### Slowest scenarios", "", "| scenario | seconds |", "|---|---:|"]
        lines += [f"| {_cell(s.name)} | {s.duration_s:.1f} |" for s in slowest]
    if verdict.scan_report:
        lines += ["", "### Artifact scan", "", "```", verdict.scan_report, "```"]
    return "\n".join(lines) + "\n"


# ---- the command --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    settings = load_settings(PYPROJECT, environ)
    parser = argparse.ArgumentParser(
        prog="uat gate",
        description="Exit non-zero unless the last run may be released: no failure, no flaky result (unless "
        "allowed), enough scenarios, no quarantine past its date, no secret in the artifacts.",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="Allure results (%(default)s)")
    parser.add_argument("--junit", type=Path, default=JUNIT, help="pytest JUnit XML (%(default)s)")
    parser.add_argument(
        "--min-scenarios",
        type=int,
        default=settings.min_scenarios,
        help="fewest scenarios that must have run ([tool.uat.gate] min_scenarios, UAT_GATE_MIN_SCENARIOS; "
        "now %(default)s)",
    )
    parser.add_argument(
        "--allow-flaky",
        action=argparse.BooleanOptionalAction,
        default=settings.allow_flaky,
        help="accept a scenario that passed only on a retry ([tool.uat.gate] allow_flaky, UAT_GATE_ALLOW_FLAKY)",
    )
    parser.add_argument("--summary", type=Path, default=SUMMARY, help="Markdown summary file (%(default)s)")
    parser.add_argument("--no-scan", action="store_true", help="skip the artifact scan (run it separately)")
    parser.add_argument(
        "--scan-path", type=Path, action="append", help="what the scan reads (default: reports/ test-results/)"
    )
    parser.add_argument("--keep-secrets", action="store_true", help="keep the run's recorded secrets after the scan")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)  # tests only
    args = parser.parse_args(argv)

    has_results = args.results.is_dir() and any(args.results.glob("*-result.json"))
    # a run killed before its first result still left its marker: judged (and refused), not "nothing ran"
    if not has_results and not args.junit.exists() and read_run_state(args.results) is None:
        print(f"uat gate: no results in {args.results} and no {args.junit}: nothing ran, nothing to release")
        return 2
    scenarios = load_scenarios(args.results) if args.results.is_dir() else []
    junit_failures = load_junit_failures(args.junit)
    secrets_dir = scan_artifacts.run_secrets_dir(environ)
    known = scan_artifacts.load_run_secrets(secrets_dir) + scan_artifacts.environment_secrets(environ)
    scan = None
    if not args.no_scan:
        scan_paths = args.scan_path or list(scan_artifacts.DEFAULT_PATHS)
        scan = scan_artifacts.run_scan(scan_paths, environ, secrets_dir, forget=not args.keep_secrets)
    gate_settings = GateSettings(min_scenarios=args.min_scenarios, allow_flaky=args.allow_flaky)
    incomplete = incomplete_results(args.results, args.junit)
    verdict = judge(scenarios, junit_failures, gate_settings, args.today or date.today(), scan, incomplete)
    summary = render_summary(verdict, load_category_rules(ALLURE_CONFIG), mask=_masker(known))
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(summary, encoding="utf-8")
    step_summary = environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(summary)
    print(summary)
    print(f"summary written to {args.summary}")
    return 0 if verdict.passed else 1


def _masker(secrets: list[scan_artifacts.KnownSecret]) -> Any:
    texts = sorted(
        {secret.value.decode("utf-8", "ignore") for secret in secrets if len(secret.value) >= 4}, key=len, reverse=True
    )
    pattern = re.compile("|".join(re.escape(text) for text in texts if text)) if texts else None
    return (lambda text: pattern.sub("***", text)) if pattern else (lambda text: text)


if __name__ == "__main__":
    sys.exit(main())
