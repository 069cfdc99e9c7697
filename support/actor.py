"""The person a scenario is about, the "they" of its steps: their account, and what they learn and hold on the
way (the invitation e-mail and its initial password, the entries their authenticator app enrolled)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from support.authenticator import AuthenticatorAccount
from support.mail import MailMessage
from support.secrets import Secret
from support.users.model import TestUser

if TYPE_CHECKING:
    from support.tasks.first_sign_in import FirstSignIn


@dataclass
class Actor:
    """One actor per scenario, whether a provider made them ready or an administrator invited them."""

    user: TestUser
    invitation_mail: MailMessage | None = field(default=None, repr=False)  # its body holds the password
    invitation_link: str | None = None
    initial_password: Secret | None = None
    new_entry: AuthenticatorAccount | None = None  # what the authenticator app enrolled from this realm
    older_entry: AuthenticatorAccount | None = None  # an entry the app held before (another environment)
    # set when a Given only reached a screen of the first sign-in: the screens after it come in the realm's order
    first_sign_in: FirstSignIn | None = field(default=None, repr=False)

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def password(self) -> Secret:
        """The password that signs them in now (the initial one until they choose another)."""
        return self.user.password

    @password.setter
    def password(self, value: Secret) -> None:
        self.user.password = value
