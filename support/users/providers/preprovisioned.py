"""Accounts that exist already, listed in a TOML file: nothing is created, nothing deleted."""

from __future__ import annotations

import base64
import dataclasses
import logging
import re
import threading
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from support.config import ConfigurationError
from support.secrets import Secret, register_totp_secret
from support.users.model import TestUser
from support.users.providers.base import NoMatchingAccount, UserProvider, UserProviderError
from support.users.roles import RoleSpec, describe_roles, normalize_roles

log = logging.getLogger(__name__)


class PreprovisionedProvider(UserProvider):
    """Accounts that exist already (listed in a TOML file): nothing is created, nothing deleted. A scenario
    gets an account with exactly the roles and organisations it asks for; among several, the least used."""

    name = "preprovisioned"

    def __init__(
        self, accounts: Sequence[TestUser], source: str = "configuration", role_clients: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(None)
        self.accounts = tuple(accounts)
        self._role_clients = dict(role_clients or {})
        self._source = source
        self._handed_out: Counter[str] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path, role_clients: Mapping[str, str] | None = None) -> PreprovisionedProvider:
        return cls(load_preprovisioned_users(path, role_clients), source=str(path), role_clients=role_clients)

    @property
    def can_delete(self) -> bool:
        return False

    def create_onboarded(
        self, roles: RoleSpec = None, organizations: Sequence[str] = (), tag: str = "user"
    ) -> TestUser:
        wanted_roles = normalize_roles(roles, self._role_clients)
        wanted_organizations = sorted(set(organizations))
        matches = [
            account
            for account in self.accounts
            if normalize_roles(account.roles) == wanted_roles
            and sorted(set(account.organizations)) == wanted_organizations
        ]
        if not matches:
            listed = "\n".join(
                f"  - {account.email}: {describe_roles(account.roles)}; organisations: "
                f"{', '.join(account.organizations) or 'none'}"
                for account in self.accounts
            )
            raise NoMatchingAccount(
                f"no pre-provisioned account in {self._source} has exactly {describe_roles(wanted_roles)} "
                f"and organisations {', '.join(wanted_organizations) or 'none'} (for {tag!r}); it lists:\n"
                f"{listed or '  (none)'}"
            )
        with self._lock:
            chosen = min(matches, key=lambda account: self._handed_out[account.email])
            self._handed_out[chosen.email] += 1
        log.info("using pre-provisioned account %s for %s", chosen.email, tag)
        # a copy: a scenario that changes the password or roles of its user must not change the list
        return dataclasses.replace(
            chosen,
            roles={client: list(names) for client, names in chosen.roles.items()},
            organizations=list(chosen.organizations),
        )

    def delete(self, user: TestUser) -> None:
        raise UserProviderError(f"pre-provisioned account {user.email} is shared and never deleted by the suite")


def load_preprovisioned_users(path: Path, role_clients: Mapping[str, str] | None = None) -> list[TestUser]:
    """Read `[[users]]` entries (email, password, totp_secret, roles, organizations; optional first_name,
    last_name) from a TOML file; every problem is reported at once, secrets never shown."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError([f"UAT_PREPROVISIONED_USERS: cannot read {path}: {exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError([f"UAT_PREPROVISIONED_USERS: {path} is not valid TOML: {exc}"]) from exc
    entries = document.get("users")
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError([f"UAT_PREPROVISIONED_USERS: {path} lists no accounts (expected [[users]] tables)"])
    users, problems = [], []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"{path} [[users]] #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not a table")
            continue
        user, entry_problems = _preprovisioned_user(entry, where, role_clients or {})
        problems += entry_problems
        if user is not None:
            if user.email.lower() in seen:
                problems.append(f"{where}: {user.email} is listed twice")
            seen.add(user.email.lower())
            users.append(user)
    if problems:
        raise ConfigurationError(problems)
    return users


_ACCOUNT_KEYS = frozenset({"email", "password", "totp_secret", "roles", "organizations", "first_name", "last_name"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _preprovisioned_user(
    entry: Mapping[str, Any], where: str, role_clients: Mapping[str, str]
) -> tuple[TestUser | None, list[str]]:
    problems = [f"{where}: unknown key {key!r}" for key in sorted(set(entry) - _ACCOUNT_KEYS)]
    email = entry.get("email")
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        problems.append(f"{where}: 'email' is missing or not an e-mail address")
    password = entry.get("password")
    if not isinstance(password, str) or not password:
        problems.append(f"{where}: 'password' is missing")
    totp = entry.get("totp_secret")
    totp_secret: Secret | None = None
    if not isinstance(totp, str) or not totp.strip():
        problems.append(f"{where}: 'totp_secret' is missing (the account's Base32 OTP key)")
    else:
        compact = re.sub(r"\s+", "", totp).upper().rstrip("=")
        try:
            if not re.fullmatch(r"[A-Z2-7]{16,}", compact):
                raise ValueError
            base64.b32decode(compact + "=" * (-len(compact) % 8))
        except ValueError:  # binascii.Error is a ValueError; the key itself is never echoed
            problems.append(f"{where}: 'totp_secret' is not a Base32 key (A-Z and 2-7, at least 16)")
        else:
            register_totp_secret(compact)
            totp_secret = Secret(compact)
    roles: dict[str, list[str]] = {}
    raw_roles = entry.get("roles", {})
    try:
        if (
            isinstance(raw_roles, Mapping)
            and all(
                isinstance(names, list) and all(isinstance(name, str) for name in names) for names in raw_roles.values()
            )
        ) or (isinstance(raw_roles, list) and all(isinstance(name, str) for name in raw_roles)):
            roles = normalize_roles(raw_roles, role_clients)
        else:
            problems.append(f"{where}: 'roles' must map client ids to lists of role names, or list role names")
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
    organizations = entry.get("organizations", [])
    if not isinstance(organizations, list) or not all(isinstance(name, str) for name in organizations):
        problems.append(f"{where}: 'organizations' must be a list of organisation names")
        organizations = []
    if problems:
        return None, problems
    return (
        TestUser(
            email=str(email).strip().lower(),
            first_name=str(entry.get("first_name", "")),
            last_name=str(entry.get("last_name", "")),
            password=Secret(str(password)),
            totp_secret=totp_secret,
            roles=roles,
            organizations=list(organizations),
            provider=PreprovisionedProvider.name,
        ),
        [],
    )
