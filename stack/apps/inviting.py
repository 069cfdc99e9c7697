"""Inviting an external user: input rules, the Keycloak account, the single-use link and the e-mail.

Shared by the "Users" pages and the JSON API so both enforce the same rules. A failed invitation leaves
nothing behind: the Keycloak account is removed again and no link is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from stack.apps.applications import ROLE_CLIENTS
from stack.apps.auth import SignedInUser
from stack.apps.errors import ValidationFailed
from stack.apps.keycloak_admin import NewUser, Organization, UserAlreadyExists
from stack.apps.mailer import InvitationMail
from stack.apps.models import Invitation, utcnow
from stack.apps.organizations import pick_organization
from stack.apps.services import Services

# Keycloak runs these in the realm's priority order: OTP, then terms, then a new password
REQUIRED_ACTIONS = ("CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD")
NAME_MAX = 100
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# the usual practical subset of RFC 5322: a dot-atom local part and a domain with at least one dot
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")
_SPECIALS = "!#$%*+-=?@^_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def temporary_password(length: int = 20) -> str:
    """Random, and always within the realm policy (12-64 chars, upper, lower, digit, special)."""
    alphabet = string.ascii_letters + string.digits + _SPECIALS
    required = [
        secrets.choice(string.ascii_uppercase),
        secrets.choice(string.ascii_lowercase),
        secrets.choice(string.digits),
        secrets.choice(_SPECIALS),
    ]
    chars = required + [secrets.choice(alphabet) for _ in range(length - len(required))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


class CannotResend(Exception):
    """The invitation cannot be sent again (the account is already active, or gone)."""


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


def parse_request(fields: Mapping[str, object], roles: list[str], allowed: list[Organization]) -> InvitationRequest:
    """Checks every field, reporting all problems at once; a forged organisation id is Forbidden (403)."""
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
    ordered_roles = tuple(role for role in ROLE_CLIENTS if role in roles)
    return InvitationRequest(email, first_name, last_name, organization, ordered_roles)


def _link(services: Services, token: str) -> str:
    return f"{services.settings.apps_base_url}/invitations/{token}"


def _mail(services: Services, invitation: Invitation, token: str, password: str) -> InvitationMail:
    return InvitationMail(
        to=invitation.email,
        first_name=invitation.first_name,
        username=invitation.email,
        initial_password=password,
        link=_link(services, token),
        organization=invitation.organization_name,
        expires=invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


async def invite(services: Services, wanted: InvitationRequest, inviter: SignedInUser) -> Invitation:
    """Creates the Keycloak account, stores the link and sends the e-mail; a failed step undoes it all."""
    keycloak = services.keycloak
    password = temporary_password()
    try:
        user_id = await keycloak.create_user(
            NewUser(wanted.email, wanted.first_name, wanted.last_name, password, REQUIRED_ACTIONS)
        )
    except UserAlreadyExists as error:
        raise ValidationFailed({"email": "A user with this e-mail address already exists."}) from error

    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        user_id=user_id,
        email=wanted.email,
        first_name=wanted.first_name,
        last_name=wanted.last_name,
        organization_id=wanted.organization.id,
        organization_name=wanted.organization.name,
        roles=" ".join(wanted.roles),
        invited_by=inviter.email,
        created_at=now,
        expires_at=now + timedelta(hours=services.settings.invitation_ttl_hours),
    )
    try:
        await keycloak.add_member(wanted.organization.id, user_id)
        for client_id in dict.fromkeys(ROLE_CLIENTS[role] for role in wanted.roles):
            names = [role for role in wanted.roles if ROLE_CLIENTS[role] == client_id]
            await keycloak.assign_client_roles(user_id, client_id, names)
        with services.db.begin() as db:
            db.add(invitation)
        try:
            await services.mailer.send_invitation(_mail(services, invitation, token, password))
        except Exception:
            with services.db.begin() as db:
                db.execute(delete(Invitation).where(Invitation.id == invitation.id))
            raise
    except Exception:
        await keycloak.delete_user(user_id)
        raise
    return invitation


async def resend(services: Services, invitation: Invitation) -> Invitation:
    """A new link and a new temporary password; every earlier link of this user stops working.

    Only while the account is not yet activated: resetting an active user's password would lock them out.
    """
    account = await services.keycloak.user(invitation.user_id)
    if account is None:
        raise CannotResend("The invited account no longer exists.")
    if not account.get("requiredActions"):
        raise CannotResend("This user has already activated the account.")
    password = temporary_password()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    fresh = Invitation(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        user_id=invitation.user_id,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        organization_id=invitation.organization_id,
        organization_name=invitation.organization_name,
        roles=invitation.roles,
        invited_by=invitation.invited_by,
        created_at=now,
        expires_at=now + timedelta(hours=services.settings.invitation_ttl_hours),
    )
    await services.keycloak.reset_password(invitation.user_id, password, temporary=True)
    await services.mailer.send_invitation(_mail(services, fresh, token, password))
    with services.db.begin() as db:
        db.execute(
            update(Invitation)
            .where(Invitation.user_id == invitation.user_id, Invitation.superseded_at.is_(None))
            .values(superseded_at=now)
        )
        db.add(fresh)
    return fresh


async def withdraw(services: Services, invitation: Invitation) -> None:
    """Removes the invited account and invalidates every link it was sent."""
    await services.keycloak.delete_user(invitation.user_id)
    with services.db.begin() as db:
        db.execute(
            update(Invitation)
            .where(Invitation.user_id == invitation.user_id, Invitation.withdrawn_at.is_(None))
            .values(withdrawn_at=utcnow())
        )


def latest_for_user(db: Session, user_id: str) -> Invitation | None:
    query = select(Invitation).where(Invitation.user_id == user_id).order_by(Invitation.created_at.desc())
    return db.scalars(query).first()


def consume(db: Session, token: str) -> tuple[str, Invitation | None]:
    """Uses an invitation link: ("accepted", invitation) once, then its reason for refusal."""
    invitation = db.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None:
        return "unknown", None
    now = utcnow()
    status = invitation.status(now)
    if status != "pending":
        return status, invitation
    # conditional update: two clicks racing each other cannot both win
    claimed = db.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .returning(Invitation.id)
    ).first()
    db.commit()
    return ("accepted", invitation) if claimed is not None else ("used", invitation)
