"""FAMHP Connect, tab "Users": the users of my organisations, a search, and the way to invite a user."""

from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Locator, Page

from pages.famhp_connect.invite_user import InviteUserForm


class UsersPage:
    """The users list (`data-testid` "user-row" with "user-name", "user-email", "user-organization",
    "user-status"), the search, the notices after an action, and "Invite user"."""

    PATH = "/users"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.notices = page.get_by_test_id("notice")
        self.search_input = page.get_by_label("Search users")
        self.rows = page.get_by_test_id("user-row")
        self.invite_button = page.get_by_role("button", name="Invite user")
        self._search_button = page.get_by_role("search").get_by_role("button", name="Search", exact=True)

    def open(self, famhp_connect_url: str) -> None:
        self.page.goto(famhp_connect_url.rstrip("/") + self.PATH)

    def row(self, email: str) -> Locator:
        """The row (one per organisation membership) of the user with exactly this e-mail address."""
        return self.rows.filter(has=self.page.get_by_test_id("user-email").get_by_text(email, exact=True))

    def status_of(self, email: str) -> Locator:
        """The status cell(s) of that user: "Invitation pending", "Active", …"""
        return self.row(email).get_by_test_id("user-status")

    def search(self, text: str) -> None:
        self.search_input.fill(text)
        self._search_button.click()

    def open_invitation_form(self) -> InviteUserForm:
        self.invite_button.click()
        return InviteUserForm(self.page)

    def invite(
        self, email: str, first_name: str, last_name: str, organisation: str, roles: Iterable[str]
    ) -> InviteUserForm:
        """Invite a user as the administrator does: open the form, fill it in, send it. Returns the form,
        whose error locators say why when the application refuses the invitation."""
        form = self.open_invitation_form()
        form.fill(email, first_name, last_name, organisation, roles)
        form.send()
        return form
