"""Following the link of an invitation e-mail as its person does: open it and, where the landing asks, confirm it.

A careful deployment asks, because mail scanners and link previews open links before the person does; one that
goes straight on to the sign-in is followed as it is."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.keycloak import KeycloakScreens
from pages.portal.invitation import InvitationLanding


class InvitationLinkError(AssertionError):
    """The link led neither to a confirmation nor to the sign-in; the message says where it led."""


def follow_invitation_link(page: Page, link: str, timeout_ms: float) -> None:
    """Open `link` and confirm where asked; returns once the sign-in (a Keycloak screen) is shown."""
    landing, sign_in = InvitationLanding(page), KeycloakScreens(page).any_screen
    landing.open(link)
    try:
        landing.confirm_button.or_(sign_in).first.wait_for(timeout=timeout_ms)
    except PlaywrightError:
        raise InvitationLinkError(
            f"the invitation link led to neither a confirmation nor the sign-in within {timeout_ms / 1000:.0f} s: "
            f"the browser shows {landing.heading.all_inner_texts() or page.title()!r} at {page.url}"
        ) from None
    if landing.confirm_button.is_visible():
        landing.confirm()
        sign_in.wait_for(timeout=timeout_ms)
