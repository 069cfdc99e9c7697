"""New passwords that break one named rule of the realm policy (a valid one: fixtures.users.policy_password)."""

from __future__ import annotations

from fixtures.secrets import Secret
from fixtures.users import policy_password


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
    if rule == "does not match its confirmation":
        return Secret(valid), policy_password()
    if rule not in candidates:
        raise ValueError(
            f"no password for the rule {rule!r}; known: {', '.join([*candidates, 'does not match its confirmation'])}"
        )
    return Secret(candidates[rule]), Secret(candidates[rule])
