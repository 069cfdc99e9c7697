"""FAMHP Connect, "Create API key": a name and one of my organisations, then Save."""

from __future__ import annotations

from playwright.sync_api import Page


class CreateApiKeyForm:
    """The creation form; after Save the application shows the secret once (`ApiKeySecretPanel`) or
    comes back with field errors."""

    PATH = "/apikeys/new"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.name_input = page.get_by_label("Name", exact=True)
        self.organisation_select = page.get_by_label("Organisation", exact=True)
        # the real choices, without the "Choose an organisation" placeholder
        self.organisation_options = self.organisation_select.locator("option:not([value=''])")
        self.form_errors = page.get_by_test_id("form-errors")
        self.name_error = page.get_by_test_id("error-name")
        # shown instead of the form to a user with no organisation where they manage API keys
        self.no_organisations = page.get_by_test_id("no-organizations")
        self._save = page.get_by_role("button", name="Save", exact=True)
        self._cancel = page.get_by_role("link", name="Cancel", exact=True)

    def open(self, famhp_connect_url: str) -> None:
        self.page.goto(famhp_connect_url.rstrip("/") + self.PATH)

    def fill(self, name: str, organisation: str | None = None) -> None:
        """Type the name and choose the organisation by the name the user reads (None leaves it unchosen)."""
        self.name_input.fill(name)
        if organisation is not None:
            self.organisation_select.select_option(label=organisation)

    def save(self) -> None:
        self._save.click()

    def cancel(self) -> None:
        self._cancel.click()
