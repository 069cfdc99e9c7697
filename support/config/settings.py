"""Every setting of the suite: its name, how its raw value is parsed and checked, its default, and which
settings a run needs for its user provider and mail backend. A parser raises `InvalidValue` with a reason that
reads after "UAT_X=<value> ..."."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from support.config.model import (
    DEFAULT_LOCALE,
    DEFAULT_PROFILE,
    EVERY_LANGUAGE,
    IMAP_SECURITIES,
    LOCALES,
    MAIL_BACKENDS,
    SETUP_SIGN_INS,
    STACK_MODES,
    TRANSLATION_POLICIES,
    USER_PROVIDERS,
    OrgAdmin,
)
from support.paths import PROJECT_ROOT
from support.secrets import Secret, register_totp_secret

# a reminder for a person in a committed profile ("<set UAT_REALM>"), alone or inside a value
PLACEHOLDER = re.compile(r"<[^<>]+>")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_BASE32 = re.compile(r"^[A-Z2-7]+=*$")


class InvalidValue(ValueError):
    pass


Parser = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be text, not {type(value).__name__}")
    return value.strip()


def _url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise InvalidValue("is not an http(s) URL with a host (e.g. https://host.example/path)")
    return text.rstrip("/")


def _browser_server_url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("ws", "wss") or not parts.hostname or any(c.isspace() for c in text):
        raise InvalidValue("is not a ws:// or wss:// URL of a Playwright browser server (e.g. ws://host:3000/)")
    return text


def _choice(options: Sequence[str]) -> Parser:
    def parse(value: Any) -> str:
        text = _text(value).lower()
        if text not in options:
            raise InvalidValue(f"is not one of {', '.join(options)}")
        return text

    return parse


def _integer(minimum: int, maximum: int) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidValue("is not a whole number")
        try:
            number = int(value)
        except ValueError:
            raise InvalidValue("is not a whole number") from None
        if not minimum <= number <= maximum:
            raise InvalidValue(f"is outside {minimum}..{maximum}")
        return number

    return parse


def _positive_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidValue("is not a number of seconds")
    try:
        number = float(value)
    except ValueError:
        raise InvalidValue("is not a number of seconds") from None
    if not 0 < number <= 3600:
        raise InvalidValue("must be more than 0 and at most 3600 seconds")
    return number


def _secret(value: Any) -> Secret:
    if isinstance(value, Secret):
        return value
    return Secret(_text(value))


def _totp_key(value: Any) -> Secret:
    plain = value.reveal() if isinstance(value, Secret) else _text(value)
    compact = re.sub(r"\s+", "", plain).upper()
    # the value itself is never echoed: a malformed key is still a secret
    if not _BASE32.match(compact) or len(compact.rstrip("=")) < 16:
        raise InvalidValue("is not a Base32 TOTP key (letters A-Z and digits 2-7, at least 16 of them)")
    try:
        base64.b32decode(compact.rstrip("=") + "=" * (-len(compact.rstrip("=")) % 8))
    except binascii.Error:
        raise InvalidValue("is not a Base32 TOTP key (its length does not decode)") from None
    register_totp_secret(compact)
    return Secret(compact.rstrip("="))


def _org_admins(value: Any) -> tuple[OrgAdmin, ...]:
    """Several organisation administrators: a TOML array of tables or a JSON list, each with email, password and
    totp_secret. No secret is ever echoed in a problem."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidValue(f"is not a JSON list of administrators ({exc.msg})") from None
    if not isinstance(value, list | tuple) or not value:
        raise InvalidValue('must list administrators: [{"email": ..., "password": ..., "totp_secret": ...}, ...]')
    admins: list[OrgAdmin] = []
    for number, item in enumerate(value, start=1):
        if isinstance(item, OrgAdmin):
            admins.append(item)
            continue
        if not isinstance(item, dict):
            raise InvalidValue(f"item {number} is not a table with email, password and totp_secret")
        missing = [key for key in ("email", "password", "totp_secret") if not item.get(key)]
        if missing:
            raise InvalidValue(f"item {number} has no {', '.join(missing)}")
        try:
            admins.append(OrgAdmin(_email(item["email"]), _secret(item["password"]), _totp_key(item["totp_secret"])))
        except InvalidValue as exc:
            raise InvalidValue(f"item {number}: {exc}") from None
    emails = [admin.email.lower() for admin in admins]
    repeated = sorted({email for email in emails if emails.count(email) > 1})
    if repeated:
        raise InvalidValue(f"names {', '.join(repeated)} more than once (each shard or worker needs its own)")
    return tuple(admins)


