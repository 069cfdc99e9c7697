"""Page objects for Keycloak's login screens (one class per `body[data-page-id]`), and `KeycloakScreens`, which
hands out the one the browser shows."""

from pages.keycloak.base import (
    DEFAULT_TIMEOUT_MS,
    KeycloakPage,
    PageTransitionError,
    UnexpectedPageError,
)
from pages.keycloak.error import ErrorPage
from pages.keycloak.info import InfoPage
from pages.keycloak.login import LoginPage, LoginUsernamePage
from pages.keycloak.logout import LogoutConfirmPage
from pages.keycloak.otp import OtpPage
from pages.keycloak.registry import KEYCLOAK_PAGES, PAGE_CLASSES
from pages.keycloak.screens import KeycloakScreens, UnknownKeycloakPageError, WrongScreenError
from pages.keycloak.terms import TermsPage
from pages.keycloak.totp_setup import TotpSetupPage
from pages.keycloak.update_password import UpdatePasswordPage
from pages.keycloak.update_profile import UpdateProfilePage

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "KEYCLOAK_PAGES",
    "PAGE_CLASSES",
    "ErrorPage",
    "InfoPage",
    "KeycloakPage",
    "KeycloakScreens",
    "LoginPage",
    "LoginUsernamePage",
    "LogoutConfirmPage",
    "OtpPage",
    "PageTransitionError",
    "TermsPage",
    "TotpSetupPage",
    "UnexpectedPageError",
    "UnknownKeycloakPageError",
    "UpdatePasswordPage",
    "UpdateProfilePage",
    "WrongScreenError",
]
