"""The run's accessibility record as the release gate reads it: one line per screen and language (written by the
plugin beside the Allure results), with what is new, what the baseline covers and which entries expired."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from support.accessibility.axe import Violation

RECORD_GLOB = "uat-accessibility-*.jsonl"


@dataclass
class AccessibilityRecord:
    screens: set[tuple[str, str]] = field(default_factory=set)
    new: list[Violation] = field(default_factory=list)
    known: int = 0
    expired: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.new and not self.expired


def load_record(results_dir: Path) -> AccessibilityRecord:
    record = AccessibilityRecord()
    seen: set[tuple[str, str, str, tuple[str, ...]]] = set()
    for path in sorted(results_dir.glob(RECORD_GLOB)) if results_dir.is_dir() else []:
        for raw in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(raw)
            record.screens.add((entry["screen"], entry["language"]))
            record.known += len(entry["known"])
            record.expired += [text for text in entry["expired"] if text not in record.expired]
            for data in entry["new"]:
                violation = Violation.from_json(data)
                key = (violation.screen, entry["language"], violation.rule, violation.elements)
                if key not in seen:  # workers check the same screen each once
                    seen.add(key)
                    record.new.append(violation)
    return record
