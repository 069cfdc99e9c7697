"""The sign-out confirmation Keycloak asks for when a logout request carries no id_token_hint."""

from __future__ import annotations

from pages.keycloak.base import KeycloakPage


class LogoutConfirmPage(KeycloakPage):
    """`login-logout-confirm`: "Do you want to log out?"."""

    PAGE_ID = "login-logout-confirm"
    # the form has no id in any theme; its submit is named for what the server reads
    SIGNATURE = "form [type=submit][name=confirmLogout]"
