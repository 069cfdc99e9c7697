"""Allure results just before they are written: known secrets masked, a pass after a failed attempt flagged flaky,
a scenario in an unexpired quarantine muted; and how many retries a run allows."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import allure_commons
from allure_commons.model2 import Status, StatusDetails, TestResult
from attr import attrib, attrs

from support.reporting.tags import QUARANTINE_LABEL, Quarantine
from support.secrets import mask_text

RERUNS_ENV = "UAT_RERUNS"
# A step's Gherkin arguments are strings or numbers; everything else in its parameters is a fixture the step
# asked for (`Newcomer(...)`, `UatConfig(...)`, `<Page url=...>`), which tells a reader of the report nothing.
_GHERKIN_ARGUMENT = re.compile(r"""^(?:'.*'|".*"|-?\d+(?:\.\d+)?|True|False|None)$""", re.DOTALL)


class RetryPolicyError(ValueError):
    """UAT_RERUNS is not a usable number of retries."""


def default_reruns(environ: Mapping[str, str]) -> int:
    """UAT_RERUNS if set; else 1 in CI (CI=true, as GitHub and GitLab set it), 0 on a workstation."""
    configured = environ.get(RERUNS_ENV, "").strip()
    if configured:
        try:
            reruns = int(configured)
        except ValueError:
            raise RetryPolicyError(f"{RERUNS_ENV}={configured!r} is not a whole number of retries") from None
        if reruns < 0:
            raise RetryPolicyError(f"{RERUNS_ENV}={configured!r} cannot be negative")
        return reruns
    return 1 if environ.get("CI", "").strip().lower() in {"true", "1", "yes"} else 0


@attrs
class _StatusDetailsWithMuted(StatusDetails):
    """allure-commons has no `muted` field, though the Allure result format (and Allure 3) has one."""

    muted = attrib(default=None)


def _details_of(result: TestResult) -> _StatusDetailsWithMuted:
    current = result.statusDetails
    if isinstance(current, _StatusDetailsWithMuted):
        return current
    details = _StatusDetailsWithMuted()
    if current is not None:
        details.known, details.flaky, details.message, details.trace = (
            current.known, current.flaky, current.message, current.trace,
        )  # fmt: skip
    result.statusDetails = details
    return details


def mask_secrets_in(item: Any) -> None:
    """Mask every known secret in the text of an Allure result or step, its steps included: allure-pytest-bdd
    writes each step argument's repr as a parameter, and a repr can hold a secret (a mail body with the
    initial password inside a user object) that no `Secret` wrapper covers."""
    for name in ("name", "description", "descriptionHtml"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            setattr(item, name, mask_text(value))
    parameters = getattr(item, "parameters", None) or []
    for parameter in parameters:
        if isinstance(parameter.value, str):
            parameter.value = mask_text(parameter.value)
    if parameters and hasattr(item, "steps") and not hasattr(item, "fullName"):  # a step, not the scenario
        item.parameters = [p for p in parameters if _GHERKIN_ARGUMENT.match(str(p.value))]
    details = getattr(item, "statusDetails", None)
    if details is not None:
        details.message = mask_text(details.message) if details.message else details.message
        details.trace = mask_text(details.trace) if details.trace else details.trace
    for step in getattr(item, "steps", None) or []:
        mask_secrets_in(step)


class ResultAdjustments:
    """Allure-commons hook on each result just before it is written: known secrets masked; a scenario that passes
    after a failed attempt in this process flagged flaky (Allure's statusDetails.flaky), so the report and the
    gate never count it as a plain pass; a scenario in an unexpired quarantine written muted."""

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._failed_before: set[str] = set()
        self._today = today

    @allure_commons.hookimpl(tryfirst=True)  # before the file logger writes the result
    def report_result(self, result: TestResult) -> None:
        mask_secrets_in(result)
        key = result.historyId or result.fullName
        if result.status in (Status.FAILED, Status.BROKEN):
            self._failed_before.add(key)
        elif result.status == Status.PASSED and key in self._failed_before:
            details = _details_of(result)
            details.flaky = True
            details.message = details.message or "passed on a retry after a failed attempt (flaky)"
        until = next((label.value for label in result.labels if label.name == QUARANTINE_LABEL), None)
        if until and not Quarantine(date.fromisoformat(until), None).expired(self._today()):
            _details_of(result).muted = True
