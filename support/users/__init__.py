"""Test users behind one interface: created through the Keycloak admin API, invited through FAMHP Connect by the
organisation administrator, or picked from pre-provisioned accounts; removed again after the run."""

from support.users.credentials import new_totp_secret, password_breaking, policy_password, wrong_code
from support.users.model import Invitation, TestUser
from support.users.providers import PROVIDERS, inviter, user_provider
from support.users.providers.base import InvitationRefused, NoMatchingAccount, UserProvider, UserProviderError
from support.users.providers.invite_ui import InviteUiProvider
from support.users.providers.keycloak_admin import KeycloakAdminProvider
from support.users.providers.preprovisioned import PreprovisionedProvider, load_preprovisioned_users
from support.users.registry import CleanupReport, ScenarioUsers, UserRegistry
from support.users.roles import normalize_roles, role_names

__all__ = [
    "PROVIDERS",
    "CleanupReport",
    "Invitation",
    "InvitationRefused",
    "InviteUiProvider",
    "KeycloakAdminProvider",
    "NoMatchingAccount",
    "PreprovisionedProvider",
    "ScenarioUsers",
    "TestUser",
    "UserProvider",
    "UserProviderError",
    "UserRegistry",
    "inviter",
    "load_preprovisioned_users",
    "new_totp_secret",
    "normalize_roles",
    "password_breaking",
    "policy_password",
    "role_names",
    "user_provider",
    "wrong_code",
]
