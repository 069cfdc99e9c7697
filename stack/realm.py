"""Renders the realm template (stack/realm/*.json) with this checkout's profile, ports and credentials."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

from stack.login_themes import DEFAULT_LOGIN_THEME, require_login_theme
from stack.settings import PROFILES, Credentials, SeedAdmin

TEMPLATE = Path(__file__).parent / "realm" / "famhp-externals.json"
_PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
# attributes `up` also sets on a running realm (admin API), so a change of them keeps the database
RUNTIME_ATTRIBUTES = ("loginTheme",)


def realm_values(
    profile: str,
    smtp_port: int,
    apps_base_url: str,
    creds: Credentials,
    login_theme: str = DEFAULT_LOGIN_THEME,
) -> dict[str, str]:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return {
        "REALM_DISPLAY_NAME": PROFILES[profile],
        "LOGIN_THEME": require_login_theme(login_theme),
        "SMTP_PORT": str(smtp_port),
        "APPS_BASE_URL": apps_base_url,
        "PORTAL_CLIENT_SECRET": creds.portal_client_secret,
        "CONNECT_CLIENT_SECRET": creds.connect_client_secret,
        "VAMREG_CLIENT_SECRET": creds.vamreg_client_secret,
        "PROVISIONER_CLIENT_SECRET": creds.provisioner_client_secret,
        "SEED_ADMIN_EMAIL": creds.seed_admin_email,
        "SEED_ADMIN_PASSWORD": creds.seed_admin_password,
        "SEED_ADMIN_TOTP_RAW": creds.seed_admin_totp_raw,
    }


def render_realm(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """Fills every ${NAME}; an unknown name is an error, not a silent empty string."""
    text = template.read_text(encoding="utf-8")
    missing = sorted({name for name in _PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise KeyError(f"{template.name} uses placeholders with no value: {', '.join(missing)}")

    # values land inside JSON strings, some inside nested JSON strings (secretData), so no escaping is safe
    unsafe = sorted(name for name, value in values.items() if any(c in value for c in '"\\\n'))
    if unsafe:
        raise ValueError(f"values for {', '.join(unsafe)} contain a quote, backslash or newline")
    rendered = _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)
    json.loads(rendered)  # a broken template fails here, not inside Keycloak's log
    return rendered


def with_seed_admins(rendered: str, admins: list[SeedAdmin]) -> str:
    """The rendered realm with every administrator after the first: a copy of the first one's user (roles, accepted
    terms, password and OTP credentials) with its own name, address and secrets, member of the same organisations."""
    realm = json.loads(rendered)
    first, *others = admins
    template = next(user for user in realm["users"] if user.get("username") == first.email)
    for admin in others:
        user = copy.deepcopy(template)
        user.update(username=admin.email, email=admin.email, firstName=admin.first_name)
        for credential in user["credentials"]:
            if credential["type"] == "password":
                credential["value"] = admin.password
            elif credential["type"] == "otp":
                credential["secretData"] = json.dumps({"value": admin.totp_raw})
        realm["users"].append(user)
        for organisation in realm.get("organizations", []):
            members = organisation.get("members", [])
            if any(member.get("username") == first.email for member in members):
                members.append({"username": admin.email, "membershipType": "UNMANAGED"})
    return json.dumps(realm, indent=2)


def fingerprint(rendered: str) -> str:
    """Identifies the realm as imported; runtime attributes (the login theme) are left out, so switching the
    theme at `up` keeps the users and keys of the running realm."""
    realm = json.loads(rendered)
    for name in RUNTIME_ATTRIBUTES:
        realm.pop(name, None)
    return hashlib.sha256(json.dumps(realm, sort_keys=True).encode()).hexdigest()
