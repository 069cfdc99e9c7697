"""FAMHP Connect, tab "Users": the users of my organisations, a search, and the way to invite a user."""

from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Locator, Page

from pages.famhp_connect.invite_user import InviteUserForm
from pages.locate import control, items, value
from pages.words import words


class UsersPage:
    """The users (rows or items with an e-mail address, one per organisation membership), the search, the notices
    after an action, and the button to invite a user."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        main = page.get_by_role("main")
        self.notices = main.get_by_role("status")
        self.search_input = main.get_by_role("searchbox", name=said.search_users.pattern)
        self.rows = items(main).filter(has=value(page, said.email))
        self.invite_button = control(main, said.invite_user)
        self._search_button = main.get_by_role("search").get_by_role("button", name=said.search.pattern)

    def row(self, email: str) -> Locator:
        """The row (one per organisation membership) of the user with exactly this e-mail address."""
        return self.rows.filter(has=value(self.page, words().email).get_by_text(email, exact=True))

    def status_of(self, email: str) -> Locator:
        """The status of that user: "Invitation pending", "Active", …"""
        return value(self.row(email), words().status)

    def account_changes(self, email: str) -> Locator:
        """The controls on that user's entry that would change their account: remove, disable, withdraw, resend…"""
        row, changes = self.row(email), words().account_changes.within
        return row.get_by_role("button", name=changes).or_(row.get_by_role("link", name=changes))

    def resend_invitation(self, email: str) -> None:
        control(self.row(email), words().resend_invitation).first.click()

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