def _email(value: Any) -> str:
    text = _text(value)
    if not _EMAIL.match(text):
        raise InvalidValue("is not an e-mail address")
    return text


def _host(value: Any) -> str:
    text = _text(value)
    if not text or "://" in text or any(c.isspace() or c in "/@" for c in text):
        raise InvalidValue("is not a host name (give only the host, e.g. imap.example.org)")
    return text


def _absolute_path(value: Any) -> Path:
    """A path that may be on another machine (a browser server's); whether it exists is checked where it is used."""
    path = Path(_text(value)).expanduser()
    if not path.is_absolute():
        raise InvalidValue("is not an absolute path")
    return path


def _existing_file(value: Any) -> Path:
    path = Path(_text(value)).expanduser()
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if not path.is_file():
        raise InvalidValue(f"names no file ({path})")
    return path


def _address_template(value: Any) -> str:
    text = _text(value)
    if text.count("{tag}") != 1:
        raise InvalidValue("must contain {tag} exactly once (e.g. qa+{tag}@example.org)")
    leftover = text.replace("{tag}", "")
    if "{" in leftover or "}" in leftover:
        raise InvalidValue("may contain no placeholder other than {tag}")
    if not _EMAIL.match(text.replace("{tag}", "scenario-1a2b3c")):
        raise InvalidValue("does not give an e-mail address once {tag} is filled in")
    return text.lower()


def _imap_user(value: Any) -> str:
    text = _text(value)
    leftover = text.replace("{address}", "")
    if "{" in leftover or "}" in leftover:
        raise InvalidValue("may contain no placeholder other than {address}")
    return text


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise InvalidValue("is not true or false")


def _mapping(value: Any) -> dict[str, str]:
    """A TOML table, a JSON object, or `key=value; key=value` (as an environment variable can carry it)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidValue(f"is not a JSON object ({exc.msg})") from None
        else:
            pairs = [part.partition("=") for part in text.split(";") if part.strip()]
            if not pairs or any(not sep or not key.strip() for key, sep, _ in pairs):
                raise InvalidValue("is not a table of names (TOML table, JSON object or key=value; key=value)")
            value = {key.strip(): item.strip() for key, _, item in pairs}
    if not isinstance(value, dict) or not value or not all(isinstance(item, str) for item in value.values()):
        raise InvalidValue("must map names to texts")
    return {str(key).strip(): item.strip() for key, item in value.items()}


def _roles(value: Any) -> dict[str, tuple[str, str]]:
    """The guide's roles by what they allow -> (client id, role name), written `client-id/ROLE_NAME`."""
    roles = {}
    for meaning, target in _mapping(value).items():
        client, sep, role = target.partition("/")
        if not sep or not client.strip() or not role.strip():
            raise InvalidValue(f"gives {meaning!r} as {target!r}, not as client-id/ROLE_NAME")
        roles[meaning] = (client.strip(), role.strip())
    return roles


def _labels(value: Any) -> tuple[str, ...]:
    """One or more labels, most likely first: a TOML array or `label | label`."""
    items = value if isinstance(value, list) else _text(value).split("|")
    labels = tuple(item.strip() for item in items if isinstance(item, str) and item.strip())
    if not labels:
        raise InvalidValue("names no label")
    return labels


def _by_language(parse: Parser) -> Parser:
    """One wording for every language (a plain value), or a table by language (`{ en = "…", nl = "…" }`, in a
    UAT_* variable as a JSON object)."""

    def parse_worded(value: Any) -> dict[str, Any]:
        if isinstance(value, str) and value.strip().startswith("{"):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InvalidValue(f"is not a JSON object of wordings by language ({exc.msg})") from None
        if not isinstance(value, dict):
            return {EVERY_LANGUAGE: parse(value)}
        unknown = sorted(str(language) for language in value if language not in LOCALES)
        if unknown or not value:
            raise InvalidValue(
                f"names {', '.join(unknown) or 'no language'}: give a wording for each of {', '.join(LOCALES)}, "
                "or one plain wording for all"
            )
        return {str(language): parse(wording) for language, wording in value.items()}

    return parse_worded


def _path(value: Any) -> str:
    text = _text(value)
    if not text.startswith("/") or any(c.isspace() for c in text):
        raise InvalidValue("is not a path starting with / (e.g. /whoami)")
    return text


def _http_status(value: Any) -> int:
    return _integer(100, 599)(value)


def parse_profile(value: Any) -> str:
    text = _text(value).lower()
    if not _PROFILE_NAME.match(text):
        raise InvalidValue("is not a profile name (lower-case letters, digits, - and _)")
    return text


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Parser
    default: Any = None


