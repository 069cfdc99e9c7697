"""What a scenario learns about an invited user as the journey goes on (e-mail, password, authenticator)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fixtures.authenticator import AuthenticatorAccount
from fixtures.mail import MailMessage
from fixtures.secrets import Secret


@dataclass
class Newcomer:
    """An invited external user, seen from the scenario: who they are and what they have been given."""

    email: str
    first_name: str
    last_name: str
    organisation: str
    roles: dict[str, list[str]]
    invitation_mail: MailMessage | None = field(default=None, repr=False)  # its body holds the password
    invitation_link: str | None = None
    initial_password: Secret | None = None
    password: Secret | None = None  # the one that signs in now
    new_entry: AuthenticatorAccount | None = None  # what the authenticator app enrolled from this realm
    older_entry: AuthenticatorAccount | None = None  # an entry the app held before (another environment)

    @property
    def expected_applications(self) -> list[str]:
        names = {"famhp-connect": "FAMHP Connect", "vamreg": "VAMREG"}
        return sorted(names[client] for client, roles in self.roles.items() if roles and client in names)
