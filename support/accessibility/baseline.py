"""The known violations a deployment lives with for now: per screen and rule, each with an owner, a reason and the
date until which it is accepted. Anything else a run finds is new; an entry past its date counts again."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from support.accessibility.axe import Violation

REQUIRED = ("screen", "rule", "owner", "reason", "until")


class BaselineError(ValueError):
    """The baseline file is malformed; the message lists every problem."""


@dataclass(frozen=True)
class KnownViolation:
    screen: str  # as support.accessibility.screens names it; "*" for every screen
    rule: str
    owner: str
    reason: str
    until: date

    def covers(self, violation: Violation) -> bool:
        return self.rule == violation.rule and self.screen in ("*", violation.screen)


@dataclass
class Judgement:
    new: list[Violation] = field(default_factory=list)
    known: list[tuple[Violation, KnownViolation]] = field(default_factory=list)
    expired: list[KnownViolation] = field(default_factory=list)  # entries past their date (their findings are new)

    @property
    def passed(self) -> bool:
        return not self.new and not self.expired


def load_baseline(path: Path) -> list[KnownViolation]:
    if not path.is_file():
        return []
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("known", [])
    except tomllib.TOMLDecodeError as exc:
        raise BaselineError(f"{path} is not valid TOML: {exc}") from exc
    known, problems = [], []
    for number, entry in enumerate(entries, start=1):
        missing = [name for name in REQUIRED if not entry.get(name)]
        if missing or not isinstance(entry.get("until"), date):
            problems.append(f"{path} [[known]] #{number}: needs {', '.join(REQUIRED)} (until as a date, 2027-03-31)")
            continue
        known.append(KnownViolation(*(entry[name] for name in REQUIRED)))
    if problems:
        raise BaselineError("\n".join(problems))
    return known


def judge(violations: Iterable[Violation], baseline: list[KnownViolation], today: date) -> Judgement:
    judgement = Judgement()
    expired = [entry for entry in baseline if entry.until < today]
    valid = [entry for entry in baseline if entry.until >= today]
    judgement.expired = [entry for entry in expired]
    for violation in violations:
        entry = next((known for known in valid if known.covers(violation)), None)
        if entry is None:
            judgement.new.append(violation)
        else:
            judgement.known.append((violation, entry))
    return judgement
