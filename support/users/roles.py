"""Roles and the applications they open: each role name belongs to one Keycloak client, and the portal shows a
tile for each application on which the user holds at least one role."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

FAMHP_CONNECT = "famhp-connect"
VAMREG = "vamreg"
# the tile the portal shows for a client on which the user holds at least one role
APPLICATION_NAMES: dict[str, str] = {FAMHP_CONNECT: "FAMHP Connect", VAMREG: "VAMREG"}
# role names are unique across the realm's clients, so a bare role name says which client it belongs to
ROLE_CLIENTS: dict[str, str] = {
    "IAM_API_KEY_MANAGER": FAMHP_CONNECT,
    "IAM_USER_MANAGER": FAMHP_CONNECT,
    "VAMREG_USER": VAMREG,
}

RoleSpec = Mapping[str, Iterable[str]] | Iterable[str] | None


def normalize_roles(roles: RoleSpec) -> dict[str, list[str]]:
    """Client id -> sorted role names, from a mapping ({"vamreg": ["VAMREG_USER"]}) or from bare role
    names (["VAMREG_USER"]); clients without roles are dropped."""
    if roles is None:
        return {}
    if isinstance(roles, str):
        roles = [roles]
    if isinstance(roles, Mapping):
        grouped = {client: sorted(set(names)) for client, names in roles.items()}
        return {client: names for client, names in sorted(grouped.items()) if names}
    by_client: dict[str, set[str]] = {}
    unknown = []
    for role in roles:
        client = ROLE_CLIENTS.get(role)
        if client is None:
            unknown.append(role)
        else:
            by_client.setdefault(client, set()).add(role)
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLE_CLIENTS)}")
    return {client: sorted(names) for client, names in sorted(by_client.items())}


def role_names(roles: RoleSpec) -> list[str]:
    """The bare role names of a role spec, in a stable order."""
    return [role for names in normalize_roles(roles).values() for role in names]


def describe_roles(roles: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{client}: {', '.join(names)}" for client, names in roles.items()) or "no roles"


def listed_names(phrase: str) -> list[str]:
    """The names of a Gherkin list phrase: "FAMHP Connect, VAMREG" -> ["FAMHP Connect", "VAMREG"]; "none" -> []."""
    return [name.strip() for name in phrase.split(",") if name.strip() and name.strip().lower() != "none"]


def roles_in(phrase: str) -> dict[str, list[str]]:
    """The roles of a Gherkin phrase by client: "IAM_USER_MANAGER, VAMREG_USER" -> {"famhp-connect": [...], ...}."""
    return normalize_roles(listed_names(phrase))
