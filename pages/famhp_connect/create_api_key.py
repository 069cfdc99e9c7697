"""FAMHP Connect, the form to create an API key: its name and one of my organisations, then Save."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.forms import drop_hidden_fields
from pages.locate import control
from pages.words import words


class CreateApiKeyForm:
    """The creation form; after Save the application shows the secret once (`ApiKeySecretPanel`) or comes back
    with the problems: a summary (`form_errors`), and each field's own message as its accessible error message
    (`expect(form.name_input).to_have_accessible_error_message(...)`)."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        main = page.get_by_role("main")
        self.name_input = main.get_by_role("textbox", name=said.api_key_name.pattern)
        self.organisation_select = main.get_by_role("combobox", name=said.organisation.pattern)
        # the real choices, without the placeholder that chooses none
        self.organisation_options = self.organisation_select.get_by_role("option").filter(
            has_not_text=said.choose_organisation.pattern
        )
        self.form_errors = main.get_by_role("alert")
        # shown instead of the form to a user with no organisation where they manage API keys
        self.no_organisations = main.get_by_text(said.no_organisation.pattern)
        self._save = control(main, said.save)
        self._cancel = control(main, said.cancel)

    def open(self, address: str) -> None:
        """Go to the form's address directly (a deployment fact: the profile knows it)."""
        self.page.goto(address)

    def fill(self, name: str, organisation: str | None = None) -> None:
        """Type the name and choose the organisation by the name the user reads (None leaves it unchosen)."""
        self.name_input.fill(name)
        if organisation is not None:
            self.organisation_select.select_option(label=organisation)

    def save(self) -> None:
        self._save.click()

    def save_without_form_protection(self) -> None:
        """Save with the form's hidden fields (its anti-forgery token) removed: what a forged request sends."""
        drop_hidden_fields(self._save)
        self._save.click()

    def cancel(self) -> None:
        self._cancel.click()
