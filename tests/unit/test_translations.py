"""The language check of a screen: its html[lang], a raw message key shown, English text on a translated screen."""

from __future__ import annotations

from support.translations import Bundles, screen_findings

ADVICE = "Choose a password you use nowhere else. The FAMHP will never ask you for it."
ENGLISH = {"famhpPasswordAdvice": ADVICE, "doLogIn": "Sign In", "updatePasswordTitle": "Update your password now"}


def test_a_screen_in_the_runs_language_has_no_finding() -> None:
    dutch = {**ENGLISH, "famhpPasswordAdvice": "Kies een wachtwoord.", "updatePasswordTitle": "Wijzig uw wachtwoord"}
    texts = ["Kies een wachtwoord.", "Wijzig uw wachtwoord", "Status", "E-mail"]
    assert screen_findings("nl-BE", texts, "nl", Bundles(ENGLISH, dutch)) == []


def test_a_page_in_another_language_is_named() -> None:
    (finding,) = screen_findings("en", ["Welkom"], "nl")
    assert finding.kind == "language" and 'lang="en"' in finding.detail and "'nl'" in finding.detail


def test_a_raw_message_key_on_screen_is_reported_by_its_key() -> None:
    findings = screen_findings("nl", ["doSwitchOrganization", "apikeys.column.name", "Zoeken", "famhp.be"], "nl")
    assert [(f.kind, f.key) for f in findings] == [
        ("raw key", "apikeys.column.name"),
        ("raw key", "doSwitchOrganization"),
    ]


def test_a_planted_missing_translation_is_reported_with_its_key() -> None:
    # the Dutch bundle lacks the key, so Keycloak serves (and shows) the English text for it
    dutch = {**ENGLISH, "updatePasswordTitle": "Wijzig uw wachtwoord"}
    (finding,) = screen_findings("nl", [ADVICE, "Wijzig uw wachtwoord"], "nl", Bundles(ENGLISH, dutch))
    assert finding.kind == "untranslated" and finding.key == "famhpPasswordAdvice"


def test_english_where_a_translation_exists_is_a_leak_and_short_cognates_are_not() -> None:
    dutch = {**ENGLISH, "updatePasswordTitle": "Wijzig uw wachtwoord", "famhpPasswordAdvice": "Kies."}
    findings = screen_findings("nl", ["Update your password now", "Sign In"], "nl", Bundles(ENGLISH, dutch))
    assert [(f.kind, f.key) for f in findings] == [("English leak", "updatePasswordTitle")]


def test_english_is_not_checked_against_itself() -> None:
    assert screen_findings("en", [ADVICE], "en", Bundles(ENGLISH, ENGLISH)) == []
