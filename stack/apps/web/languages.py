"""Which language a request is answered in, and the language selector every page shows: each language named in
itself, a link that stores the choice (a cookie) and comes back to the same page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import HTTPConnection

from stack.apps.i18n import AUTONYMS, LANGUAGES, chosen_language

SELECTOR_PATH = "/language"


def request_language(connection: HTTPConnection) -> str:
    return chosen_language(connection.cookies, connection.headers.get("accept-language"))


def safe_return(candidate: str | None) -> str:
    """Where the selector sends the user back: a path on this site, never another site ("//host", "http:")."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return "/"
    return candidate


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str  # the language's name in itself ("Nederlands")
    href: str
    current: bool


def language_choices(connection: HTTPConnection, current: str) -> list[LanguageChoice]:
    # the page without its query: a query may carry what the page must not echo (the OIDC callback's error text,
    # its state), and after a language switch the page is asked for again anyway
    here = connection.url.path
    return [
        LanguageChoice(code, AUTONYMS[code], f"{SELECTOR_PATH}/{code}?{urlencode({'next': here})}", code == current)
        for code in LANGUAGES
    ]
