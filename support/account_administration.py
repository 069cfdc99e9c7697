"""What Keycloak's administrator does to an account behind FAMHP Connect's back (disable it, take a role or a
membership away), and gives back when the scenario ends: security scenarios check that FAMHP Connect follows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from support.keycloak_admin import KeycloakAdmin, KeycloakAdminError
from support.users.model import TestUser

log = logging.getLogger(__name__)


class AccountAdministration:
    """Each change is undone by `restore`, latest first, so what the scenario cleans up as its user (revoking the
    keys they created in an organisation) still works, and the user provider removes an account as it made it."""

    def __init__(self, admin: KeycloakAdmin) -> None:
        self._admin = admin
        self._undo: list[tuple[str, Callable[[], None]]] = []

    def _id(self, user: TestUser) -> str:
        if user.user_id:
            return user.user_id
        account = self._admin.find_user(user.email)
        if account is None:
            raise KeycloakAdminError(f"there is no account {user.email} in realm {self._admin.realm!r}")
        return account.id

    def disable(self, user: TestUser) -> None:
        user_id = self._id(user)
        self._admin.set_enabled(user_id, False)
        self._undo.append((f"enable {user.email}", lambda: self._admin.set_enabled(user_id, True)))

    def take_roles(self, user: TestUser, roles: Mapping[str, Sequence[str]]) -> None:
        """Remove client roles ({client id: [role names]}) from the account."""
        user_id = self._id(user)
        for client_id, names in roles.items():
            self._admin.remove_client_roles(user_id, client_id, names)
            give_back = partial(self._admin.add_client_roles, user_id, client_id, names)
            self._undo.append((f"give {', '.join(names)} back to {user.email}", give_back))

    def remove_from_organisation(self, user: TestUser, organisation: str) -> None:
        user_id, organisation_id = self._id(user), self._admin.organization_id(organisation)
        if self._admin.remove_organization_member(organisation_id, user_id):
            self._undo.append(
                (
                    f"make {user.email} a member of {organisation} again",
                    lambda: self._admin.add_organization_member(organisation_id, user_id),
                )
            )

    def restore(self) -> None:
        """Undo every change, latest first; a change that cannot be undone is logged and the rest still undone."""
        while self._undo:
            what, undo = self._undo.pop()
            try:
                undo()
            except KeycloakAdminError as error:
                log.warning("could not %s: %s", what, error)
