"""Which screen the browser shows, as the accessibility baseline names it: a Keycloak screen by its page id (the same
in every theme and language), any other page by its address with the changing parts (ids, tokens) left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from support.accessibility.axe import Violation

_CHANGING_PART = re.compile(r"/(?:\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[A-Za-z0-9_-]{24,})(?=/|$)")


def keycloak_screen_name(page_id: str) -> str:
    return f"keycloak:{page_id}"


def screen_name(page: Page) -> str:
    try:
        page_id = page.locator("body").get_attribute("data-page-id", timeout=1_000)
    except PlaywrightError:
        page_id = None
    if page_id:
        return keycloak_screen_name(page_id)
    path = urlsplit(page.url).path.rstrip("/") or "/"
    return _CHANGING_PART.sub("/{id}", path)


def page_language(page: Page) -> str:
    """The language the page says it is in (`<html lang>`), or "" when it says none."""
    return (page.locator("html").get_attribute("lang", timeout=1_000) or "").lower()


@dataclass
class ScreensSeen:
    """The screens one scenario showed (by name and language), each with what axe found on it."""

    screens: dict[tuple[str, str], list[Violation]] = field(default_factory=dict)

    @property
    def violations(self) -> list[Violation]:
        return [violation for found in self.screens.values() for violation in found]
