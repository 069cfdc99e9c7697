"""What every user provider is: onboarded users on demand, removed again; and the errors providers raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from support.closing import ClosedOnExit
from support.keycloak_admin import KeycloakAdmin
from support.users.model import TestUser
from support.users.registry import CleanupReport, UserRegistry
from support.users.roles import RoleSpec

if TYPE_CHECKING:
    from playwright.sync_api import Browser

BrowserFactory = Callable[[], "Browser"]


class UserProviderError(Exception):
    """A user could not be provided, found or removed; the message says which and why."""


class NoMatchingAccount(UserProviderError):
    """No pre-provisioned account has the roles and organisations a scenario asks for."""


class AccountTemporarilyLocked(UserProviderError):
    """Keycloak's brute-force detection holds the account for a while: an environment problem, not the product's;
    the message names the wait."""


class InvitationRefused(UserProviderError):
    """FAMHP Connect did not accept the invitation; `problems` holds what the form said."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class UserProvider(ABC, ClosedOnExit):
    """Where a scenario's users come from. Every provider gives onboarded users (password and OTP set up,
    terms accepted, no required action left); what it creates it registers for removal at the end."""

    name: ClassVar[str]

    def __init__(self, registry: UserRegistry | None = None) -> None:
        self.registry = registry or UserRegistry()

    @abstractmethod
    def create_onboarded(
        self, roles: RoleSpec = None, organizations: Sequence[str] = (), tag: str = "user"
    ) -> TestUser:
        """A user who can sign in with password and one-time code and holds exactly these roles."""

    @abstractmethod
    def delete(self, user: TestUser) -> None:
        """Remove the user now (a user already gone is fine)."""

    @property
    def can_delete(self) -> bool:
        return True

    def cleanup(self) -> CleanupReport:
        return self.registry.cleanup()

    def close(self) -> None:
        """Remove what this run created, then release connections and browsers."""
        self.cleanup()


def delete_by_email(admin: KeycloakAdmin, email: str, user_id: str | None = None) -> bool:
    """Delete a realm user by id, or by e-mail when the id is unknown; False when there was none."""
    if user_id is None:
        account = admin.find_user(email)
        if account is None:
            return False
        user_id = account.id
    return admin.delete_user(user_id)
