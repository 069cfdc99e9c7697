"""A planted accessibility defect (the name field of the form for a new API key without its label) fails the release
gate, which names the screen, the rule and the element; without it the same scenario passes the gate."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.manager import ReferenceStack
from support.paths import PROJECT_ROOT

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

SCENARIO = "creating_and_revoking"
RUN_TIMEOUT_S = 900


@pytest.fixture
def unlabelled_field(reference_stack: ReferenceStack, stack_info: dict) -> Iterator[None]:
    skin = stack_info.get("apps_skin") or "reference"
    reference_stack.set_skin(skin, app_defects=("unlabelled-field",))
    try:
        yield
    finally:
        reference_stack.set_skin(skin)


def _run_and_gate(results: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    uat = str(Path(sys.executable).with_name("uat"))
    run = subprocess.run(
        [uat, "run", "-q", "-m", "a11y", "-k", SCENARIO, "--reruns=0", f"--alluredir={results}",
         f"--junitxml={results / 'junit.xml'}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    gate = subprocess.run(
        [uat, "gate", "--results", str(results), "--junit", str(results / "junit.xml"), "--no-scan",
         "--min-scenarios", "1", "--summary", str(results / "summary.md")],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    return run, gate


def test_the_gate_names_the_screen_rule_and_element_of_a_planted_defect(unlabelled_field: None, tmp_path: Path) -> None:
    _, gate = _run_and_gate(tmp_path)
    assert gate.returncode == 1, gate.stdout[-3000:]
    assert "accessibility violation(s) not in the baseline" in gate.stdout
    violation = next((line for line in gate.stdout.splitlines() if "/famhp-connect/apikeys/new: label" in line), None)
    assert violation is not None and "#name" in violation and "WCAG" in violation, gate.stdout[-3000:]
