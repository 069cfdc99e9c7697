"""What every Keycloak login screen shares: its `body[data-page-id]`, its password fields, and a deadline-bound
wait until the browser shows the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol, Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

DEFAULT_TIMEOUT_MS = 15_000

_PAGE_ID_IS = "expected => document.body !== null && document.body.dataset.pageId === expected"


class Revealable(Protocol):
    """A secret wrapper (see `support.secrets.Secret`): masked when printed, `.reveal()` gives the value."""

    def reveal(self) -> str: ...


SecretText = str | Revealable


def _plain(value: SecretText) -> str:
    """The value to type into a form field; the only place a page object unwraps a secret."""
    return value.reveal() if hasattr(value, "reveal") else str(value)


class UnexpectedPageError(AssertionError):
    """The browser does not show the screen a step expected (within the deadline)."""


class PageTransitionError(AssertionError):
    """An action that should load the next screen did not (e.g. the browser refused to submit the form)."""


def current_page_id(page: Page, timeout_ms: float = 5_000) -> str | None:
    """The `data-page-id` of the document shown now; None for pages that have none (the apps, blank)."""
    try:
        # a locator waits for a <body> across a navigation in flight, where page.evaluate would fail
        return page.locator("body").get_attribute("data-page-id", timeout=timeout_ms)
    except PlaywrightError:
        return None


def describe_page_id(page_id: str | None) -> str:
    """How an error message names a page id ('login-terms' or 'a page without data-page-id')."""
    return f"'{page_id}'" if page_id else "a page without data-page-id"


class KeycloakPage:
    """One Keycloak login screen; subclasses set `PAGE_ID` and build their locators in `__init__`."""

    PAGE_ID: ClassVar[str]

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.title = page.locator("#kc-page-title")
        self._password_inputs = page.locator("input[type=password]")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.PAGE_ID!r} at {self.page.url})"

    def wait_until_current(self, timeout_ms: float | None = None) -> Self:
        """Wait until the browser shows this screen; fail with what it shows instead after the deadline."""
        timeout = self.timeout_ms if timeout_ms is None else timeout_ms
        try:
            self.page.wait_for_function(_PAGE_ID_IS, arg=self.PAGE_ID, timeout=timeout, polling=100)
        except PlaywrightTimeoutError:
            shown = current_page_id(self.page, timeout_ms=1_000)
            raise UnexpectedPageError(
                f"expected page '{self.PAGE_ID}', browser shows {describe_page_id(shown)} "
                f"at {self.page.url} (waited {timeout / 1000:.1f} s)"
            ) from None
        return self

    def identity_provider(self, alias: str) -> Locator:
        """The button of an identity provider (itsme, eID, ...) by its Keycloak alias."""
        return self.page.locator(f"#social-{alias}")

    def secret_locators(self) -> list[Locator]:
        """What a screenshot of this screen must mask: password fields here; subclasses add their own."""
        return [self._password_inputs]

    def _transition(self, action: Callable[[], object], what: str) -> None:
        """Run an action that makes the browser load a new document, and wait until that document is in.

        Every action here is a form post or a link: the server answers with a new document, even when it
        shows the same screen again with an error. Waiting for it keeps the next step from reading the old
        document (and `KeycloakScreens.current()` from handing out the screen just left).
        """
        acted = False
        try:
            with self.page.expect_event("domcontentloaded", timeout=self.timeout_ms):
                action()
                acted = True
        except PlaywrightTimeoutError:
            if not acted:
                raise  # the control itself was not there to use: Playwright's message says which
            raise PageTransitionError(
                f"{what} on page '{self.PAGE_ID}' loaded no new page within {self.timeout_ms / 1000:.1f} s "
                f"(still at {self.page.url})"
            ) from None
