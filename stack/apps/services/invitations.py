"""The life of an invitation: the Keycloak account, the single-use link, the e-mail, resending, withdrawing, and
the expiry of its link and initial password.

A failed invitation leaves nothing behind: the Keycloak account is removed again and no link is stored. An address
that already has an account gets a notice instead of an account, and the inviter is answered as for any other.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from stack.apps.applications import ROLE_CLIENTS
from stack.apps.i18n import DEFAULT_LANGUAGE, Message
from stack.apps.models import Invitation, utcnow
from stack.apps.services.invitation_requests import InvitationRequest
from stack.apps.services.keycloak_admin import KeycloakAdmin, NewUser, UserAlreadyExists, account_locale
from stack.apps.services.mailer import AccountExistsMail, InvitationMail, Mailer
from stack.apps.web.auth import SignedInUser

log = logging.getLogger(__name__)

# Keycloak runs these in the realm's priority order: OTP, then terms, then a new password
REQUIRED_ACTIONS = ("CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD")
_SPECIALS = "!#$%*+-=?@^_"
# while Keycloak still asks for a new password, the password the account has is the initial one from the e-mail
INITIAL_PASSWORD_PENDING = "UPDATE_PASSWORD"


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


# one refusal for "already active" and "the address had an account": a resend must not tell them apart either
ALREADY_ACTIVE = Message("invite.already_active")


@dataclass(frozen=True)
class Withdrawn:
    """What withdrawing did: removed the account an unused invitation made, or only the membership it granted."""

    account_removed: bool


class Invitations:
    """Invites, re-invites, withdraws, redeems and expires; each step in Keycloak, the database and the mail."""

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

    def _new_invitation(self, wanted: InvitationRequest, inviter: SignedInUser, user_id: str, created: bool) -> tuple:
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
            account_created=created,
        )
        return invitation, token

    async def invite(self, wanted: InvitationRequest, inviter: SignedInUser) -> Invitation:
        """Creates the Keycloak account (in the invitee's language, when the inviter chose one), stores the link and
        sends the e-mail in that language; a failed step undoes it all.

        An address with an account already gets a notice and no account, role or membership; the inviter is
        answered exactly as for a new one, so inviting does not tell whether an address has an account."""
        keycloak = self._keycloak
        password = temporary_password()
        try:
            user_id = await keycloak.create_user(
                NewUser(wanted.email, wanted.first_name, wanted.last_name, password, REQUIRED_ACTIONS, wanted.language)
            )
        except UserAlreadyExists:
            existing = await keycloak.find_user_id(wanted.email)
            if existing is None:
                raise
            return await self._notify_existing(wanted, inviter, existing)

        invitation, token = self._new_invitation(wanted, inviter, user_id, created=True)
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

    async def _notify_existing(self, wanted: InvitationRequest, inviter: SignedInUser, user_id: str) -> Invitation:
        # stored like any invitation (the inviter sees it pending, then expired), but it grants nothing
        invitation, _token = self._new_invitation(wanted, inviter, user_id, created=False)
        with self._db.begin() as db:
            db.add(invitation)
        try:
            await self._mailer.send_account_exists(AccountExistsMail(wanted.email, wanted.organization.name))
        except Exception:
            with self._db.begin() as db:
                db.execute(delete(Invitation).where(Invitation.id == invitation.id))
            raise
        return invitation

    async def resend(self, invitation: Invitation) -> Invitation:
        """A new link and a new temporary password, in the account's language; every earlier link of this user
        stops working.

        Only while the account is not yet activated: resetting an active user's password would lock them out.
        """
        if not invitation.account_created:
            raise CannotResend(ALREADY_ACTIVE)
        account = await self._keycloak.user(invitation.user_id)
        if account is None:
            raise CannotResend(Message("invite.account_gone"))
        if not account.get("requiredActions"):
            raise CannotResend(ALREADY_ACTIVE)
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
            account_created=True,
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

    async def withdraw(self, invitation: Invitation) -> Withdrawn:
        """Withdraws an invitation and invalidates every link it was sent.

        Only an account this invitation made and nobody has used yet is removed. Once a link was used or the
        account is active, only the membership the invitation granted ends: the account, its other memberships
        and its sign-in stay (it may be a colleague's in other organisations). An initial password still
        waiting to be replaced stops working either way."""
        user_id = invitation.user_id
        account = await self._keycloak.user(user_id)
        with self._db() as db:
            history = list(db.scalars(select(Invitation).where(Invitation.user_id == user_id)))
        never_used = all(earlier.used_at is None for earlier in history)
        still_invited = account is not None and bool(account.get("requiredActions"))
        remove_account = invitation.account_created and never_used and still_invited
        if remove_account:
            await self._keycloak.delete_user(user_id)
        else:
            await self._keycloak.remove_member(invitation.organization_id, user_id)
            if account is not None and INITIAL_PASSWORD_PENDING in (account.get("requiredActions") or []):
                await self._keycloak.reset_password(user_id, temporary_password(), temporary=True)
        with self._db.begin() as db:
            db.execute(
                update(Invitation)
                .where(
                    Invitation.user_id == user_id,
                    Invitation.organization_id == invitation.organization_id,
                    Invitation.withdrawn_at.is_(None),
                )
                .values(withdrawn_at=utcnow())
            )
        return Withdrawn(account_removed=remove_account)

    def latest_for_user(self, user_id: str) -> Invitation | None:
        """The latest invitation that made this account (a notice to an existing account never counts)."""
        query = (
            select(Invitation)
            .where(Invitation.user_id == user_id, Invitation.account_created.is_(True))
            .order_by(Invitation.created_at.desc())
        )
        with self._db() as db:
            return db.scalars(query).first()

    def look_up(self, token: str) -> tuple[str, Invitation | None]:
        """What opening a link shows, without using it: ("pending", invitation) or the reason for refusal.

        Opening (GET) never uses a link: mail scanners and link previews open links before the person does."""
        with self._db() as db:
            invitation = db.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
        if invitation is None or not invitation.account_created:
            return "unknown", None
        return invitation.status(utcnow()), invitation

    def consume(self, token: str) -> tuple[str, Invitation | None]:
        """Uses an invitation link (the person confirmed it): ("accepted", invitation) once, then the refusal."""
        with self._db() as db:
            invitation = db.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
            if invitation is None or not invitation.account_created:
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

    async def expire_credentials(self, now: datetime | None = None) -> int:
        """Replaces the initial password of every invitation that has expired while its account still waits for
        a new password: the password in the e-mail then works no longer. Returns how many were replaced."""
        now = now or utcnow()
        with self._db() as db:
            due = list(
                db.scalars(
                    select(Invitation).where(
                        Invitation.expires_at <= now,
                        Invitation.credentials_expired_at.is_(None),
                        Invitation.superseded_at.is_(None),
                        Invitation.withdrawn_at.is_(None),
                        Invitation.account_created.is_(True),
                    )
                )
            )
        replaced = 0
        for invitation in due:
            account = await self._keycloak.user(invitation.user_id)
            if account is not None and INITIAL_PASSWORD_PENDING in (account.get("requiredActions") or []):
                # a random password nobody knows; the account keeps its required actions, a resend sets a new one
                await self._keycloak.reset_password(invitation.user_id, temporary_password(), temporary=True)
                replaced += 1
            with self._db.begin() as db:
                db.execute(update(Invitation).where(Invitation.id == invitation.id).values(credentials_expired_at=now))
        if replaced:
            log.info("the initial password of %d expired invitation(s) no longer works", replaced)
        return replaced
