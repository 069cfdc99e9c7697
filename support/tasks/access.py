"""Waiting, within a deployment's documented bound, until FAMHP Connect stops serving a page to a user whose account
was changed in Keycloak: it refuses the page, or sends the user to Keycloak's sign-in, which refuses them there."""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.famhp_connect import ApiKeysPage
from pages.famhp_connect.refusal import AccessRefused
from pages.keycloak import KeycloakScreens

_POLL_S = 2.0  # between two visits, within the bound (the deadline): only the server's answer can change


class AccessStillGranted(AssertionError):
    """FAMHP Connect still served the page after the bound; the message says which page and how long it waited."""


def wait_until_api_keys_refused(page: Page, address: str, bound_s: float, timeout_ms: float) -> float:
    """Visit the "API Keys" tab at `address` until FAMHP Connect no longer shows it; returns the seconds it took.
    Each visit waits for one of: the tab (still served), a refusal, a Keycloak screen. Raises AccessStillGranted
    when the tab is still served `bound_s` seconds after the first visit."""
    api_keys, refused = ApiKeysPage(page), AccessRefused(page).panel
    served, sign_in = api_keys.create_api_key_button, KeycloakScreens(page).any_screen
    started = time.monotonic()
    while True:
        api_keys.open(address)
        try:
            served.or_(refused).or_(sign_in).first.wait_for(timeout=timeout_ms)
        except PlaywrightError:
            raise AccessStillGranted(
                f"{address} showed neither the API Keys tab, a refusal nor Keycloak's sign-in within "
                f"{timeout_ms / 1000:.0f} s (the browser is at {page.url})"
            ) from None
        took = time.monotonic() - started
        if not served.is_visible():
            return took
        if took >= bound_s:
            raise AccessStillGranted(
                f"FAMHP Connect still shows the API Keys tab at {address} {took:.0f} s after the change in Keycloak "
                f"(the documented bound is {bound_s:.0f} s)"
            )
        page.wait_for_timeout(min(_POLL_S, bound_s - took) * 1000)
