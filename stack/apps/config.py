"""Settings of the reference applications, read only from FAMHP_* environment variables.

Every variable is checked up front so a misconfigured start fails once, listing every problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from stack.apps.skins import APP_DEFECTS, DEFAULT_SKIN, PLANTED_VARIABLE, SKIN_VARIABLE, SKINS


class ConfigError(Exception):
    """The environment does not describe a usable configuration; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"the reference apps cannot start, fix these environment variables:\n{lines}")


@dataclass(frozen=True)
class Settings:
    apps_base_url: str
    keycloak_url: str
    realm: str
    portal_client_secret: str
    connect_client_secret: str
    vamreg_client_secret: str
    provisioner_client_id: str
    provisioner_client_secret: str
    smtp_host: str
    smtp_port: int
    mail_from: str
    database_url: str
    session_secret: str
    invitation_ttl_hours: int
    skin: str = DEFAULT_SKIN
    # how often a signed-in session is checked against Keycloak (account enabled, client roles): the bound within
    # which a disabled or demoted user loses access
    session_recheck_seconds: int = 30
    # how often expired invitations are swept (their initial password replaced): the bound after the expiry
    invitation_sweep_seconds: int = 30
    # rate limits: (requests, per seconds)
    invitation_limit: tuple[int, int] = (50, 600)
    api_key_limit: tuple[int, int] = (120, 60)
    api_failure_limit: tuple[int, int] = (20, 10)
    planted: tuple[str, ...] = ()
    faults_file: str = ""  # the fault switch (`uat stack fault`); empty: no switch

    @property
    def issuer(self) -> str:
        return f"{self.keycloak_url}/realms/{self.realm}"

    @property
    def secure_cookies(self) -> bool:
        return self.apps_base_url.startswith("https://")


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / '.stack' / 'apps' / 'apps.db'}"


# (variable, default or None when required); secrets have no default on purpose
_VARIABLES: dict[str, str | None] = {
    "FAMHP_APPS_BASE_URL": "http://localhost:8000",
    "FAMHP_KEYCLOAK_URL": "http://localhost:8080",
    "FAMHP_REALM": "famhp-externals",
    "FAMHP_PORTAL_CLIENT_SECRET": None,
    "FAMHP_CONNECT_CLIENT_SECRET": None,
    "FAMHP_VAMREG_CLIENT_SECRET": None,
    "FAMHP_PROVISIONER_CLIENT_ID": "famhp-provisioner",
    "FAMHP_PROVISIONER_CLIENT_SECRET": None,
    "FAMHP_SMTP_HOST": "localhost",
    "FAMHP_SMTP_PORT": "1025",
    "FAMHP_MAIL_FROM": "noreply@famhp.test",
    "FAMHP_DATABASE_URL": "",  # empty means the default file under ./.stack/apps/
    "FAMHP_SESSION_SECRET": None,
    "FAMHP_INVITATION_TTL_HOURS": "72",
    SKIN_VARIABLE: DEFAULT_SKIN,
    "FAMHP_SESSION_RECHECK_SECONDS": "30",
    "FAMHP_INVITATION_SWEEP_SECONDS": "30",
    "FAMHP_LIMIT_INVITATIONS": "50/600",
    "FAMHP_LIMIT_API_KEY": "120/60",
    "FAMHP_LIMIT_API_FAILURES": "20/10",
    PLANTED_VARIABLE: "none",
}


def _http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http(s) URL"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "must be a bare origin without path, query or fragment"
    return None


def _int_between(low: int, high: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if not value.isdigit() or not low <= int(value) <= high:
            return f"must be a whole number from {low} to {high}"
        return None

    return check


def _planted_names(value: str) -> tuple[str, ...]:
    return tuple(sorted({name.strip() for name in value.split(",") if name.strip() and name.strip() != "none"}))


def _planted(value: str) -> str | None:
    unknown = [name for name in _planted_names(value) if name not in APP_DEFECTS]
    return f"names unknown defects {', '.join(unknown)} (known: {', '.join(APP_DEFECTS)})" if unknown else None


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _mail_address(value: str) -> str | None:
    local, _, domain = value.partition("@")
    return None if local and "." in domain and " " not in value else "must be an e-mail address"


def _rate(value: str) -> str | None:
    count, _, seconds = value.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) >= 1 and 1 <= int(seconds) <= 86_400):
        return "must be REQUESTS/SECONDS, e.g. 50/600 (at least 1 request, 1 to 86400 seconds)"
    return None


