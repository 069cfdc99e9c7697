"""FAMHP Connect, tab "API Keys": the keys of my organisations, "Create API key", and revoking a key."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from pages.famhp_connect.create_api_key import CreateApiKeyForm
from pages.famhp_connect.revoke_confirmation import RevokeConfirmation


class ApiKeyRow:
    """One key of the list: name, organisation, prefix, created, created by, last used, status."""

    def __init__(self, root: Locator) -> None:
        self.root = root
        self.name = root.get_by_test_id("api-key-name")
        self.organisation = root.get_by_test_id("api-key-organization")
        self.prefix = root.get_by_test_id("api-key-prefix")
        self.created = root.get_by_test_id("api-key-created")
        self.created_by = root.get_by_test_id("api-key-created-by")
        self.last_used = root.get_by_test_id("api-key-last-used")
        self.status = root.get_by_test_id("api-key-status")
        self.revoke_button = root.get_by_role("button", name="Revoke")


class ApiKeysPage:
    """The list (`data-testid` "api-key-row"), its empty state, the notices after an action, and the
    button that opens the creation form."""

    PATH = "/apikeys"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.notices = page.get_by_test_id("notice")
        self.rows = page.get_by_test_id("api-key-row")
        self.create_api_key_button = page.get_by_role("button", name="Create API key")

    def open(self, famhp_connect_url: str) -> None:
        """Go to the tab directly (the user guide's link …/famhp-connect/apikeys)."""
        self.page.goto(famhp_connect_url.rstrip("/") + self.PATH)

    def row(self, name: str, organisation: str | None = None) -> Locator:
        """The row of the key called exactly `name` (names are unique per organisation: give the
        organisation when two of my organisations use the same name)."""
        rows = self.rows.filter(has=self.page.get_by_test_id("api-key-name").get_by_text(name, exact=True))
        if organisation is not None:
            rows = rows.filter(
                has=self.page.get_by_test_id("api-key-organization").get_by_text(organisation, exact=True)
            )
        return rows

    def key(self, name: str, organisation: str | None = None) -> ApiKeyRow:
        """The cells of that row, for reading its prefix, status, …"""
        return ApiKeyRow(self.row(name, organisation))

    def created_by(self, email: str) -> Locator:
        """The rows of the keys this user created (the "Created by" column shows their e-mail address)."""
        return self.rows.filter(has=self.page.get_by_test_id("api-key-created-by").get_by_text(email, exact=True))

    def names_created_by(self, email: str) -> Locator:
        """The name cells of the keys this user created."""
        return self.created_by(email).get_by_test_id("api-key-name")

    def active_created_by(self, email: str) -> Locator:
        """Those of them that can still be revoked."""
        return self.created_by(email).filter(has=self.page.get_by_role("button", name="Revoke"))

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
