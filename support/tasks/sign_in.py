"""Signing in as a user does: e-mail, password and a one-time code from their authenticator app."""

from __future__ import annotations

from pages.keycloak import KeycloakScreens, OtpPage
from support.authenticator import VirtualAuthenticator
from support.secrets import Secret


def sign_in_with_code(
    screens: KeycloakScreens, authenticator: VirtualAuthenticator, email: str, password: Secret
) -> None:
    """On whichever sign-in form the realm shows now: e-mail, password, then a code never used before."""
    screens.sign_in(email, password)
    screens.wait_for(OtpPage).enter_code(authenticator.code_for(email))
