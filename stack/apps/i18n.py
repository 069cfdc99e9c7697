"""The reference apps' four languages: one catalogue per language (`messages/<language>.toml`, a skin's own wording
in its `[skin.<name>]` table), the language a request asks for (the user's choice, else Accept-Language), and texts
the code says before it knows its reader's language (`Message`: a key and its values, said later)."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

log = logging.getLogger(__name__)

LANGUAGES = ("en", "nl", "fr", "de")
DEFAULT_LANGUAGE = "en"
# each language named in itself: how a language selector offers it, whatever the page's language
AUTONYMS = {"en": "English", "nl": "Nederlands", "fr": "Français", "de": "Deutsch"}
# the user's own choice (the language selector), which beats the browser's Accept-Language
LANGUAGE_COOKIE = "famhp_language"
CATALOGUE_DIR = Path(__file__).parent / "messages"
_SKIN_TABLE = "skin"
_QUALITY = re.compile(r"^q=([0-9.]+)$")


@dataclass(frozen=True)
class Message:
    """A text for a reader whose language is not known yet: its catalogue key and the values it names (a value may
    be a Message itself)."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, **values: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", values)

    def to_json(self) -> dict[str, Any]:
        """As a session keeps it (a notice shown on the next page)."""
        values = {
            name: value.to_json() if isinstance(value, Message) else str(value) for name, value in self.values.items()
        }
        return {"key": self.key, "values": values}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        values = {
            name: cls.from_json(value) if isinstance(value, dict) else value
            for name, value in dict(data.get("values") or {}).items()
        }
        return cls(str(data["key"]), **values)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{key}."))
        else:
            flat[key] = str(value)
    return flat


@dataclass(frozen=True)
class Catalogue:
    """One language's texts: the shared ones, and each skin's own wording of some of them."""

    language: str
    texts: Mapping[str, str]
    skins: Mapping[str, Mapping[str, str]]

    def lookup(self, key: str, skin: str) -> str | None:
        return self.skins.get(skin, {}).get(key, self.texts.get(key))


@cache
def catalogue(language: str, directory: Path = CATALOGUE_DIR) -> Catalogue:
    raw = tomllib.loads((directory / f"{language}.toml").read_text(encoding="utf-8"))
    skins = {name: _flatten(table) for name, table in raw.pop(_SKIN_TABLE, {}).items()}
    return Catalogue(language, _flatten(raw), skins)


class Translator:
    """Says a key (or a Message) in one language and skin. A key missing from the language falls back to English,
    as Keycloak does; a key missing from English too shows as itself, so a check can see it."""

    def __init__(self, language: str, skin: str, *, markup: bool = True) -> None:
        self.language = language
        self.skin = skin
        self._markup = markup  # HTML: the text is escaped, Markup values are kept; a plain-text e-mail part is not

    def text(self, key: str) -> str:
        found = catalogue(self.language).lookup(key, self.skin)
        if found is None:
            log.warning("no %s text for %r: saying it in %s", self.language, key, DEFAULT_LANGUAGE)
            found = catalogue(DEFAULT_LANGUAGE).lookup(key, self.skin)
        return key if found is None else found

    def __call__(self, key: str | Message, **values: Any) -> str:
        if isinstance(key, Message):
            key, values = key.key, {**key.values, **values}
        said = {name: self(value) if isinstance(value, Message) else value for name, value in values.items()}
        if self._markup:
            return Markup(escape(self.text(key))).format(**said)
        return self.text(key).format(**said)


def negotiate(accept_language: str | None) -> str:
    """The best of the four languages for an Accept-Language header ("nl-BE,nl;q=0.9,en;q=0.8" -> "nl")."""
    offers: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            if match := _QUALITY.match(parameter):
                try:
                    quality = float(match.group(1))
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            offers.append((-quality, position, primary))
    return min(offers)[2] if offers else DEFAULT_LANGUAGE


def chosen_language(cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The user's choice from the language selector when there is one, else what the browser asks for."""
    choice = cookies.get(LANGUAGE_COOKIE, "")
    return choice if choice in LANGUAGES else negotiate(accept_language)


Say = Callable[..., str]
