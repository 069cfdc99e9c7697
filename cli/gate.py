"""`uat gate`: one exit code for "release or not" from the run's Allure results and JUnit XML, plus the artifact
scan, with a short Markdown summary for CI job pages (reports/summary.md, $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cli.results import (  # Attempt: part of the gate's vocabulary for its callers and tests
    BAD_STATUSES,
    Attempt,
    JunitFailure,
    Scenario,
    junit_of,
    load_junit_failures,
    load_merged,
    load_scenarios,
    python_name,
    results_of,
)
from cli.scan_artifacts import add_clean_marker_option, exit_on_termination
from support.accessibility.record import AccessibilityRecord, load_record
from support.accessibility.report import line as violation_line
from support.leaks import scan as artifact_scan
from support.leaks.detectors import DetectorError, detectors, mask_shapes
from support.paths import ALLURE_CONFIG, JUNIT, PYPROJECT, RESULTS, SUMMARY
from support.reporting.run_secrets import run_secrets_dir
from support.reporting.run_state import incomplete_results, read_run_state

__all__ = ["Attempt", "GateSettings", "Scenario", "judge", "load_category_rules", "load_settings", "main"]

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
    accessibility: AccessibilityRecord | None = None

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
    scan: artifact_scan.ScanOutcome | None = None,
    accessibility: AccessibilityRecord | None = None,
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
    if accessibility is not None:
        verdict.accessibility = accessibility
        if accessibility.new:
            verdict.reasons.append(
                f"{len(accessibility.new)} accessibility violation(s) not in the baseline (WCAG 2.1 AA)"
            )
        verdict.reasons += [f"accessibility baseline entry expired: {entry}" for entry in accessibility.expired]
    if scan is not None:
        verdict.scan_report = artifact_scan.describe_outcome(scan)
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
    if verdict.accessibility is not None and verdict.accessibility.screens:
        record = verdict.accessibility
        lines += [
            "",
            "### Accessibility (WCAG 2.1 AA)",
            "",
            f"{len(record.screens)} screen(s) checked; {len(record.new)} new violation(s), {record.known} known "
            "(in the baseline).",
        ]
        lines += [f"- {_cell(violation_line(violation))}" for violation in record.new]
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
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="judge several shards as one run: their folders (reports/shards/*: allure-results/, junit.xml, "
        "shard.json); every shard must be there and the whole selection must have run; replaces --results/--junit",
    )
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
        "--scan-path",
        type=Path,
        action="append",
        help="what the scan reads (default: reports/ test-results/ .stack/logs/)",
    )
    parser.add_argument("--keep-secrets", action="store_true", help="keep the run's recorded secrets after the scan")
    add_clean_marker_option(parser)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)  # tests only
    args = parser.parse_args(argv)
    if not args.no_scan:
        exit_on_termination()
        artifact_scan.withdraw_verdict(args.clean_marker)  # whatever happens next, an old verdict publishes nothing

    merge_problems: list[str] = []
    if args.merge:
        merged = load_merged(args.merge)
        scenarios, junit_failures, merge_problems = merged.scenarios, merged.junit_failures, merged.problems
        if not scenarios and not junit_failures:
            print(f"uat gate: no results in {', '.join(map(str, args.merge))}: nothing ran, nothing to release")
            return 2
    else:
        has_results = args.results.is_dir() and any(args.results.glob("*-result.json"))
        # a run killed before its first result still left its marker: judged (and refused), not "nothing ran"
        if not has_results and not args.junit.exists() and read_run_state(args.results) is None:
            print(f"uat gate: no results in {args.results} and no {args.junit}: nothing ran, nothing to release")
            return 2
        scenarios = load_scenarios(args.results) if args.results.is_dir() else []
        junit_failures = load_junit_failures(args.junit)
    secrets_dir = run_secrets_dir(environ)
    known = artifact_scan.load_run_secrets(secrets_dir) + artifact_scan.environment_secrets(environ)
    scan = None
    if not args.no_scan:
        scan_paths = args.scan_path or list(artifact_scan.DEFAULT_PATHS)
        scan = artifact_scan.run_scan(scan_paths, environ, secrets_dir, forget=not args.keep_secrets)
        artifact_scan.record_verdict(scan, args.clean_marker)
    gate_settings = GateSettings(min_scenarios=args.min_scenarios, allow_flaky=args.allow_flaky)
    accessibility = _accessibility_of([results_of(folder) for folder in args.merge or [args.results]])
    incomplete = [
        problem
        for folder in args.merge or [args.results]
        for problem in incomplete_results(results_of(folder), junit_of(folder) if args.merge else args.junit)
    ]
    verdict = judge(
        scenarios, junit_failures, gate_settings, args.today or date.today(), scan, accessibility, incomplete
    )
    verdict.reasons += merge_problems
    summary = render_summary(verdict, load_category_rules(ALLURE_CONFIG), mask=_masker(known, environ))
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(summary, encoding="utf-8")
    step_summary = environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(summary)
    print(summary)
    print(f"summary written to {args.summary}")
    return 0 if verdict.passed else 1


def _accessibility_of(results: list[Path]) -> AccessibilityRecord:
    """The accessibility checks of one run, or of every shard's (each screen once)."""
    if len(results) == 1:
        return load_record(results[0])
    record = AccessibilityRecord()
    for part in map(load_record, results):
        record.screens |= part.screens
        record.known += part.known
        record.expired += [text for text in part.expired if text not in record.expired]
        record.new += [violation for violation in part.new if violation not in record.new]
    return record


def _masker(secrets: list[artifact_scan.KnownSecret], environ: Mapping[str, str]) -> Any:
    """The summary quotes failure messages: every known secret masked there, in every encoding the scan knows, and
    every value shaped like a secret."""
    needles = artifact_scan.needles_for(secrets)
    try:
        shapes = detectors(environ)
    except DetectorError:
        shapes = detectors({})

    def mask(text: str) -> str:
        data, _ = needles.replace(text.encode("utf-8"), b"***")
        return mask_shapes(data, shapes, b"***")[0].decode("utf-8", "replace")

    return mask


if __name__ == "__main__":
    sys.exit(main())
