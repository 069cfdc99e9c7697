"""A user who was onboarded before the scenario starts (by the configured provider), whose phone already holds
their authenticator account; removed when the scenario ends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from support.actor import Actor
from support.authenticator import VirtualAuthenticator
from support.users.providers.base import UserProvider, UserProviderError
from support.users.registry import ScenarioUsers


def ready_actor(
    provider: UserProvider,
    scenario_users: ScenarioUsers,
    authenticator: VirtualAuthenticator,
    issuer: str,
    *,
    roles: Mapping[str, Sequence[str]],
    organisations: Sequence[str],
    tag: str,
) -> Actor:
    """Roles and organisations as the profile names them; the user's phone enrols the account it already has."""
    user = provider.create_onboarded(roles=roles, organizations=organisations, tag=tag)
    scenario_users.add(provider, user)  # removed when the scenario ends, after its keys are revoked
    if user.totp_secret is None:
        raise UserProviderError(f"provider {provider.name!r} gave {user.email} without their TOTP key")
    authenticator.enrol_from_manual_key(user.totp_secret, issuer, user.email)
    return Actor(user)
