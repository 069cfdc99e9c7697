"""Roles as Keycloak holds them: client id -> role names. A bare role name (as a list of accounts may give it) says
its client through the profile's roles (`Target.role_clients`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

RoleSpec = Mapping[str, Iterable[str]] | Iterable[str] | None


def normalize_roles(roles: RoleSpec, role_clients: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Client id -> sorted role names, from a mapping ({"vamreg": ["VAMREG_USER"]}) or from bare role names
    (["VAMREG_USER"], placed by `role_clients`); clients without roles are dropped."""
    if roles is None:
        return {}
    if isinstance(roles, str):
        roles = [roles]
    if isinstance(roles, Mapping):
        grouped = {client: sorted(set(names)) for client, names in roles.items()}
        return {client: names for client, names in sorted(grouped.items()) if names}
    known = role_clients or {}
    by_client: dict[str, set[str]] = {}
    unknown = []
    for role in roles:
        client = known.get(role)
        if client is None:
            unknown.append(role)
        else:
            by_client.setdefault(client, set()).add(role)
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(known) or 'none'}")
    return {client: sorted(names) for client, names in sorted(by_client.items())}


def role_names(roles: RoleSpec) -> list[str]:
    """The bare role names of a role spec by client, in a stable order."""
    return [role for names in normalize_roles(roles).values() for role in names]


def describe_roles(roles: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{client}: {', '.join(names)}" for client, names in roles.items()) or "no roles"
