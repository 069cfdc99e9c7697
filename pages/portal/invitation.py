"""The "Confirm your invitation" landing when it cannot go on: unknown, already used or expired link."""

from __future__ import annotations

from playwright.sync_api import Page


class InvitationRefusal:
    """One panel per reason (`data-testid` invitation-unknown / -used / -expired), with a heading."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.already_used = page.get_by_test_id("invitation-used")
        self.expired = page.get_by_test_id("invitation-expired")
        self.unknown = page.get_by_test_id("invitation-unknown")

    def open(self, link: str) -> None:
        self.page.goto(link)
