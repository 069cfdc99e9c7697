"""VAMREG's start page (`/vamreg`) after single sign-on: who is signed in, for which organisation."""

from __future__ import annotations

from playwright.sync_api import Page


class VamregHome:
    """The signed-in user's name and organisation (`data-testid` "user-name" and "organisation")."""

    PATH = "/vamreg"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.user_name = page.get_by_test_id("user-name")
        self.organisation = page.get_by_test_id("organisation")

    def open(self, base_url: str) -> None:
        """Go to VAMREG directly (the user guide's "direct link")."""
        self.page.goto(base_url.rstrip("/") + self.PATH)
