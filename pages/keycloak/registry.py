"""Which page object models which Keycloak screen: `PAGE_ID` -> class."""

from __future__ import annotations

from pages.keycloak.base import KeycloakPage
from pages.keycloak.error import ErrorPage
from pages.keycloak.info import InfoPage
from pages.keycloak.login import LoginPage, LoginUsernamePage
from pages.keycloak.logout import LogoutConfirmPage
from pages.keycloak.otp import OtpPage
from pages.keycloak.terms import TermsPage
from pages.keycloak.totp_setup import TotpSetupPage
from pages.keycloak.update_password import UpdatePasswordPage
from pages.keycloak.update_profile import UpdateProfilePage

PAGE_CLASSES: tuple[type[KeycloakPage], ...] = (
    LoginUsernamePage,
    LoginPage,
    TotpSetupPage,
    OtpPage,
    TermsPage,
    UpdatePasswordPage,
    UpdateProfilePage,
    InfoPage,
    ErrorPage,
    LogoutConfirmPage,
)

KEYCLOAK_PAGES: dict[str, type[KeycloakPage]] = {screen.PAGE_ID: screen for screen in PAGE_CLASSES}
