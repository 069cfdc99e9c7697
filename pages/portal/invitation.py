"""The "Confirm your invitation" landing when it cannot go on: unknown, already used or expired link."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.words import words


class InvitationRefusal:
    """One page per reason, told apart by its heading."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.already_used = page.get_by_role("heading", name=said.invitation_used.pattern)
        self.expired = page.get_by_role("heading", name=said.invitation_expired.pattern)
        self.unknown = page.get_by_role("heading", name=said.invitation_unknown.pattern)

    def open(self, link: str) -> None:
        self.page.goto(link)
