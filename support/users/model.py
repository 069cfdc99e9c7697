"""The users scenarios sign in as: a `TestUser` (what a provider hands out) and an `Invitation` (what the
organisation administrator sent)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from support.mail.addresses import slug
from support.secrets import Secret

INVITED_BY_UI = "invite-ui"


@dataclass
class TestUser:
    """A user a scenario can sign in as. Mutable on purpose: onboarding gives a new password."""

    __test__ = False  # a dataclass, not a pytest test class

    email: str
    first_name: str
    last_name: str
    password: Secret
    totp_secret: Secret | None = None  # Base32, as an authenticator app holds it
    roles: dict[str, list[str]] = field(default_factory=dict)  # client id -> role names
    organizations: list[str] = field(default_factory=list)
    user_id: str | None = None  # the Keycloak id, when the provider knows it
    provider: str = ""

    @property
    def username(self) -> str:
        """The realm's username is the e-mail address."""
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def holds(self, role: str) -> bool:
        return any(role in names for names in self.roles.values())


@dataclass(frozen=True)
class Invitation:
    """What the organisation administrator sent; the e-mail itself is read by the scenario."""

    email: str
    first_name: str
    last_name: str
    organisation: str
    roles: dict[str, list[str]]
    invited_at: datetime  # just before the invitation was sent: wait for mail received after this
    invited_by: str

    def as_user(self, password: Secret, totp_secret: Secret | None = None) -> TestUser:
        """The invited person as a TestUser, once the scenario knows a password for them."""
        return TestUser(
            email=self.email,
            first_name=self.first_name,
            last_name=self.last_name,
            password=password,
            totp_secret=totp_secret,
            roles={client: list(names) for client, names in self.roles.items()},
            organizations=[self.organisation],
            provider=INVITED_BY_UI,
        )


def names_for(tag: str) -> tuple[str, str]:
    """A first and last name that say which scenario made the user ('Uat', 'Api Keys Revoke')."""
    words = slug(tag, 40).replace("-", " ").title() or "Tester"
    return "Uat", words