def _as_rate(value: str) -> tuple[int, int]:
    count, _, seconds = value.partition("/")
    return int(count), int(seconds)


def _database(value: str) -> str | None:
    try:
        make_url(value)
    except ArgumentError:
        return "must be an SQLAlchemy database URL, e.g. sqlite:////abs/path/apps.db"
    return None


def _long_secret(value: str) -> str | None:
    # a short session secret would make the signed state guessable
    return None if len(value) >= 16 else "must be at least 16 characters"


_CHECKS: dict[str, Callable[[str], str | None]] = {
    "FAMHP_APPS_BASE_URL": _http_url,
    "FAMHP_KEYCLOAK_URL": _http_url,
    "FAMHP_SMTP_PORT": _int_between(1, 65535),
    "FAMHP_MAIL_FROM": _mail_address,
    "FAMHP_DATABASE_URL": _database,
    "FAMHP_SESSION_SECRET": _long_secret,
    "FAMHP_INVITATION_TTL_HOURS": _int_between(1, 24 * 365),
    SKIN_VARIABLE: _one_of(tuple(SKINS)),
    "FAMHP_SESSION_RECHECK_SECONDS": _int_between(1, 3600),
    "FAMHP_INVITATION_SWEEP_SECONDS": _int_between(1, 3600),
    "FAMHP_LIMIT_INVITATIONS": _rate,
    "FAMHP_LIMIT_API_KEY": _rate,
    "FAMHP_LIMIT_API_FAILURES": _rate,
    PLANTED_VARIABLE: _planted,
}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Reads and validates every FAMHP_* variable; raises ConfigError naming all that are wrong."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    problems: list[str] = []
    for name, default in _VARIABLES.items():
        raw = env.get(name, "").strip()
        if not raw:
            if default is None:
                problems.append(f"{name} is not set")
                continue
            raw = default or _default_database_url()
        check = _CHECKS.get(name)
        problem = check(raw) if check else None
        if problem:
            problems.append(f"{name}={raw!r} {problem}")
        values[name] = raw
    if problems:
        raise ConfigError(problems)
    return Settings(
        apps_base_url=values["FAMHP_APPS_BASE_URL"].rstrip("/"),
        keycloak_url=values["FAMHP_KEYCLOAK_URL"].rstrip("/"),
        realm=values["FAMHP_REALM"],
        portal_client_secret=values["FAMHP_PORTAL_CLIENT_SECRET"],
        connect_client_secret=values["FAMHP_CONNECT_CLIENT_SECRET"],
        vamreg_client_secret=values["FAMHP_VAMREG_CLIENT_SECRET"],
        provisioner_client_id=values["FAMHP_PROVISIONER_CLIENT_ID"],
        provisioner_client_secret=values["FAMHP_PROVISIONER_CLIENT_SECRET"],
        smtp_host=values["FAMHP_SMTP_HOST"],
        smtp_port=int(values["FAMHP_SMTP_PORT"]),
        mail_from=values["FAMHP_MAIL_FROM"],
        database_url=values["FAMHP_DATABASE_URL"],
        session_secret=values["FAMHP_SESSION_SECRET"],
        invitation_ttl_hours=int(values["FAMHP_INVITATION_TTL_HOURS"]),
        skin=values[SKIN_VARIABLE],
        session_recheck_seconds=int(values["FAMHP_SESSION_RECHECK_SECONDS"]),
        invitation_sweep_seconds=int(values["FAMHP_INVITATION_SWEEP_SECONDS"]),
        invitation_limit=_as_rate(values["FAMHP_LIMIT_INVITATIONS"]),
        api_key_limit=_as_rate(values["FAMHP_LIMIT_API_KEY"]),
        api_failure_limit=_as_rate(values["FAMHP_LIMIT_API_FAILURES"]),
        planted=_planted_names(values[PLANTED_VARIABLE]),
        faults_file=env.get("FAMHP_FAULTS_FILE", "").strip(),
    )
