"""VAMREG's start page after single sign-on: who is signed in, for which organisations."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.locate import listed, value
from pages.words import words


class VamregHome:
    """The signed-in user's name, e-mail and organisations, each read after its term."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        main = page.get_by_role("main")
        self.user_name = value(main, said.full_name)
        self.user_email = value(main, said.email)
        self.organisations = listed(value(main, said.organisations), page)

    def open(self, vamreg_url: str) -> None:
        """Go to VAMREG directly (the user guide's "direct link")."""
        self.page.goto(vamreg_url)
