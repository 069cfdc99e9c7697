"""Keycloak's login screens as one journey: which screen the browser shows now (its page object), waiting for a
given screen (and failing as soon as another one has settled), signing in on whichever sign-in form the realm
shows, and leaving Keycloak."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TypeVar

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.keycloak.base import DEFAULT_TIMEOUT_MS, KeycloakPage, SecretText, UnexpectedPageError
from pages.keycloak.login import LoginPage, LoginUsernamePage
from pages.keycloak.registry import KEYCLOAK_PAGES

ScreenT = TypeVar("ScreenT", bound=KeycloakPage)
Until = Literal["parsed", "one-of", "outside"]

# Every Keycloak login-theme page id starts with "login-"; the account console ("account") and the
# applications are "outside" the login pages.
_LOGIN_PAGE_PREFIX = "login-"

# Resolves once the document shown is parsed and `until` holds, with the screen it shows: `data-page-id`, else
# the first screen whose signature is there, else '' (an application, a blank page); null at the deadline.
# Event-driven: it checks when the document's ready state changes and when its DOM does, instead of polling on a
# timer. One `page.evaluate` per document: a third of the lag of `wait_for_function`, whose set-up and result
# cost round trips of their own (bench/screen_wait.py).
_SETTLED = """
({ until, ids, signatures, prefix, timeoutMs }) => new Promise((resolve) => {
  const shown = () => {
    if (document.readyState === 'loading' || document.body === null) return null;
    const pageId = document.body.getAttribute('data-page-id');
    if (pageId) return pageId;
    const match = signatures.find(([, signature]) => document.querySelector(signature) !== null);
    return match ? match[0] : '';
  };
  const holds = (id) =>
    until === 'parsed' || (until === 'one-of' ? ids.includes(id) : !id.startsWith(prefix));
  const stop = () => {
    observer.disconnect();
    document.removeEventListener('readystatechange', check);
  };
  const check = () => {
    const id = shown();
    if (id !== null && holds(id)) {
      stop();
      resolve({ id });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-page-id'] });
  document.addEventListener('readystatechange', check);
  setTimeout(() => {
    stop();
    resolve(null);
  }, timeoutMs);
  check();
})
"""
# what Playwright says when the document an evaluation ran in was replaced (a navigation)
_DOCUMENT_REPLACED = "Execution context was destroyed"


class _DeadlinePassed(Exception):
    """No document settled as asked before the deadline (each caller words its own message)."""


class UnknownKeycloakPageError(UnexpectedPageError):
    """The browser shows a Keycloak login screen that no page object models."""


class WrongScreenError(UnexpectedPageError):
    """Another known Keycloak screen settled where a step expected a given one (e.g. the realm runs its
    required actions in another order than the user guide's)."""


class KeycloakScreens:
    """Hands out the page object of the Keycloak screen the browser shows, or waits for a given one; every
    sign-in and onboarding step starts here, whatever order the realm runs its required actions in."""

    def __init__(
        self,
        page: Page,
        timeout_ms: float = DEFAULT_TIMEOUT_MS,
        screens: Mapping[str, type[KeycloakPage]] = KEYCLOAK_PAGES,
        on_screen: Callable[[KeycloakPage], object] | None = None,
        *,
        keyboard_only: bool = False,
    ) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.screens = dict(screens)
        # told of every screen handed out, also those a sign-in passes through within one step (e.g. to check
        # each one's accessibility)
        self._on_screen = on_screen or (lambda screen: None)
        self.keyboard_only = keyboard_only  # the screens it hands out are used without a mouse
        self._signatures = [[page_id, screen.SIGNATURE] for page_id, screen in self.screens.items()]
        # whichever login screen is shown (its page id, else its signature): for waiting on "the application, or
        # else Keycloak's sign-in"
        shown = [f"body[data-page-id^='{_LOGIN_PAGE_PREFIX}']", *(screen.SIGNATURE for screen in self.screens.values())]
        self.any_screen = page.locator(", ".join(shown)).first

    def current(self) -> KeycloakPage | None:
        """The page object for the screen shown now, or None once the browser has left the login pages.

        Call it after an action of a page object (those wait for the next document), or after a
        navigation: a page that redirects with JavaScript (the account console) counts as "left".
        """
        try:
            page_id = self._settle("parsed")
        except _DeadlinePassed:
            raise UnexpectedPageError(
                f"no page finished loading within {self.timeout_ms / 1000:.1f} s (at {self.page.url})"
            ) from None
        if page_id in self.screens:
            return self._handed_out(self.screens[page_id](self.page, self.timeout_ms))
        if page_id.startswith(_LOGIN_PAGE_PREFIX):
            raise UnknownKeycloakPageError(
                f"browser shows Keycloak page '{page_id}' at {self.page.url}, which has no page object "
                f"(known: {', '.join(sorted(self.screens))})"
            )
        return None

    def wait_for(self, screen_class: type[ScreenT]) -> ScreenT:
        """Wait until `screen_class` is the screen shown and return it; fail as soon as another known screen has
        settled, naming both (and the user guide's steps they stand for)."""
        screen = self.wait_for_one_of(screen_class)
        assert isinstance(screen, screen_class)
        return screen

    def wait_for_one_of(self, *screen_classes: type[KeycloakPage]) -> KeycloakPage:
        """Wait until one of these screens is shown and return its page object; fail as soon as another known
        screen has settled, or at the deadline."""
        expected = {screen_class.PAGE_ID: screen_class for screen_class in screen_classes}
        wanted = " or ".join(screen_class.describe() for screen_class in screen_classes)
        started = time.monotonic()
        try:
            page_id = self._settle("one-of", [*expected, *self.screens])
        except _DeadlinePassed:
            raise UnexpectedPageError(
                f"expected {wanted}; after {time.monotonic() - started:.1f} s the browser still shows "
                f"{self._describe(self._shown_now())} at {self.page.url}"
            ) from None
        if page_id in expected:
            return self._handed_out(expected[page_id](self.page, self.timeout_ms))
        raise WrongScreenError(
            f"expected {wanted}, but the browser shows {self._describe(page_id)}, settled after "
            f"{time.monotonic() - started:.1f} s of the {self.timeout_ms / 1000:.0f} s allowed, at {self.page.url}"
        )

    def wait_until_left_keycloak(self) -> str:
        """Wait until the browser is past Keycloak's login pages; returns the URL it arrived at."""
        started = time.monotonic()
        try:
            self._settle("outside")
        except _DeadlinePassed:
            raise UnexpectedPageError(
                f"expected the browser to leave Keycloak's login pages; after {time.monotonic() - started:.1f} s "
                f"it still shows {self._describe(self._shown_now())} at {self.page.url}"
            ) from None
        return self.page.url

    def sign_in(self, username: str, password: SecretText) -> None:
        """Sign in on whichever form the realm shows: username and password together, or username first."""
        screen = self.wait_for_one_of(LoginUsernamePage, LoginPage)
        if isinstance(screen, LoginUsernamePage):
            screen.submit_username(username)
        self.wait_for(LoginPage).sign_in(username, password)

    def _handed_out(self, screen: ScreenT) -> ScreenT:
        screen.keyboard_only = self.keyboard_only
        self._on_screen(screen)
        return screen

    def _settle(self, until: Until, ids: Sequence[str] = (), timeout_ms: float | None = None) -> str:
        """The screen shown once the document is parsed and `until` holds ('' for a page of no known screen)."""
        deadline = time.monotonic() + (self.timeout_ms if timeout_ms is None else timeout_ms) / 1000
        arg = {"until": until, "ids": list(ids), "signatures": self._signatures, "prefix": _LOGIN_PAGE_PREFIX}
        while (remaining_s := deadline - time.monotonic()) > 0:
            try:
                settled = self.page.evaluate(_SETTLED, {**arg, "timeoutMs": remaining_s * 1000})
            except PlaywrightError as error:
                if _DOCUMENT_REPLACED in error.message:
                    continue  # a navigation replaced the document while it was judged: judge the next one
                raise
            if settled is None:
                break
            return str(settled["id"])
        raise _DeadlinePassed

    def _shown_now(self) -> str | None:
        """What a failure message names: the screen shown at the deadline (None while nothing has loaded)."""
        try:
            return self._settle("parsed", timeout_ms=1_000)
        except _DeadlinePassed:
            return None

    def _describe(self, page_id: str | None) -> str:
        if page_id is None:
            return "a page still loading"
        if page_id in self.screens:
            return self.screens[page_id].describe()
        return f"Keycloak page '{page_id}'" if page_id else "a page of no Keycloak screen"
