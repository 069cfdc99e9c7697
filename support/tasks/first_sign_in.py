"""The first sign-in of an invited user, after the initial password: every screen Keycloak asks for, in whatever
order the realm runs its required actions (authenticator set-up, terms of use, new password, profile)."""

from __future__ import annotations

from typing import TypeVar

from pages.keycloak import (
    KeycloakPage,
    KeycloakScreens,
    TermsPage,
    TotpSetupPage,
    UpdatePasswordPage,
    UpdateProfilePage,
)
from support.authenticator import AuthenticatorAccount, VirtualAuthenticator
from support.users.credentials import policy_password
from support.users.model import TestUser

ScreenT = TypeVar("ScreenT", bound=KeycloakPage)

# more screens than the realm's required actions (OTP, terms, password, profile) means a loop
MAX_SCREENS = 8


class FirstSignInError(AssertionError):
    """The first sign-in stopped on a screen it cannot handle, or never left Keycloak."""


class FirstSignIn:
    """Walks the screens as the user would: scans the QR code (or types the key shown under "Unable to scan?"),
    accepts the terms, chooses a new password that meets the policy, completes the profile."""

    def __init__(
        self,
        screens: KeycloakScreens,
        user: TestUser,
        authenticator: VirtualAuthenticator,
        issuer: str,
        *,
        scan_qr_code: bool = True,
    ) -> None:
        self.screens = screens
        self.user = user
        self.authenticator = authenticator
        self.issuer = issuer
        self.scan_qr_code = scan_qr_code
        self.enrolled: AuthenticatorAccount | None = None  # the entry the authenticator app added

    def complete(self) -> None:
        """Every screen until the browser leaves Keycloak."""
        self._walk(until=None)

    def reach(self, screen_class: type[ScreenT]) -> ScreenT:
        """Every screen the realm shows before `screen_class`, in the realm's order; returns that screen (not
        acted on). For a Given that only needs to be there: the order is what other scenarios check."""
        reached = self._walk(until=screen_class)
        assert isinstance(reached, screen_class)
        return reached

    def _walk(self, until: type[KeycloakPage] | None) -> KeycloakPage | None:
        for _ in range(MAX_SCREENS):
            screen = self.screens.current()
            if screen is None or (until is not None and isinstance(screen, until)):
                if screen is None and until is not None:
                    raise FirstSignInError(
                        f"the first sign-in of {self.user.email} left Keycloak without showing "
                        f"{until.describe()} (at {self.screens.page.url})"
                    )
                return screen
            self._handle(screen)
        raise FirstSignInError(
            f"the first sign-in of {self.user.email} did not end after {MAX_SCREENS} screens "
            f"(at {self.screens.page.url})"
        )

    def _handle(self, screen: KeycloakPage) -> None:
        if isinstance(screen, TotpSetupPage):
            self._set_up_authenticator(screen)
        elif isinstance(screen, TermsPage):
            screen.accept_terms()
        elif isinstance(screen, UpdatePasswordPage):
            new_password = policy_password(avoid=[self.user.email, self.user.email.split("@", 1)[0]])
            screen.change_password(new_password)
            self.user.password = new_password
        elif isinstance(screen, UpdateProfilePage):
            screen.update_profile(self.user.first_name, self.user.last_name)
        else:
            raise FirstSignInError(
                f"the first sign-in of {self.user.email} stopped at {screen.describe()}, which it cannot "
                f"complete, at {self.screens.page.url}"
            )

    def _set_up_authenticator(self, setup: TotpSetupPage) -> None:
        if self.scan_qr_code:
            self.enrolled = self.authenticator.enrol_from_qr(setup.qr_code_png())
        else:
            setup.switch_to_manual_key()
            self.enrolled = self.authenticator.enrol_from_manual_key(
                setup.manual_key_text(), self.issuer, self.user.email
            )
        self.user.totp_secret = self.enrolled.secret
        setup.submit_code(self.authenticator.code_for(self.user.email))
