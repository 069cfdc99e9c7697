"""Does a screen speak the run's language? Three findings a person can act on: the page says another language
(`<html lang>`), a raw message key is shown instead of a text (Keycloak shows the key when no bundle has it), and
English text on a Dutch, French or German Keycloak screen (a key the language's bundle lacks, so Keycloak fell back
to English; or English where the bundle has a translation). Keycloak's texts per language are read from its own
public theme resource (`/resources/<realm>/login/<locale>`), which every Keycloak serves."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

import httpx
from playwright.sync_api import Page

# a shown text that is a whole message key: camelCase ("doSwitchOrganization") or dotted ("apikeys.column.name")
_KEY_SHAPES = (
    re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+$"),
    re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){2,}$"),
)
# an English text counts as leaked only when it says something: "Status" or "E-mail" are Dutch too
_LEAK_MIN_WORDS = 3
# the visible texts of a screen: each element's own, whitespace-normalised, short enough to be one message
_VISIBLE_TEXTS = """() => {
  const texts = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (el.checkVisibility && !el.checkVisibility()) continue;
    const text = (el.innerText || '').replace(/\\s+/g, ' ').trim();
    if (text && text.length <= 400) texts.add(text);
  }
  return [...texts];
}"""


@dataclass(frozen=True)
class Finding:
    kind: str  # "language", "raw key", "untranslated" or "English leak"
    detail: str
    key: str = ""


@dataclass(frozen=True)
class Bundles:
    """Keycloak's login texts in English and in the run's language (the latter falls back to English per key)."""

    english: Mapping[str, str]
    translated: Mapping[str, str]


def keycloak_bundles(keycloak_url: str, realm: str, language: str, timeout_s: float = 30.0) -> Bundles:
    """The realm's login theme texts in English and in `language`, as Keycloak serves them to its own pages."""

    def texts(locale: str) -> dict[str, str]:
        address = f"{keycloak_url.rstrip('/')}/resources/{realm}/login/{locale}"
        response = httpx.get(address, timeout=timeout_s)
        response.raise_for_status()
        return {str(entry["key"]): str(entry["value"]) for entry in response.json()}

    english = texts("en")
    return Bundles(english, english if language == "en" else texts(language))


def visible_texts(page: Page) -> list[str]:
    texts: list[str] = page.evaluate(_VISIBLE_TEXTS)
    return texts


def screen_findings(
    page_language: str, texts: Iterable[str], language: str, bundles: Bundles | None = None
) -> list[Finding]:
    """What is wrong with a screen's language: `page_language` is its `<html lang>`, `texts` its visible texts."""
    findings = []
    if page_language.split("-")[0] != language:
        findings.append(Finding("language", f'the page says lang="{page_language}", the run reads {language!r}'))
    shown = set(texts)
    findings += [Finding("raw key", f"{text!r} is shown", text) for text in sorted(shown) if _looks_like_key(text)]
    if bundles is not None and language != "en":
        findings += _english_on_screen(shown, bundles)
    return findings


def _looks_like_key(text: str) -> bool:
    return any(shape.match(text) for shape in _KEY_SHAPES)


def _english_on_screen(shown: set[str], bundles: Bundles) -> list[Finding]:
    findings = []
    for key, english in sorted(bundles.english.items()):
        if len(english.split()) < _LEAK_MIN_WORDS or english not in shown:
            continue
        if bundles.translated.get(key, english) == english:
            findings.append(Finding("untranslated", f"{english!r} (the bundle has no translation)", key))
        else:
            findings.append(
                Finding("English leak", f"{english!r} where the bundle says {bundles.translated[key]!r}", key)
            )
    return findings


def findings_table(screen: str, language: str, findings: list[Finding]) -> str:
    """The findings of one screen as an HTML table a PM reads (screen and language in the caption)."""
    rows = "".join(
        f"<tr><td>{escape(f.kind)}</td><td>{escape(f.key)}</td><td>{escape(f.detail)}</td></tr>" for f in findings
    )
    return (
        f"<table><caption>{escape(screen)} in {escape(language)}: {len(findings)} finding(s)</caption>"
        f"<thead><tr><th>finding</th><th>message key</th><th>what the screen shows</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
