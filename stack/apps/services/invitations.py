"""The life of an invitation: the Keycloak account, the single-use link, the e-mail, resending, withdrawing.

A failed invitation leaves nothing behind: the Keycloak account is removed again and no link is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import uuid
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from stack.apps.applications import ROLE_CLIENTS
from stack.apps.i18n import DEFAULT_LANGUAGE, Message
from stack.apps.models import Invitation, utcnow
from stack.apps.services.invitation_requests import InvitationRequest
from stack.apps.services.keycloak_admin import KeycloakAdmin, NewUser, UserAlreadyExists, account_locale
from stack.apps.services.mailer import InvitationMail, Mailer
from stack.apps.web.auth import SignedInUser
from stack.apps.web.refusals import ValidationFailed

# Keycloak runs these in the realm's priority order: OTP, then terms, then a new password
REQUIRED_ACTIONS = ("CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD")
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
    """The invitation cannot be sent again (the account is already active, or gone); `reason` says why."""

    def __init__(self, reason: Message) -> None:
        self.reason = reason
        super().__init__(reason.key)


class Invitations:
    """Invites, re-invites, withdraws and redeems; each step in Keycloak, the database and the mail together."""

    def __init__(
        self,
        db: sessionmaker[Session],
        keycloak: KeycloakAdmin,
        mailer: Mailer,
        apps_base_url: str,
        lifetime: timedelta,
    ) -> None:
        self._db = db
        self._keycloak = keycloak
        self._mailer = mailer
        self._apps_base_url = apps_base_url
        self._lifetime = lifetime

    def _mail(self, invitation: Invitation, token: str, password: str, language: str | None) -> InvitationMail:
        return InvitationMail(
            language=language or DEFAULT_LANGUAGE,
            to=invitation.email,
            first_name=invitation.first_name,
            username=invitation.email,
            initial_password=password,
            link=f"{self._apps_base_url}/invitations/{token}",
            organization=invitation.organization_name,
            expires=invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        )

    async def invite(self, wanted: InvitationRequest, inviter: SignedInUser) -> Invitation:
        """Creates the Keycloak account (in the invitee's language, when the inviter chose one), stores the link
        and sends the e-mail in that language; a failed step undoes it all."""
        keycloak = self._keycloak
        password = temporary_password()
        account = NewUser(
            wanted.email, wanted.first_name, wanted.last_name, password, REQUIRED_ACTIONS, wanted.language
        )
        try:
            user_id = await keycloak.create_user(account)
        except UserAlreadyExists as error:
            raise ValidationFailed({"email": Message("invite.user_exists")}) from error

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
            expires_at=now + self._lifetime,
        )
        try:
            await keycloak.add_member(wanted.organization.id, user_id)
            for client_id in dict.fromkeys(ROLE_CLIENTS[role] for role in wanted.roles):
                names = [role for role in wanted.roles if ROLE_CLIENTS[role] == client_id]
                await keycloak.assign_client_roles(user_id, client_id, names)
            with self._db.begin() as db:
                db.add(invitation)
            try:
                await self._mailer.send_invitation(self._mail(invitation, token, password, wanted.language))
            except Exception:
                with self._db.begin() as db:
                    db.execute(delete(Invitation).where(Invitation.id == invitation.id))
                raise
        except Exception:
            await keycloak.delete_user(user_id)
            raise
        return invitation

    async def resend(self, invitation: Invitation) -> Invitation:
        """A new link and a new temporary password, in the account's language; every earlier link of this user
        stops working.

        Only while the account is not yet activated: resetting an active user's password would lock them out.
        """
        account = await self._keycloak.user(invitation.user_id)
        if account is None:
            raise CannotResend(Message("invite.account_gone"))
        if not account.get("requiredActions"):
            raise CannotResend(Message("invite.already_active"))
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
            expires_at=now + self._lifetime,
        )
        await self._keycloak.reset_password(invitation.user_id, password, temporary=True)
        await self._mailer.send_invitation(self._mail(fresh, token, password, account_locale(account)))
        with self._db.begin() as db:
            db.execute(
                update(Invitation)
                .where(Invitation.user_id == invitation.user_id, Invitation.superseded_at.is_(None))
                .values(superseded_at=now)
            )
            db.add(fresh)
        return fresh

    async def withdraw(self, invitation: Invitation) -> None:
        """Removes the invited account and invalidates every link it was sent."""
        await self._keycloak.delete_user(invitation.user_id)
        with self._db.begin() as db:
            db.execute(
                update(Invitation)
                .where(Invitation.user_id == invitation.user_id, Invitation.withdrawn_at.is_(None))
                .values(withdrawn_at=utcnow())
            )

    def latest_for_user(self, user_id: str) -> Invitation | None:
        query = select(Invitation).where(Invitation.user_id == user_id).order_by(Invitation.created_at.desc())
        with self._db() as db:
            return db.scalars(query).first()

    def consume(self, token: str) -> tuple[str, Invitation | None]:
        """Uses an invitation link: ("accepted", invitation) once, then its reason for refusal."""
        with self._db() as db:
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
