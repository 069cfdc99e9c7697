"""The suite's words in each language (pages/words.py) and the reference apps' catalogues: the same things said in
every language, so a run in nl, fr or de finds every control a run in English finds."""

from __future__ import annotations

import tomllib
from dataclasses import fields

import pytest

from pages.words import ENGLISH, GLOSSARIES, Glossary, speak, words
from stack.apps.i18n import CATALOGUE_DIR, LANGUAGES
from support.config.model import LOCALES


def _keys(table: dict, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, value in table.items():
        keys |= _keys(value, f"{prefix}{name}.") if isinstance(value, dict) else {f"{prefix}{name}"}
    return keys


def test_every_language_of_the_suite_has_a_glossary_and_a_catalogue() -> None:
    assert set(GLOSSARIES) == set(LOCALES) == set(LANGUAGES)


def test_the_reference_apps_catalogues_have_the_same_keys_in_every_language() -> None:
    english = _keys(tomllib.loads((CATALOGUE_DIR / "en.toml").read_text(encoding="utf-8")))
    for language in LANGUAGES:
        catalogue = _keys(tomllib.loads((CATALOGUE_DIR / f"{language}.toml").read_text(encoding="utf-8")))
        assert catalogue == english, (language, sorted(catalogue ^ english)[:5])


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_a_glossary_says_in_its_own_words_what_users_read(language: str) -> None:
    glossary = GLOSSARIES[language]
    # most terms differ from English; a few are the same word ("Status", "FAMHP Connect", "Organisation")
    differ = [f.name for f in fields(Glossary) if getattr(glossary, f.name) != getattr(ENGLISH, f.name)]
    assert len(differ) > len(fields(Glossary)) * 0.7, language
    assert glossary.key_status("Revoked") == glossary.revoked
    assert glossary.name_refusal("The name must be 3 to 64 characters long.") == glossary.name_length


def test_the_page_objects_read_the_language_they_are_told() -> None:
    try:
        speak("fr")
        assert words() is GLOSSARIES["fr"]
        with pytest.raises(ValueError, match="no glossary for language 'es'"):
            speak("es")
    finally:
        speak("en")
    assert words() is ENGLISH
