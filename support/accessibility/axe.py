"""One screen checked with axe-core (the engine axe-playwright-python bundles, offline) against WCAG 2.1 A and AA."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_OPTIONS = {"runOnly": {"type": "tag", "values": list(WCAG_21_AA)}, "resultTypes": ["violations"]}
_ENGINE = Axe()
_CRITERION_TAG = re.compile(r"wcag(\d)(\d)(\d+)")
ELEMENTS_SHOWN = 5


@dataclass(frozen=True)
class Violation:
    """A rule a screen breaks: where, how badly, which success criterion, on which elements, how to fix it."""

    screen: str
    rule: str
    impact: str
    criteria: str  # "1.4.3, 1.4.6"
    elements: tuple[str, ...]  # CSS selectors axe gives for the offending nodes
    help: str
    help_url: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Violation:
        return cls(**{**data, "elements": tuple(data["elements"])})


def success_criteria(tags: list[str]) -> str:
    """The success criteria in an axe rule's tags: "wcag143" -> "1.4.3", "wcag1410" -> "1.4.10"."""
    return ", ".join(".".join(m.groups()) for tag in tags if (m := _CRITERION_TAG.fullmatch(tag))) or "-"


def audit(page: Page, screen: str) -> list[Violation]:
    """What axe finds on the page shown now, named by `screen`."""
    response = _ENGINE.run(page, options=_OPTIONS).response
    return [
        Violation(
            screen=screen,
            rule=item["id"],
            impact=item.get("impact") or "unknown",
            criteria=success_criteria(item.get("tags", [])),
            elements=tuple(
                " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                for node in item.get("nodes", [])[:ELEMENTS_SHOWN]
            ),
            help=item.get("help", ""),
            help_url=item.get("helpUrl", ""),
        )
        for item in response.get("violations", [])
    ]
