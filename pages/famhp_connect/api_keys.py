"""FAMHP Connect, tab "API Keys": the keys of my organisations, the button to create a new one, and revoking."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.famhp_connect.create_api_key import CreateApiKeyForm
from pages.famhp_connect.revoke_confirmation import RevokeConfirmation
from pages.locate import Scope, control, items, value
from pages.words import words


def _key_name(scope: Scope) -> Locator:
    """A key's name: under the column "Name" of a table, or the title of its card in a list."""
    return value(scope, words().name).or_(scope.get_by_role("heading"))


class ApiKeyRow:
    """One key of the list (a table row or a list item): its name, and each value under its column header or after
    its term (organisation, prefix, created, created by, last used, status); Revoke while it is active."""

    def __init__(self, root: Locator) -> None:
        said = words()
        self.root = root
        self.name = _key_name(root)
        self.organisation = value(root, said.organisation)
        self.prefix = value(root, said.prefix)
        self.created = value(root, said.created)
        self.created_by = value(root, said.created_by)
        self.last_used = value(root, said.last_used)
        self.status = value(root, said.status)
        self.revoke_button = control(root, said.revoke)


class ApiKeysPage:
    """The list of keys (rows or items that have a key name), the notices after an action, and the button that
    opens the creation form."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        main = page.get_by_role("main")
        self.notices = main.get_by_role("status")
        self.rows = items(main).filter(has=_key_name(page))
        self.create_api_key_button = control(main, said.create_api_key)

    def open(self, address: str) -> None:
        """Go to the tab directly (the user guide's link …/famhp-connect/apikeys; the profile knows it)."""
        self.page.goto(address)

    def row(self, name: str, organisation: str | None = None) -> Locator:
        """The row of the key called exactly `name` (names are unique per organisation: give the
        organisation when two of my organisations use the same name)."""
        rows = self.rows.filter(has=_key_name(self.page).get_by_text(name, exact=True))
        if organisation is not None:
            rows = rows.filter(has=value(self.page, words().organisation).get_by_text(organisation, exact=True))
        return rows

    def key(self, name: str, organisation: str | None = None) -> ApiKeyRow:
        """The values of that key, for reading its prefix, status, …"""
        return ApiKeyRow(self.row(name, organisation))

    def created_by(self, email: str) -> Locator:
        """The rows of the keys this user created (their "Created by" shows the user's e-mail address)."""
        return self.rows.filter(has=value(self.page, words().created_by).get_by_text(email, exact=True))

    def names_created_by(self, email: str) -> Locator:
        """The names of the keys this user created."""
        return _key_name(self.created_by(email))

    def active_created_by(self, email: str) -> Locator:
        """Those of them that can still be revoked."""
        return self.created_by(email).filter(has=control(self.page, words().revoke))

    def create_api_key(self) -> CreateApiKeyForm:
        self.create_api_key_button.click()
        return CreateApiKeyForm(self.page)

    def revoke(self, name: str, organisation: str | None = None) -> RevokeConfirmation:
        """Ask to revoke a key; the application asks for confirmation first."""
        self.key(name, organisation).revoke_button.click()
        return RevokeConfirmation(self.page)

    def revoke_row(self, row: Locator) -> RevokeConfirmation:
        """Ask to revoke the key of one row (e.g. from `active_created_by`)."""
        ApiKeyRow(row).revoke_button.click()
        return RevokeConfirmation(self.page)
