"""The "Confirm your invitation" landing: where the link of the e-mail leads. A careful deployment asks the person to
confirm (opening the link alone, as mail scanners do, must not use it); when the link cannot go on (unknown,
already used, replaced, expired) it says why."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.locate import control
from pages.words import words


class InvitationLanding:
    """The landing that asks to confirm the invitation before it goes on to the sign-in."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.confirm_button = control(page.get_by_role("main"), words().confirm_invitation)

    def open(self, link: str) -> None:
        self.page.goto(link)

    def confirm(self) -> None:
        self.confirm_button.click()


class InvitationRefusal:
    """One page per reason, told apart by its heading."""

    def __init__(self, page: Page) -> None:
        said = words()
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.already_used = page.get_by_role("heading", name=said.invitation_used.pattern)
        self.expired = page.get_by_role("heading", name=said.invitation_expired.pattern)
        self.unknown = page.get_by_role("heading", name=said.invitation_unknown.pattern)
        self.replaced = page.get_by_role("heading", name=said.invitation_replaced.pattern)

    def open(self, link: str) -> None:
        self.page.goto(link)
