"""FAMHP Connect, "Invite a user": e-mail address, names, one organisation and the roles to grant."""

from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Locator, Page

from pages.locate import control
from pages.words import words


class InviteUserForm:
    """The invitation form. Each role is a checkbox named by the role's name (e.g. "IAM_API_KEY_MANAGER", the name
    the user guide gives), described by what it allows."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        main = page.get_by_role("main")
        self.email_input = main.get_by_role("textbox", name=said.email.pattern)
        self.first_name_input = main.get_by_role("textbox", name=said.first_name.pattern)
        self.last_name_input = main.get_by_role("textbox", name=said.last_name.pattern)
        self.organisation_select = main.get_by_role("combobox", name=said.organisation.pattern)
        self.organisation_options = self.organisation_select.get_by_role("option").filter(
            has_not_text=said.choose_organisation.pattern
        )
        self.roles_group = main.get_by_role("group", name=said.roles.pattern)
        self.role_checkboxes = self.roles_group.get_by_role("checkbox")
        # after a refused submission: the summary of the problems (one item per field), or a failure of the service
        alerts = main.get_by_role("alert")
        self.form_errors = alerts.filter(has=page.get_by_role("list"))
        self.field_errors = self.form_errors.get_by_role("listitem")
        self.failure = alerts.filter(has_not=page.get_by_role("list"))
        self._send = control(main, said.send_invitation)
        self._cancel = control(main, said.cancel)

    def role_checkbox(self, role: str) -> Locator:
        return self.roles_group.get_by_role("checkbox", name=role, exact=True)

    def offered_roles(self) -> list[str]:
        """The role names the form offers, as the checkboxes' labels say them (waits for the form to be there)."""
        self.roles_group.wait_for()
        labels: list[str] = self.role_checkboxes.evaluate_all(
            "boxes => boxes.map(box => [...box.labels].map(label => label.textContent.trim()).join(' '))"
        )
        return labels

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
