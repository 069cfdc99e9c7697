"""The user providers, and the one the configuration names (`user_provider`) or the inviter (`inviter`)."""

from __future__ import annotations

from support.config import ConfigurationError, UatConfig
from support.keycloak_admin import KeycloakAdmin
from support.org_admins import AdminLease
from support.otp_ledger import StepLedger
from support.target import Target
from support.users.providers.base import BrowserFactory, UserProvider
from support.users.providers.invite_ui import InviteUiProvider
from support.users.providers.keycloak_admin import KeycloakAdminProvider
from support.users.providers.preprovisioned import PreprovisionedProvider
from support.users.registry import UserRegistry

PROVIDERS: tuple[type[UserProvider], ...] = (KeycloakAdminProvider, InviteUiProvider, PreprovisionedProvider)


def _optional_admin(config: UatConfig) -> KeycloakAdmin | None:
    """An admin client when admin credentials are configured (for cleanup), else None."""
    if config.keycloak_admin_username and config.keycloak_admin_password:
        return KeycloakAdmin.from_config(config)
    return None


def user_provider(
    config: UatConfig,
    browser_factory: BrowserFactory | None = None,
    *,
    registry: UserRegistry | None = None,
    admin: KeycloakAdmin | None = None,
    ledger: StepLedger | None = None,
    lease: AdminLease | None = None,
) -> UserProvider:
    """The provider `config.user_provider` names. `browser_factory` gives the session's Playwright browser
    (invite-ui only; called on first use); `ledger` records the administrator's used OTP steps (invite-ui;
    default `shared_step_ledger(config)`); `lease` is the organisation administrator this process signs in as
    (invite-ui; default the first configured). An `admin` passed in stays open when the provider closes."""
    registry = registry or UserRegistry()
    if config.user_provider == KeycloakAdminProvider.name:
        config.require("keycloak_admin_username", "keycloak_admin_password", purpose="user provider 'keycloak-admin'")
        if admin is not None:
            return KeycloakAdminProvider(config, admin, registry)
        return KeycloakAdminProvider(config, KeycloakAdmin.from_config(config), registry, owns_admin=True)
    if config.user_provider == InviteUiProvider.name:
        if browser_factory is None:
            raise ValueError("user provider 'invite-ui' needs a browser_factory (it invites in a browser)")
        owned = admin is None
        return InviteUiProvider(
            config,
            browser_factory,
            registry,
            admin=admin if admin is not None else _optional_admin(config),
            owns_admin=owned,
            ledger=ledger,
            lease=lease,
        )
    if config.user_provider == PreprovisionedProvider.name:
        config.require("preprovisioned_users", purpose="user provider 'preprovisioned'")
        assert config.preprovisioned_users is not None  # checked just above
        return PreprovisionedProvider.from_file(config.preprovisioned_users, Target(config).role_clients())
    raise ConfigurationError(
        [
            f"UAT_USER_PROVIDER={config.user_provider!r} is not one of "
            f"{', '.join(provider.name for provider in PROVIDERS)}"
        ],
        profile=config.profile,
    )


def inviter(
    config: UatConfig,
    browser_factory: BrowserFactory,
    *,
    provider: UserProvider | None = None,
    registry: UserRegistry | None = None,
    ledger: StepLedger | None = None,
    lease: AdminLease | None = None,
) -> InviteUiProvider:
    """Who invites in scenarios: always the organisation administrator through FAMHP Connect. Reuses
    `provider` when it is one already, else shares its registry and admin client so one cleanup
    removes everything."""
    if isinstance(provider, InviteUiProvider):
        return provider
    shared_admin = getattr(provider, "admin", None)
    return InviteUiProvider(
        config,
        browser_factory,
        registry or (provider.registry if provider is not None else None),
        admin=shared_admin if shared_admin is not None else _optional_admin(config),
        owns_admin=shared_admin is None,
        ledger=ledger,
        lease=lease,
    )
