"""Role names as the user guide writes them, mapped to the Keycloak client that defines each one."""

from __future__ import annotations

ROLE_CLIENTS = {
    "IAM_API_KEY_MANAGER": "famhp-connect",
    "IAM_USER_MANAGER": "famhp-connect",
    "VAMREG_USER": "vamreg",
}


def roles_by_client(phrase: str) -> dict[str, list[str]]:
    """ "IAM_USER_MANAGER, VAMREG_USER" -> {"famhp-connect": [...], "vamreg": [...]}; "none" -> {}."""
    names = [name.strip() for name in phrase.split(",") if name.strip() and name.strip().lower() != "none"]
    unknown = [name for name in names if name not in ROLE_CLIENTS]
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLE_CLIENTS)}")
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(ROLE_CLIENTS[name], []).append(name)
    return grouped


def application_names(phrase: str) -> list[str]:
    """ "FAMHP Connect, VAMREG" -> ["FAMHP Connect", "VAMREG"]; "none" -> []."""
    return [name.strip() for name in phrase.split(",") if name.strip() and name.strip().lower() != "none"]
