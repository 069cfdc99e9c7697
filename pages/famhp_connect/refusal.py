"""The pages FAMHP Connect shows instead of what was asked: a tab or form the signed-in user may not open (HTTP
403), and a request it turns down (a forged organisation, a form without its anti-forgery token)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.words import words


class AccessRefused:
    """The heading that says access is denied."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_role("main").get_by_role("heading", name=words().access_denied.pattern)
        self.heading = self.panel


class RequestRefused:
    """The heading that says the request was refused (access denied, or a request it does not trust)."""

    def __init__(self, page: Page) -> None:
        self.panel = page.get_by_role("main").get_by_role("heading", name=words().request_refused.pattern)
