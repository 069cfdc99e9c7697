"""FAMHP Connect, "Invite a user": e-mail address, names, one organisation and the roles to grant."""

from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Locator, Page


class InviteUserForm:
    """The invitation form. Roles are ticked by their role name (the checkbox value, e.g.
    "IAM_API_KEY_MANAGER"), which does not depend on the language of the labels."""

    PATH = "/users/invite"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.email_input = page.get_by_label("E-mail address", exact=True)
        self.first_name_input = page.get_by_label("First name", exact=True)
        self.last_name_input = page.get_by_label("Last name", exact=True)
        self.organisation_select = page.get_by_label("Organisation", exact=True)
        self.organisation_options = self.organisation_select.locator("option:not([value=''])")
        self.roles_group = page.get_by_role("group", name="Roles")
        self.role_checkboxes = self.roles_group.get_by_role("checkbox")
        # after a refused submission: the summary, one message per field, or a failure of the service
        self.form_errors = page.get_by_test_id("form-errors")
        self.failure = page.get_by_test_id("form-failure")
        self.field_errors = page.locator("[data-testid^='error-']")
        self._send = page.get_by_role("button", name="Send invitation")
        self._cancel = page.get_by_role("link", name="Cancel")

    def role_checkbox(self, role: str) -> Locator:
        return self.roles_group.locator(f"input[type=checkbox][value='{role}']")

    def offered_roles(self) -> list[str]:
        """The role names the form offers (waits for the form to be there)."""
        self.roles_group.wait_for()
        values: list[str] = self.role_checkboxes.evaluate_all("boxes => boxes.map(box => box.value)")
        return values

    def offered_organisations(self) -> list[str]:
        """The organisations the administrator may invite into, as listed (waits for the form)."""
        self.organisation_select.wait_for()
        return [text.strip() for text in self.organisation_options.all_inner_texts()]

    def fill(self, email: str, first_name: str, last_name: str, organisation: str, roles: Iterable[str]) -> None:
        self.email_input.fill(email)
        self.first_name_input.fill(first_name)
        self.last_name_input.fill(last_name)
        self.organisation_select.select_option(label=organisation)
        for role in roles:
            self.role_checkbox(role).check()

    def send(self) -> None:
        self._send.click()

    def cancel(self) -> None:
        self._cancel.click()
