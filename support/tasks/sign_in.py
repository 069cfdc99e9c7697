"""Signing in as a user does: e-mail, password and a one-time code from their authenticator app; and signing in as
the set-up of a scenario that is not about signing in: over HTTP, the session then handed to the browser, or in the
browser when the deployment's forms defeat that (the report says why)."""

from __future__ import annotations

import logging

import allure

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
    """Leave the browser at `start_url` signed in as `email`, and say how it was done: over HTTP (`how="http"`,
    see `sign_in_over_http`), else in the browser (switched off, or not possible on this deployment)."""
    if how == SIGN_IN_OVER_HTTP and sign_in_over_http(screens, authenticator, email, password, start_url):
        return "over HTTP"
    if how != SIGN_IN_OVER_HTTP:
        screens.page.goto(start_url)
    if screens.current() is not None:
        sign_in_with_code(screens, authenticator, email, password)
    return "in the browser"


def sign_in_over_http(
    screens: KeycloakScreens, authenticator: VirtualAuthenticator, email: str, password: Secret, start_url: str
) -> bool:
    """The application's own code flow and Keycloak's forms over HTTP, the cookies then handed to the browser,
    which opens `start_url` signed in (True). False when the deployment's forms defeat that: the reason is in the
    log and the report, and the browser is at `start_url` without a session (at Keycloak's sign-in). A code is
    asked of the authenticator only when a form asks for one."""
    page = screens.page
    with allure.step(f"sign in as {email} over HTTP (set-up: the scenario is not about signing in)"):
        try:
            with HttpSignIn(timeout_s=screens.timeout_ms / 1000) as client:
                session = client.sign_in(start_url, email, password, lambda: authenticator.code_for(email))
        except SignInOverHttpUnavailable as unavailable:
            reason = mask_text(str(unavailable))
        else:
            page.context.add_cookies(session.cookies)  # type: ignore[arg-type]
            page.goto(session.landed_at)
            if screens.current() is None:
                return True
            reason = f"with the session handed over, the browser was asked to sign in again at {page.url}"
    with allure.step(f"signing in with the browser instead: {reason}"):
        log.warning("signing %s in with the browser: %s", email, reason)
        if screens.current() is None:
            page.goto(start_url)
    return False
