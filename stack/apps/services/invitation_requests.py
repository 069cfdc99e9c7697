"""The input rules of an invitation, shared by the "Users" pages and the JSON API so both enforce the same."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from stack.apps.applications import ROLE_CLIENTS
from stack.apps.services.keycloak_admin import Organization
from stack.apps.services.organizations import pick_organization
from stack.apps.web.auth import SignedInUser
from stack.apps.web.refusals import Forbidden, ValidationFailed

NAME_MAX = 100
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# the usual practical subset of RFC 5322: a dot-atom local part and a domain with at least one dot
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")


@dataclass(frozen=True)
class InvitationRequest:
    email: str
    first_name: str
    last_name: str
    organization: Organization
    roles: tuple[str, ...]


def _name(raw: object, label: str) -> tuple[str, str | None]:
    value = " ".join(str(raw or "").split())
    if not value:
        return value, f"Enter the {label}."
    if len(value) > NAME_MAX:
        return value, f"The {label} can be at most {NAME_MAX} characters long."
    if not value.isprintable() or any(c in value for c in '<>"\\'):
        return value, f"The {label} contains characters that are not allowed."
    return value, None


def grantable_roles(inviter: SignedInUser) -> list[str]:
    """The roles an inviter may grant: those they hold themselves (nobody hands out more than they have)."""
    return [role for role, client_id in ROLE_CLIENTS.items() if inviter.has_role(client_id, role)]


def parse_request(
    fields: Mapping[str, object], roles: list[str], allowed: list[Organization], grantable: Collection[str]
) -> InvitationRequest:
    """Checks every field, reporting all problems at once; a forged organisation id, or a role the inviter does
    not hold (a form offers only theirs), is Forbidden (403)."""
    errors: dict[str, str] = {}
    email = str(fields.get("email") or "").strip().lower()
    if not email:
        errors["email"] = "Enter the e-mail address."
    elif len(email) > 254 or not _EMAIL.match(email):
        errors["email"] = "Enter a valid e-mail address, like name@example.org."
    first_name, problem = _name(fields.get("first_name"), "first name")
    if problem:
        errors["first_name"] = problem
    last_name, problem = _name(fields.get("last_name"), "last name")
    if problem:
        errors["last_name"] = problem
    unknown = sorted(set(roles) - set(ROLE_CLIENTS))
    if unknown:
        errors["roles"] = f"Unknown role: {', '.join(unknown)}."
    organization_id = str(fields.get("organization") or "").strip()
    organization: Organization | None = None
    if not organization_id:
        errors["organization"] = "Choose an organisation."
    else:
        organization = pick_organization(allowed, organization_id)
    if errors or organization is None:
        raise ValidationFailed(errors)
    not_theirs = sorted(set(roles) - set(grantable))
    if not_theirs:
        raise Forbidden(f"You can only grant roles you hold yourself, not {', '.join(not_theirs)}.")
    ordered_roles = tuple(role for role in ROLE_CLIENTS if role in roles)
    return InvitationRequest(email, first_name, last_name, organization, ordered_roles)
