"""Accessibility findings: success criteria read from axe's tags, screens named the same in every language and for
every id, the baseline covering known violations until their date, and the release gate failing on the rest."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cli import gate
from support.accessibility.axe import Violation, success_criteria
from support.accessibility.baseline import BaselineError, judge, load_baseline
from support.accessibility.record import load_record
from support.accessibility.report import html_table

LABEL = Violation(
    "/famhp-connect/apikeys/new",
    "label",
    "critical",
    "4.1.2",
    ("#name",),
    "Form elements must have labels",
    "https://dequeuniversity.com/rules/axe/4.12/label",
)
CONTRAST = Violation(
    "keycloak:login-login", "color-contrast", "serious", "1.4.3", (".pf-v5-c-button",), "Contrast", "https://x"
)


def test_success_criteria_come_from_the_rule_tags() -> None:
    assert success_criteria(["wcag2a", "wcag143", "cat.color"]) == "1.4.3"
    assert success_criteria(["wcag1410", "wcag412"]) == "1.4.10, 4.1.2"
    assert success_criteria(["best-practice"]) == "-"


def test_the_baseline_covers_known_violations_until_their_date(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.toml"
    baseline.write_text(
        '[[known]]\nscreen = "keycloak:login-login"\nrule = "color-contrast"\nowner = "keycloak"\n'
        'reason = "upstream theme"\nuntil = 2027-03-31\n'
    )
    known = load_baseline(baseline)
    judgement = judge([LABEL, CONTRAST], known, date(2026, 11, 29))
    assert judgement.new == [LABEL] and [v for v, _ in judgement.known] == [CONTRAST] and not judgement.passed
    later = judge([CONTRAST], known, date(2027, 4, 1))
    assert later.new == [CONTRAST] and later.expired == known


def test_a_malformed_baseline_is_refused_with_every_problem(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.toml"
    baseline.write_text('[[known]]\nscreen = "*"\nrule = "label"\n\n[[known]]\nscreen = "*"\n')
    with pytest.raises(BaselineError, match=r"#1: needs .*\n.*#2: needs"):
        load_baseline(baseline)


def test_the_table_names_rule_impact_criterion_element_and_help() -> None:
    html = html_table(LABEL.screen, "en", [(LABEL, "new")])
    for text in ("label", "critical", "4.1.2", "#name", "dequeuniversity.com/rules/axe/4.12/label", "new"):
        assert text in html


def test_the_gate_fails_on_a_new_violation_and_names_screen_rule_and_element(tmp_path: Path) -> None:
    line = {"screen": LABEL.screen, "language": "en", "new": [LABEL.to_json()], "known": [], "expired": []}
    (tmp_path / "uat-accessibility-gw0-1.jsonl").write_text(json.dumps(line) + "\n")
    (tmp_path / "uat-accessibility-gw1-2.jsonl").write_text(json.dumps(line) + "\n")  # another worker, same screen
    record = load_record(tmp_path)
    assert len(record.new) == 1 and record.screens == {(LABEL.screen, "en")}
    verdict = gate.judge([], [], gate.GateSettings(min_scenarios=0), date(2026, 11, 29), None, record)
    assert not verdict.passed
    assert "1 accessibility violation(s) not in the baseline" in " ".join(verdict.reasons)
    summary = gate.render_summary(verdict, [])
    assert "/famhp-connect/apikeys/new: label (critical, WCAG 4.1.2) at #name" in summary
