"""The reference apps' markups ("skins"): the same routes, behaviour, JSON and e-mails in two page structures, so
the suite proves its page objects locate as a user does (roles, labels, headings, column headers, terms) and not
by the shape of one markup."""

from __future__ import annotations

from dataclasses import dataclass

SKIN_VARIABLE = "FAMHP_APPS_SKIN"


@dataclass(frozen=True)
class Skin:
    name: str
    summary: str  # what sets it apart, for `--help` and `uat stack status`
    test_ids: bool  # whether its pages carry data-testid hooks (the stack's own tests read them)


SKINS: dict[str, Skin] = {
    skin.name: skin
    for skin in (
        Skin("reference", "tables with column headers, a tab bar, data-testid hooks for the stack's tests", True),
        Skin(
            "cards",
            "cards and description lists instead of tables, a side navigation, other nesting, classes and "
            "wording, no data-testid",
            False,
        ),
    )
}
DEFAULT_SKIN = "reference"

# defects the apps put into their pages on purpose, for the checks that must find them (FAMHP_APPS_PLANTED)
PLANTED_VARIABLE = "FAMHP_APPS_PLANTED"
APP_DEFECTS = {
    "unlabelled-field": "the name field of the form for a new API key loses its label (WCAG 1.3.1, 4.1.2)",
}
