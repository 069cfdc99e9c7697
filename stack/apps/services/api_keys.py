"""API keys of FAMHP Connect: naming rules, creation (secret returned once, hash stored), revocation, look-up."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stack.apps.models import ApiKey, utcnow
from stack.apps.services.keycloak_admin import Organization
from stack.apps.web.auth import SignedInUser
from stack.apps.web.refusals import ValidationFailed

NAME_MIN = 3
NAME_MAX = 64
PREFIX_TAG = "famhp_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(secret, visible prefix): the prefix lets people recognise a key in the list without the secret."""
    prefix = f"{PREFIX_TAG}{secrets.token_hex(4)}"
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def clean_name(raw: str | None) -> str:
    """The name as stored, or ValidationFailed with the message for the name field."""
    name = " ".join((raw or "").split())  # trimmed; inner runs of whitespace count once
    if not name:
        raise ValidationFailed({"name": "Enter a name for the API key."})
    if len(name) < NAME_MIN or len(name) > NAME_MAX:
        raise ValidationFailed({"name": f"The name must be {NAME_MIN} to {NAME_MAX} characters long."})
    if not name.isprintable():
        raise ValidationFailed({"name": "The name contains characters that are not allowed."})
    return name


def _duplicate() -> ValidationFailed:
    return ValidationFailed({"name": "This organisation already has an active API key with this name."})


def create_key(db: Session, name: str, organization: Organization, creator: SignedInUser) -> tuple[ApiKey, str]:
    """Stores a new key (hash only) and returns it with its secret, which is never stored."""
    name_key = name.casefold()
    clash = db.scalar(
        select(func.count())
        .select_from(ApiKey)
        .where(
            ApiKey.organization_id == organization.id,
            ApiKey.name_key == name_key,
            ApiKey.revoked_at.is_(None),
        )
    )
    if clash:
        raise _duplicate()
    secret, prefix = new_secret()
    key = ApiKey(
        id=str(uuid.uuid4()),
        name=name,
        name_key=name_key,
        organization_id=organization.id,
        organization_name=organization.name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        created_at=utcnow(),
        created_by=creator.email,
        created_by_id=creator.id,
    )
    db.add(key)
    try:
        db.commit()
    except IntegrityError as error:
        # two saves raced past the check above; the partial unique index decides
        db.rollback()
        raise _duplicate() from error
    return key, secret


def keys_of(db: Session, organization_ids: Iterable[str]) -> list[ApiKey]:
    ids = list(organization_ids)
    if not ids:
        return []
    query = select(ApiKey).where(ApiKey.organization_id.in_(ids)).order_by(ApiKey.created_at.desc())
    return list(db.scalars(query))


def revoke(db: Session, key: ApiKey, by: SignedInUser) -> None:
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        key.revoked_by = by.email
        db.commit()


def authenticate(db: Session, secret: str) -> ApiKey | None:
    """The active key with this secret; None for unknown or revoked keys. (The caller notes it as used.)"""
    key = db.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return key
