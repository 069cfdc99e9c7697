"""Revoking what runs left in FAMHP Connect as their organisation's API key manager would: signed in as the
configured organisation administrator, on the "API Keys" tab, each left-over key revoked with its confirmation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from pages.famhp_connect import ApiKeyRow, ApiKeysPage
from pages.keycloak import KeycloakScreens
from pages.locate import control
from pages.words import words
from support.authenticator import VirtualAuthenticator
from support.browser import launch_args
from support.config import UatConfig
from support.otp_ledger import shared_step_ledger
from support.secrets import Secret
from support.target import Target
from support.tasks.sign_in import sign_in_with_code

log = logging.getLogger(__name__)

MAX_REVOCATIONS = 200  # more would mean a revocation that does not take


class KeyManagerSession:
    """FAMHP Connect's "API Keys" tab in a browser context of its own, signed in as the key manager. Never traced:
    the sign-in types the administrator's password and a one-time code."""

    def __init__(self, config: UatConfig, browser: Browser) -> None:
        config.require(
            "org_admin_email", "org_admin_password", "org_admin_totp_secret",
            purpose="revoking left-over API keys as their organisation's key manager",
        )  # fmt: skip
        self._config = config
        self._browser = browser
        self.email = config.org_admin_email or ""
        self._context: BrowserContext | None = None
        self._page: Page | None = None

    def __enter__(self) -> KeyManagerSession:
        self._context = self._browser.new_context()
        self._context.set_default_timeout(self._config.ui_timeout_ms)
        self._page = self._context.new_page()
        self._open_tab()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._context is not None:
            self._context.close()

    @property
    def _tab(self) -> ApiKeysPage:
        assert self._page is not None, "use the session as a context manager"
        return ApiKeysPage(self._page)

    def _open_tab(self) -> None:
        tab = self._tab
        tab.open(Target(self._config).api_keys_tab_address)
        screens = KeycloakScreens(tab.page, self._config.ui_timeout_ms)
        if screens.current() is not None:
            phone = VirtualAuthenticator(
                look_around=self._config.otp_look_around, ledger=shared_step_ledger(self._config)
            )
            secret = self._config.org_admin_totp_secret or Secret("")
            phone.enrol_from_manual_key(secret, self._config.authenticator_issuer, self.email)
            sign_in_with_code(screens, phone, self.email, self._config.org_admin_password or Secret(""))
        tab.create_api_key_button.wait_for()

    def _active(self, rows: Locator) -> Locator:
        return rows.filter(has=control(self._tab.page, words().revoke))

    def revoke(self, name: str, organisation: str) -> bool:
        """Revoke the key of that name in that organisation if it is still active; True when it was."""
        active = self._active(self._tab.row(name, organisation))
        if active.count() == 0:
            return False
        self._tab.revoke_row(active.first).confirm()
        expect(active).to_have_count(0)  # back on the list, the key no longer revocable
        log.info("revoked the left-over API key %r of %s", name, organisation)
        return True

    def revoke_where(self, left_behind: Callable[[str], bool]) -> list[str]:
        """Revoke every active key whose name `left_behind` says a swept run made; returns their names."""
        revoked: list[str] = []
        for _ in range(MAX_REVOCATIONS):
            active = self._active(self._tab.rows)
            names = [ApiKeyRow(active.nth(index)).name.first.inner_text().strip() for index in range(active.count())]
            chosen = next((index for index, name in enumerate(names) if left_behind(name)), None)
            if chosen is None:
                return revoked
            self._tab.revoke_row(active.nth(chosen)).confirm()
            expect(self._active(self._tab.rows)).to_have_count(len(names) - 1)
            log.info("revoked the left-over API key %r", names[chosen])
            revoked.append(names[chosen])
        raise RuntimeError(f"still revoking left-over API keys after {MAX_REVOCATIONS}: is the revocation refused?")


@contextmanager
def key_manager_in_browser(config: UatConfig) -> Iterator[KeyManagerSession]:
    """A Chromium of its own for the sweep (a run's browser is gone, or never started, when it sweeps)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args(str(config.browser_executable or "") or None))
        try:
            with KeyManagerSession(config, browser) as session:
                yield session
        finally:
            browser.close()
