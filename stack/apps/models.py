"""Database tables of the reference apps: web sessions, invitations and API keys.

Secrets (session ids, invitation tokens, API keys) are stored only as hashes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Index, String, Text, TypeDecorator, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and hands back aware datetimes (SQLite forgets the zone otherwise)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class WebSession(Base):
    """Server-side session of one application; the browser holds only a random id."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    app: Mapped[str] = mapped_column(String(32))
    # Keycloak's SSO session id: signing out of one app ends the local sessions of all of them
    sso_session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    data: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    organization_name: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(Text)  # space-separated role names
    invited_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False when the address already had an account: withdrawing must never delete someone else's account
    account_created: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    # when the sweep replaced the initial password of this expired invitation (it works no longer)
    credentials_expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def role_list(self) -> list[str]:
        return self.roles.split()

    def status(self, now: datetime) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.superseded_at:
            return "superseded"
        if self.used_at:
            return "used"
        if now >= self.expires_at:
            return "expired"
        return "pending"


class ApiKey(Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        # one active key per name and organisation; revoked names may be reused
        Index(
            "uq_api_keys_active_name",
            "organization_id",
            "name_key",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64))  # case-folded name for the uniqueness rule
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    organization_name: Mapped[str] = mapped_column(String(255))
    prefix: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[str] = mapped_column(String(36))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(254))

    @property
    def status(self) -> str:
        return "Revoked" if self.revoked_at else "Active"
