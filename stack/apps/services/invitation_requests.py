"""The input rules of an invitation, shared by the "Users" pages and the JSON API so both enforce the same."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from stack.apps.applications import ROLE_CLIENTS
from stack.apps.i18n import LANGUAGES, Message
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
    language: str | None = None  # the invitee's language (the e-mail's, and their account's); None: the default


def _name(raw: object, field: str) -> tuple[str, Message | None]:
    value = " ".join(str(raw or "").split())
    if not value:
        return value, Message(f"invite.{field}_required")
    if len(value) > NAME_MAX:
        return value, Message(f"invite.{field}_too_long", longest=NAME_MAX)
    if not value.isprintable() or any(c in value for c in '<>"\\'):
        return value, Message(f"invite.{field}_characters")
    return value, None


def grantable_roles(inviter: SignedInUser) -> list[str]:
    """The roles an inviter may grant: those they hold themselves (nobody hands out more than they have)."""
    return [role for role, client_id in ROLE_CLIENTS.items() if inviter.has_role(client_id, role)]


def parse_request(
    fields: Mapping[str, object], roles: list[str], allowed: list[Organization], grantable: Collection[str]
) -> InvitationRequest:
    """Checks every field, reporting all problems at once; a forged organisation id, or a role the inviter does
    not hold (a form offers only theirs), is Forbidden (403)."""
    errors: dict[str, Message] = {}
    email = str(fields.get("email") or "").strip().lower()
    if not email:
        errors["email"] = Message("invite.email_required")
    elif len(email) > 254 or not _EMAIL.match(email):
        errors["email"] = Message("invite.email_invalid")
    first_name, problem = _name(fields.get("first_name"), "first_name")
    if problem:
        errors["first_name"] = problem
    last_name, problem = _name(fields.get("last_name"), "last_name")
    if problem:
        errors["last_name"] = problem
    unknown = sorted(set(roles) - set(ROLE_CLIENTS))
    if unknown:
        errors["roles"] = Message("invite.unknown_roles", roles=", ".join(unknown))
    language = str(fields.get("language") or "").strip().lower() or None
    if language is not None and language not in LANGUAGES:
        errors["language"] = Message("invite.unknown_language")
    organization_id = str(fields.get("organization") or "").strip()
    organization: Organization | None = None
    if not organization_id:
        errors["organization"] = Message("form.organisation_required")
    else:
        organization = pick_organization(allowed, organization_id)
    if errors or organization is None:
        raise ValidationFailed(errors)
    not_theirs = sorted(set(roles) - set(grantable))
    if not_theirs:
        raise Forbidden(Message("invite.roles_not_held", roles=", ".join(not_theirs)))
    ordered_roles = tuple(role for role in ROLE_CLIENTS if role in roles)
    return InvitationRequest(email, first_name, last_name, organization, ordered_roles, language)
