"""Signing in as a user does: e-mail, password and a one-time code from their authenticator app; and signing in as
the set-up of a scenario that is not about signing in: over HTTP, the session then handed to the browser, or in the
browser when the deployment's forms defeat that (the report says why)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import allure
from playwright.sync_api import Page

from pages.keycloak import KeycloakScreens, OtpPage
from support.authenticator import VirtualAuthenticator
from support.secrets import Secret, mask_text
from support.web_session.sign_in import HttpSignIn, SignInOverHttpUnavailable

log = logging.getLogger(__name__)

SIGN_IN_OVER_HTTP = "http"


def sign_in_with_code(
    screens: KeycloakScreens, authenticator: VirtualAuthenticator, email: str, password: Secret
) -> None:
    """On whichever sign-in form the realm shows now: e-mail, password, then a code never used before."""
    screens.sign_in(email, password)
    screens.wait_for(OtpPage).enter_code(authenticator.code_for(email))


def sign_in_as_set_up(
    screens: KeycloakScreens,
    authenticator: VirtualAuthenticator,
    email: str,
    password: Secret,
    start_url: str,
    how: str = SIGN_IN_OVER_HTTP,
) -> str:
    """Leave the browser at `start_url` signed in as `email`, and say how it was done. Over HTTP (`how="http"`),
    the application's own code flow and Keycloak's forms, then the cookies to the browser; in the browser when
    that is switched off or not possible here (each code is asked for only when a form asks for it)."""
    page = screens.page

    def code() -> str:
        return authenticator.code_for(email)

    if how == SIGN_IN_OVER_HTTP:
        reason = _sign_in_over_http(page, start_url, email, password, code, screens.timeout_ms / 1000)
        if reason is None and screens.current() is None:
            return "over HTTP"
        reason = reason or f"the browser was asked to sign in again at {page.url} with the session handed over"
        with allure.step(f"sign-in without the browser not possible, signing in with it: {reason}"):
            log.warning("signing %s in with the browser: %s", email, reason)
    else:
        page.goto(start_url)
    if screens.current() is not None:
        screens.sign_in(email, password)
        screens.wait_for(OtpPage).enter_code(code())
    return "in the browser"


def _sign_in_over_http(
    page: Page, start_url: str, email: str, password: Secret, code: Callable[[], str], timeout_s: float
) -> str | None:
    """None when the browser now shows `start_url` with the session; else why not (the browser is then at
    `start_url` without a session, at Keycloak's sign-in)."""
    with allure.step(f"sign in as {email} over HTTP (set-up: the scenario is not about signing in)"):
        try:
            with HttpSignIn(timeout_s=timeout_s) as client:
                session = client.sign_in(start_url, email, password, code)
        except SignInOverHttpUnavailable as unavailable:
            page.goto(start_url)
            return mask_text(str(unavailable))
        page.context.add_cookies(session.cookies)  # type: ignore[arg-type]
        page.goto(session.landed_at)
        return None
