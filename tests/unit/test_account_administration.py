"""What Keycloak's administrator changes behind FAMHP Connect's back in a security scenario is given back when the
scenario ends: latest first, and one failed undo does not stop the others."""

from __future__ import annotations

from typing import cast

import pytest

from support.account_administration import AccountAdministration
from support.keycloak_admin import KeycloakAdmin, KeycloakAdminError
from support.secrets import Secret
from support.users.model import TestUser


class RecordingAdmin:
    """Just the calls AccountAdministration makes, recorded in order; `failing` names a call that is refused."""

    realm = "famhp-externals"

    def __init__(self, failing: str = "", members: tuple[str, ...] = ("org-2",)) -> None:
        self.calls: list[str] = []
        self.failing = failing
        self.members = set(members)

    def _record(self, call: str) -> None:
        self.calls.append(call)
        if call.startswith(self.failing or "\0"):
            raise KeycloakAdminError(f"refused: {call}")

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        self._record(f"enabled {user_id} {enabled}")

    def remove_client_roles(self, user_id: str, client_id: str, names: list[str]) -> None:
        self._record(f"remove {client_id}/{','.join(names)} from {user_id}")

    def add_client_roles(self, user_id: str, client_id: str, names: list[str]) -> None:
        self._record(f"add {client_id}/{','.join(names)} to {user_id}")

    def organization_id(self, name: str) -> str:
        return {"Acme Pharma NV": "org-1", "Belgian Vet Supplies BV": "org-2"}[name]

    def remove_organization_member(self, organization_id: str, user_id: str) -> bool:
        self._record(f"leave {organization_id} {user_id}")
        return organization_id in self.members

    def add_organization_member(self, organization_id: str, user_id: str) -> None:
        self._record(f"join {organization_id} {user_id}")


def _user() -> TestUser:
    return TestUser("jane@example.test", "Jane", "Doe", Secret("Pa55word!long"), user_id="u-1")


def _administration(admin: RecordingAdmin) -> AccountAdministration:
    return AccountAdministration(cast(KeycloakAdmin, admin))


def test_every_change_is_given_back_latest_first() -> None:
    admin = RecordingAdmin()
    administration = _administration(admin)
    administration.disable(_user())
    administration.take_roles(_user(), {"famhp-connect": ["IAM_API_KEY_MANAGER"]})
    administration.remove_from_organisation(_user(), "Belgian Vet Supplies BV")
    administration.remove_from_organisation(_user(), "Acme Pharma NV")  # not a member: nothing to give back
    administration.restore()
    assert admin.calls[4:] == [
        "join org-2 u-1",
        "add famhp-connect/IAM_API_KEY_MANAGER to u-1",
        "enabled u-1 True",
    ]
    administration.restore()  # twice: nothing left to undo
    assert len(admin.calls) == 7


def test_an_undo_that_fails_is_logged_and_the_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    admin = RecordingAdmin(failing="add ")
    administration = _administration(admin)
    administration.disable(_user())
    administration.take_roles(_user(), {"famhp-connect": ["IAM_API_KEY_MANAGER"]})
    administration.restore()
    assert admin.calls[-1] == "enabled u-1 True"
    assert "could not give IAM_API_KEY_MANAGER back to jane@example.test" in caplog.text
