"""Steps of accessibility (WCAG 2.1 AA): what the screens of a journey showed, judged against the baseline."""

from __future__ import annotations

from datetime import date

from pytest_bdd import then

from support.accessibility.baseline import KnownViolation, judge
from support.accessibility.report import line
from support.accessibility.screens import ScreensSeen


@then("every screen they saw meets WCAG 2.1 AA, apart from the known violations of the baseline")
def screens_meet_wcag(screens_seen: ScreensSeen, accessibility_baseline: list[KnownViolation]) -> None:
    judgement = judge(screens_seen.violations, accessibility_baseline, date.today())
    assert screens_seen.screens, "no screen was checked (is --accessibility off?)"
    problems = [line(v) for v in judgement.new] + [f"baseline entry expired: {e}" for e in judgement.expired]
    assert judgement.passed, f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)