SETTINGS: tuple[Setting, ...] = (
    Setting("profile", parse_profile, DEFAULT_PROFILE),
    Setting("portal_url", _url),
    Setting("famhp_connect_url", _url),
    Setting("vamreg_url", _url),
    Setting("api_url", _url),
    Setting("keycloak_url", _url),
    Setting("realm", _text),
    Setting("authenticator_issuer", _text),
    Setting("user_provider", _choice(USER_PROVIDERS)),
    Setting("keycloak_admin_username", _text),
    Setting("keycloak_admin_password", _secret),
    Setting("keycloak_admin_realm", _text, "master"),
    Setting("org_admin_email", _email),
    Setting("org_admin_password", _secret),
    Setting("org_admin_totp_secret", _totp_key),
    Setting("org_admins", _org_admins),
    Setting("preprovisioned_users", _existing_file),
    Setting("mail_backend", _choice(MAIL_BACKENDS)),
    Setting("mailpit_url", _url),
    Setting("imap_host", _host),
    Setting("imap_port", _integer(1, 65535)),
    Setting("imap_user", _imap_user),
    Setting("imap_password", _secret),
    Setting("imap_security", _choice(IMAP_SECURITIES), "ssl"),
    Setting("imap_folder", _text, "INBOX"),
    Setting("mail_address_template", _address_template),
    Setting("mail_timeout_s", _positive_seconds, 30.0),
    Setting("ui_timeout_ms", _integer(100, 600_000), 15_000),
    Setting("recovery_timeout_s", _positive_seconds, 180.0),
    Setting("otp_look_around", _integer(0, 10), 1),
    Setting("setup_sign_in", _choice(SETUP_SIGN_INS), "http"),
    Setting("browser_executable", _absolute_path),
    Setting("browser_endpoint", _browser_server_url),
    Setting("selenium_grid_url", _url),
    Setting("stack", _choice(STACK_MODES), "auto"),
    Setting("read_only", parse_boolean, False),
    Setting("locale", _choice(LOCALES), DEFAULT_LOCALE),
    Setting("translation_findings", _choice(TRANSLATION_POLICIES), "report"),
    Setting("accessibility_baseline", _existing_file),
    # facts of the target deployment that scenarios speak of in the guide's words
    Setting("organisation", _text),
    Setting("second_organisation", _text),
    Setting("applications", _mapping),
    Setting("roles", _roles),
    Setting("invitation_in_user_language", parse_boolean, False),
    Setting("invitation_subject", _by_language(_text)),
    Setting("invitation_link_label", _by_language(_text)),
    Setting("invitation_username_label", _by_language(_text)),
    Setting("invitation_password_labels", _by_language(_labels)),
    Setting("api_keys_tab_path", _path),
    Setting("new_api_key_form_path", _path),
    Setting("api_check_path", _path),
    Setting("api_key_header", _text),
    Setting("api_accepted_status", _http_status, 200),
    Setting("api_refused_status", _http_status, 401),
    Setting("api_identity_organisation", _text),
    Setting("api_identity_key", _text),
    Setting("access_revocation_bound_s", _positive_seconds),
)
SETTING_NAMES = frozenset(setting.name for setting in SETTINGS)
SECRET_PARSERS = (_secret, _totp_key, _org_admins)

ALWAYS_NEEDED = (
    "portal_url", "famhp_connect_url", "vamreg_url", "api_url", "keycloak_url", "realm",
    "authenticator_issuer",
)  # fmt: skip
# a run that creates users, mail and keys needs these too; a read-only run (production) does not
NEEDED_TO_CREATE = (
    "organisation", "second_organisation", "applications", "roles", "user_provider", "mail_backend",
    "mail_address_template", "invitation_subject", "invitation_link_label", "invitation_username_label",
    "invitation_password_labels", "api_keys_tab_path", "new_api_key_form_path", "api_check_path",
    "api_key_header", "api_identity_organisation",
)  # fmt: skip
# the user providers that create users (a read-only profile refuses them)
CREATING_PROVIDERS = ("keycloak-admin", "invite-ui")
NEEDED_BY_PROVIDER = {
    "keycloak-admin": ("keycloak_admin_username", "keycloak_admin_password"),
    "invite-ui": ("org_admin_email", "org_admin_password", "org_admin_totp_secret"),
    "preprovisioned": ("preprovisioned_users",),
}
# how the invitation e-mail reads: each needs a wording in the language the e-mail arrives in
INVITATION_WORDINGS = (
    "invitation_subject", "invitation_link_label", "invitation_username_label", "invitation_password_labels",
)  # fmt: skip
NEEDED_BY_BACKEND = {
    "mailpit": ("mailpit_url",),
    "imap": ("imap_host", "imap_user", "imap_password"),
}
