"""What every Keycloak login screen shares, whatever the login theme (keycloak.v2, keycloak, or a custom theme
extending either): its `body[data-page-id]`, the form fields Keycloak's server reads, each form's own submit,
and where Keycloak reports a problem (the field's error slot, or the page message)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol
from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.keyboard import tab_to

DEFAULT_TIMEOUT_MS = 15_000

# Every theme marks Keycloak's messages with `kc-feedback-text`: inside an element whose id starts "input-error"
# (or on it) for a field, anywhere else for the page. Alert classes are theme markup (PatternFly 4 or 5, or a
# custom theme's own), so an error and a warning cannot be told apart by markup; see `KeycloakPage.refusal`.
FIELD_ERRORS = "[id^=input-error].kc-feedback-text, [id^=input-error] .kc-feedback-text"
PAGE_MESSAGE = ".kc-feedback-text:not([id^=input-error]):not([id^=input-error] *)"


class Revealable(Protocol):
    """A secret wrapper (see `support.secrets.Secret`): masked when printed, `.reveal()` gives the value."""

    def reveal(self) -> str: ...


SecretText = str | Revealable


def _plain(value: SecretText) -> str:
    """The value to type into a form field; the only place a page object unwraps a secret."""
    return value.reveal() if hasattr(value, "reveal") else str(value)


def submit_of(form: str) -> str:
    """The form's own submit, whatever its tag (button or input), id or label: an application-initiated action
    adds a second submit named `cancel-aia`, which is never the one meant."""
    return f"{form} [type=submit]:not([name=cancel-aia])"


class UnexpectedPageError(AssertionError):
    """The browser does not show the screen a step expected (within the deadline)."""


class PageTransitionError(AssertionError):
    """An action that should load the next screen did not (e.g. the browser refused to submit the form)."""


# The screen whose form (or link) each browser tab acted on last. Keycloak answers a refused form with the same
# screen again, its message replacing the notice the screen opened with ("You need to change your password…");
# only that answer's message is a refusal.
_last_acted_on: WeakKeyDictionary[Page, str] = WeakKeyDictionary()


class KeycloakPage:
    """One Keycloak login screen; subclasses set `PAGE_ID`, `SIGNATURE` and `GUIDE_STEP` and build their
    locators in `__init__`."""

    PAGE_ID: ClassVar[str]
    # what only this screen has, for a theme whose template drops `data-page-id` (CSS, checked in registry order)
    SIGNATURE: ClassVar[str]
    # the step of the user guide this screen stands for, named when a step waits for it in vain
    GUIDE_STEP: ClassVar[str | None] = None
    # a user without a mouse: every intent then reaches its controls with Tab, types, and presses Enter
    keyboard_only: bool = False

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.page_message = page.locator(PAGE_MESSAGE).filter(visible=True)
        self.field_errors = page.locator(FIELD_ERRORS).filter(visible=True)
        self.invalid_fields = page.locator("[aria-invalid=true]")
        answers_own_form = _last_acted_on.get(page) == self.PAGE_ID
        # a page message counts only on the answer to this screen's own form: before that it is the notice
        self.refusal = self.field_errors.or_(self.page_message) if answers_own_form else self.field_errors
        self._password_inputs = page.locator("input[type=password]")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.PAGE_ID!r} at {self.page.url})"

    @classmethod
    def describe(cls) -> str:
        """How a message names this screen: class, page id and the user guide's step."""
        step = f": {cls.GUIDE_STEP}" if cls.GUIDE_STEP else ""
        return f"{cls.__name__} ('{cls.PAGE_ID}'{step})"

    def field_error(self, field: str) -> Locator:
        """The message in a field's error slot (`input-error-<field>`; keycloak.v2 wraps it in a container)."""
        slots = (f"#input-error-{field}", f"#input-error-container-{field}")
        selector = ", ".join(f"{slot}.kc-feedback-text, {slot} .kc-feedback-text" for slot in slots)
        return self.page.locator(selector).filter(visible=True)

    def identity_provider(self, alias: str) -> Locator:
        """The button of an identity provider (itsme, eID, ...) by its Keycloak alias."""
        return self.page.locator(f"#social-{alias}")

    def secret_locators(self) -> list[Locator]:
        """What a screenshot of this screen must mask: password fields here; subclasses add their own."""
        return [self._password_inputs]

    def _type(self, field: Locator, text: str, what: str) -> None:
        """Fill a field, or, for a user without a mouse, Tab to it, select what it holds and type."""
        if not self.keyboard_only:
            field.fill(text)
            return
        tab_to(self.page, field, what)
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.type(text)

    def _activate(self, control: Locator, what: str) -> Callable[[], object]:
        """The action that uses a control: a click, or, for a user without a mouse, Tab to it and Enter."""
        if not self.keyboard_only:
            return control.click

        def by_keyboard() -> None:
            tab_to(self.page, control, what)
            self.page.keyboard.press("Enter")

        return by_keyboard

    def _transition(self, action: Callable[[], object], what: str) -> None:
        """Run an action that makes the browser load a new document, and wait until that document is in.

        Every action here is a form post or a link: the server answers with a new document, even when it
        shows the same screen again with an error. Waiting for it keeps the next step from reading the old
        document (and `KeycloakScreens` from judging the screen just left).
        """
        _last_acted_on[self.page] = self.PAGE_ID
        acted = False
        try:
            with self.page.expect_event("domcontentloaded", timeout=self.timeout_ms):
                action()
                acted = True
        except PlaywrightTimeoutError:
            if not acted:
                raise  # the control itself was not there to use: Playwright's message says which
            raise PageTransitionError(
                f"{what} on {self.describe()} loaded no new page within {self.timeout_ms / 1000:.1f} s "
                f"(still at {self.page.url})"
            ) from None
