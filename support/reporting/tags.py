"""Tag conventions of the features: severity, owner and quarantine. Gherkin tags take no arguments, so the
arguments live in the tag name (`@owner_identity-team`, `@quarantine_until_2026-12-31`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

SEVERITY_TAGS = ("blocker", "critical", "normal", "minor", "trivial")
SMOKE_SEVERITY = "critical"  # the shortest path through the guide: a smoke failure blocks a release
OWNER_TAG_PREFIX = "owner_"  # @owner_identity-team  -> owner "identity-team"
QUARANTINE_TAG_PREFIX = "quarantine_until_"  # @quarantine_until_2026-12-31 (with an @owner_… tag)
QUARANTINE_MARKER = "quarantine"
OWNER_MARKER = "owner"

# Allure labels the gate reads back from the results
QUARANTINE_LABEL = "quarantine_until"
OWNER_LABEL = "owner"
SEVERITY_LABEL = "severity"

MARKERS = {
    QUARANTINE_MARKER: "quarantine(until, owner): runs, but is kept out of the release gate until the date "
    "(Gherkin: @quarantine_until_YYYY-MM-DD plus @owner_<name>)",
    OWNER_MARKER: "owner(name): who answers for the scenario (Gherkin: @owner_<name>)",
    **{name: f"Allure severity '{name}' (Gherkin: @{name}; @smoke alone means critical)" for name in SEVERITY_TAGS},
}


class TagError(ValueError):
    """A tag of the convention is malformed; the message says how to write it."""


@dataclass(frozen=True)
class Quarantine:
    until: date
    owner: str | None

    def expired(self, today: date) -> bool:
        """The quarantine covers its last day; it has expired from the day after."""
        return today > self.until


def parse_quarantine_tag(tag: str) -> date | None:
    """The date of a `quarantine_until_YYYY-MM-DD` tag; None for other tags; UsageError when malformed."""
    if not tag.startswith(QUARANTINE_TAG_PREFIX):
        return None
    text = tag.removeprefix(QUARANTINE_TAG_PREFIX)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TagError(
            f"@{tag}: a quarantine tag needs a date, e.g. @{QUARANTINE_TAG_PREFIX}2026-12-31 (got {text!r})"
        ) from None


def parse_owner_tag(tag: str) -> str | None:
    if not tag.startswith(OWNER_TAG_PREFIX):
        return None
    owner = tag.removeprefix(OWNER_TAG_PREFIX)
    if not owner:
        raise TagError(f"@{tag}: an owner tag needs a name, e.g. @{OWNER_TAG_PREFIX}identity-team")
    return owner


def severity_of(tags: Iterable[str]) -> str:
    tag_set = set(tags)
    for severity in SEVERITY_TAGS:  # most severe first, if a scenario carries two
        if severity in tag_set:
            return severity
    return SMOKE_SEVERITY if "smoke" in tag_set else "normal"
