"""Ready users created through the Keycloak admin API in a few calls: fast, for scenarios that do not test
onboarding. Needs Keycloak admin credentials."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from support.config import UatConfig
from support.keycloak_admin import KeycloakAdmin, KeycloakAdminError, UserAccount
from support.target import Target
from support.users.credentials import new_totp_secret, policy_password
from support.users.model import TestUser, names_for
from support.users.providers.base import UserProvider, delete_by_email
from support.users.registry import UserRegistry
from support.users.roles import RoleSpec, describe_roles, normalize_roles

log = logging.getLogger(__name__)


class KeycloakAdminProvider(UserProvider):
    """Creates ready users through the admin API in a few calls: fast, for scenarios that do not test
    onboarding. Needs Keycloak admin credentials."""

    name = "keycloak-admin"

    def __init__(
        self,
        config: UatConfig,
        admin: KeycloakAdmin,
        registry: UserRegistry | None = None,
        *,
        owns_admin: bool = False,
    ) -> None:
        super().__init__(registry)
        self._config = config
        self.admin = admin
        self._owns_admin = owns_admin

    def create_onboarded(
        self, roles: RoleSpec = None, organizations: Sequence[str] = (), tag: str = "user"
    ) -> TestUser:
        wanted_roles = normalize_roles(roles, Target(self._config).role_clients())
        # checked before anything is created: the import would create a misspelt role on the client
        self.admin.check_client_roles(wanted_roles)
        organization_ids = self.admin.organization_ids(organizations)
        email = self._config.new_address(tag)
        first_name, last_name = names_for(tag)
        password = policy_password(avoid=[email, email.split("@", 1)[0]])
        raw_otp, totp_secret = new_totp_secret()
        user_id = self.admin.import_user(
            {
                "username": email,
                "email": email,
                "firstName": first_name,
                "lastName": last_name,
                "enabled": True,
                "emailVerified": True,
                "requiredActions": [],
                # what Keycloak records when the user accepts the terms: the moment, in epoch seconds
                "attributes": {"terms_and_conditions": [str(int(time.time()))]},
                "clientRoles": wanted_roles,
                "credentials": [
                    {"type": "password", "value": password.reveal(), "temporary": False},
                    {
                        "type": "otp",
                        "userLabel": "UAT virtual authenticator",
                        "secretData": f'{{"value":"{raw_otp}"}}',
                        "credentialData": (
                            '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1"}'
                        ),
                    },
                ],
            }
        )
        try:
            for organization_id in organization_ids.values():
                self.admin.add_organization_member(organization_id, user_id)
        except KeycloakAdminError:
            self.admin.delete_user(user_id)  # half a user would only confuse the next reader
            raise
        self.registry.register(email, lambda: self.admin.delete_user(user_id))
        log.info(
            "created onboarded user %s (%s; organisations: %s)",
            email,
            describe_roles(wanted_roles),
            ", ".join(organizations) or "none",
        )
        return TestUser(
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=password,
            totp_secret=totp_secret,
            roles=wanted_roles,
            organizations=list(organizations),
            user_id=user_id,
            provider=self.name,
        )

    def find(self, email: str) -> UserAccount | None:
        return self.admin.find_user(email)

    def delete(self, user: TestUser) -> None:
        removed = delete_by_email(self.admin, user.email, user.user_id)
        self.registry.forget(user.email)
        log.info("deleted user %s%s", user.email, "" if removed else " (it was already gone)")

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._owns_admin:
                self.admin.close()
