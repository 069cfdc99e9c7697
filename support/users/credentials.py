"""Credentials the suite makes up: passwords the realm policy accepts (or breaks on purpose), OTP keys in the
form Keycloak stores them, and a one-time code that is certainly wrong."""

from __future__ import annotations

import base64
import secrets
import string
from collections.abc import Iterable

from support.secrets import Secret, register_totp_secret

PASSWORD_SPECIALS = "!#$%*+-=?@^_"
PASSWORD_LENGTH = 20
OTP_RAW_SECRET_LENGTH = 20  # bytes, as Keycloak generates them: 32 Base32 characters
MISMATCHED_CONFIRMATION = "does not match its confirmation"


def policy_password(avoid: Iterable[str] = (), length: int = PASSWORD_LENGTH) -> Secret:
    """A random password the realm policy accepts: 12..64 characters with upper and lower case, a digit
    and a special character, and containing none of `avoid` (username, e-mail)."""
    if not 12 <= length <= 64:
        raise ValueError("the realm accepts passwords of 12 to 64 characters")
    alphabet = string.ascii_letters + string.digits + PASSWORD_SPECIALS
    forbidden = [text.lower() for text in avoid if text]
    while True:
        chars = [
            secrets.choice(string.ascii_uppercase),
            secrets.choice(string.ascii_lowercase),
            secrets.choice(string.digits),
            secrets.choice(PASSWORD_SPECIALS),
            *(secrets.choice(alphabet) for _ in range(length - 4)),
        ]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        if not any(text in candidate.lower() for text in forbidden):
            return Secret(candidate)


def new_totp_secret() -> tuple[str, Secret]:
    """A fresh OTP key: the raw form Keycloak stores (printable, as Keycloak makes them) and the Base32 form
    an authenticator app holds. Both are registered as secrets."""
    raw = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(OTP_RAW_SECRET_LENGTH))
    base32 = base64.b32encode(raw.encode("ascii")).decode("ascii").rstrip("=")
    register_totp_secret(base32)
    return raw, Secret(base32)


def password_breaking(rule: str, *, email: str, initial_password: Secret) -> tuple[Secret, Secret]:
    """(new, confirmation) for the Gherkin phrase of a broken rule, e.g. "has no digit"."""
    valid = policy_password().reveal()
    candidates = {
        "is too short": "Ab1#xyz9",
        "has no upper-case letter": valid.lower(),
        "has no lower-case letter": valid.upper(),
        "has no digit": "Uat#" + "".join(c for c in valid[4:] if not c.isdigit()) + "Xyzw",
        "has no special character": "".join(c for c in valid if c.isalnum()),
        "is their e-mail address": email,
        "is the initial password again": initial_password.reveal(),
    }
    if rule == MISMATCHED_CONFIRMATION:
        return Secret(valid), policy_password()
    if rule == "is their e-mail address":  # the username: public, so not registered as a secret
        return Secret.public(email), Secret.public(email)
    if rule not in candidates:
        known = ", ".join([*candidates, MISMATCHED_CONFIRMATION])
        raise ValueError(f"no password for the rule {rule!r}; known: {known}")
    return Secret(candidates[rule]), Secret(candidates[rule])


def wrong_code(right_code: str) -> str:
    """A one-time code that is certainly wrong: the right one with its last digit moved on."""
    return f"{(int(right_code) + 1) % 10 ** len(right_code):0{len(right_code)}d}"
