"""The person a scenario is about, the "they" of its steps: their account, and what they learn and hold on the
way (the invitation e-mail and its initial password, the entries their authenticator app enrolled)."""

from __future__ import annotations

from dataclasses import dataclass, field

from support.authenticator import AuthenticatorAccount
from support.mail import MailMessage
from support.secrets import Secret
from support.users.model import TestUser


@dataclass
class Actor:
    """One actor per scenario, whether a provider made them ready or an administrator invited them."""

    user: TestUser
    invitation_mail: MailMessage | None = field(default=None, repr=False)  # its body holds the password
    invitation_link: str | None = None
    initial_password: Secret | None = None
    new_entry: AuthenticatorAccount | None = None  # what the authenticator app enrolled from this realm
    older_entry: AuthenticatorAccount | None = None  # an entry the app held before (another environment)

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
