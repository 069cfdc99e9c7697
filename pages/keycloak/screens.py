"""Keycloak's login screens as one journey: which screen the browser shows now (its page object), waiting for a
given screen, signing in on whichever sign-in form the realm shows, and leaving Keycloak."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.keycloak.base import (
    DEFAULT_TIMEOUT_MS,
    KeycloakPage,
    SecretText,
    UnexpectedPageError,
    current_page_id,
    describe_page_id,
)
from pages.keycloak.login import LoginPage, LoginUsernamePage
from pages.keycloak.registry import KEYCLOAK_PAGES

ScreenT = TypeVar("ScreenT", bound=KeycloakPage)

# Every Keycloak login-theme page id starts with "login-"; the account console ("account") and the
# applications are "outside" the login pages.
_LOGIN_PAGE_PREFIX = "login-"

_PAGE_IS_RENDERED = "() => document.readyState !== 'loading' && document.body !== null"
_PAGE_ID_IN = "ids => document.body !== null && ids.includes(document.body.dataset.pageId)"
_OUTSIDE_LOGIN_PAGES = (
    "prefix => document.readyState !== 'loading' && document.body !== null"
    " && !(document.body.dataset.pageId || '').startsWith(prefix)"
)


class UnknownKeycloakPageError(UnexpectedPageError):
    """The browser shows a Keycloak login screen that no page object models."""


class KeycloakScreens:
    """Hands out the page object of the Keycloak screen the browser shows, or waits for a given one; every
    sign-in and onboarding step starts here, whatever order the realm runs its required actions in."""

    def __init__(
        self,
        page: Page,
        timeout_ms: float = DEFAULT_TIMEOUT_MS,
        screens: Mapping[str, type[KeycloakPage]] = KEYCLOAK_PAGES,
    ) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.screens = dict(screens)
        # whichever login screen is shown: for waiting on "the application, or else Keycloak's sign-in"
        self.any_screen = page.locator(f"body[data-page-id^='{_LOGIN_PAGE_PREFIX}']")

    def current(self) -> KeycloakPage | None:
        """The page object for the screen shown now, or None once the browser has left the login pages.

        Call it after an action of a page object (those wait for the next document), or after a
        navigation: a page that redirects with JavaScript (the account console) counts as "left".
        """
        try:
            self.page.wait_for_function(_PAGE_IS_RENDERED, timeout=self.timeout_ms, polling=100)
        except PlaywrightTimeoutError:
            raise UnexpectedPageError(
                f"no page finished loading within {self.timeout_ms / 1000:.1f} s (at {self.page.url})"
            ) from None
        page_id = current_page_id(self.page)
        if page_id in self.screens:
            return self.screens[page_id](self.page, self.timeout_ms)
        if page_id and page_id.startswith(_LOGIN_PAGE_PREFIX):
            raise UnknownKeycloakPageError(
                f"browser shows Keycloak page '{page_id}' at {self.page.url}, which has no page object "
                f"(known: {', '.join(sorted(self.screens))})"
            )
        return None

    def wait_for(self, screen_class: type[ScreenT]) -> ScreenT:
        """Wait until `screen_class` is the screen shown and return it; fail naming the screen shown."""
        return screen_class(self.page, self.timeout_ms).wait_until_current()

    def wait_for_one_of(self, *screen_classes: type[KeycloakPage]) -> KeycloakPage:
        """Wait until one of these screens is shown and return its page object."""
        wanted = [screen_class.PAGE_ID for screen_class in screen_classes]
        try:
            self.page.wait_for_function(_PAGE_ID_IN, arg=wanted, timeout=self.timeout_ms, polling=100)
        except PlaywrightTimeoutError:
            shown = current_page_id(self.page, timeout_ms=1_000)
            raise UnexpectedPageError(
                f"expected one of {', '.join(repr(page_id) for page_id in wanted)}, browser shows "
                f"{describe_page_id(shown)} at {self.page.url} (waited {self.timeout_ms / 1000:.1f} s)"
            ) from None
        shown_class = {screen_class.PAGE_ID: screen_class for screen_class in screen_classes}
        return shown_class[current_page_id(self.page) or ""](self.page, self.timeout_ms)

    def wait_until_left_keycloak(self) -> str:
        """Wait until the browser is past Keycloak's login pages; returns the URL it arrived at."""
        try:
            self.page.wait_for_function(
                _OUTSIDE_LOGIN_PAGES, arg=_LOGIN_PAGE_PREFIX, timeout=self.timeout_ms, polling=100
            )
        except PlaywrightTimeoutError:
            shown = current_page_id(self.page, timeout_ms=1_000)
            raise UnexpectedPageError(
                f"expected the browser to leave Keycloak's login pages, it still shows "
                f"{describe_page_id(shown)} at {self.page.url} (waited {self.timeout_ms / 1000:.1f} s)"
            ) from None
        return self.page.url

    def sign_in(self, username: str, password: SecretText) -> None:
        """Sign in on whichever form the realm shows: username and password together, or username first."""
        screen = self.wait_for_one_of(LoginUsernamePage, LoginPage)
        if isinstance(screen, LoginUsernamePage):
            screen.submit_username(username)
        self.wait_for(LoginPage).sign_in(username, password)
