"""Where the stack lives, which versions and ports it uses, and its generated local credentials."""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
from dataclasses import asdict, dataclass, field
from pathlib import Path

KEYCLOAK_VERSION = "26.7.3"
MAILPIT_VERSION = "v1.33.1"
GREENMAIL_VERSION = "2.1.13"
# pinned: later 4.x releases are not all on Maven Central
SELENIUM_GRID_VERSION = "4.47.0"
REALM = "famhp-externals"

PROFILES = {
    # the name an authenticator app shows for the account (realm displayName)
    "local": "FAMHPExternals",
    "uat": "UAT-FAMHPExternals",
    "prod": "FAMHPExternals",  # the stack posing as production: itsme® and eID on the sign-in page
}
# identity providers only production offers (user guide 2.1); when the stack poses as production they point at a
# loopback port where nothing listens: the scenarios only check that the sign-in page offers them
PRODUCTION_IDENTITY_PROVIDERS = {"itsme": "itsme®", "eid": "eID"}
PLACEHOLDER_IDP_URL = "http://localhost:9/placeholder-identity-provider"
MAIL_BACKENDS = ("mailpit", "imap")

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    """Per-user download cache shared by every clone and by CI (FAMHP_UAT_CACHE overrides)."""
    base = os.environ.get("FAMHP_UAT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "famhp-uat"
    )
    return Path(base)


def state_dir() -> Path:
    """Runtime state of this checkout's stack: logs, pids, databases (git-ignored)."""
    return Path(os.environ.get("FAMHP_UAT_STACK_DIR") or PROJECT_ROOT / ".stack")


def _port(name: str, default: int) -> int:
    raw = os.environ.get(f"FAMHP_UAT_{name}_PORT")
    if raw is None:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"FAMHP_UAT_{name}_PORT={raw!r} is not a TCP port number")
    return int(raw)


@dataclass(frozen=True)
class Ports:
    keycloak: int = 8080
    keycloak_management: int = 9000
    mailpit_smtp: int = 1025
    mailpit_http: int = 8025
    greenmail_smtp: int = 3025
    greenmail_imap: int = 3143
    greenmail_api: int = 3080
    apps: int = 8000

    @classmethod
    def from_environment(cls) -> Ports:
        return cls(
            keycloak=_port("KEYCLOAK", 8080),
            keycloak_management=_port("KEYCLOAK_MANAGEMENT", 9000),
            mailpit_smtp=_port("MAILPIT_SMTP", 1025),
            mailpit_http=_port("MAILPIT_HTTP", 8025),
            greenmail_smtp=_port("GREENMAIL_SMTP", 3025),
            greenmail_imap=_port("GREENMAIL_IMAP", 3143),
            greenmail_api=_port("GREENMAIL_API", 3080),
            apps=_port("APPS", 8000),
        )


@dataclass(frozen=True)
class BrowserPorts:
    """Loopback ports of `uat browsers up`; the tools' own conventions, clear of the stack's ports."""

    browser_server: int = 3000
    selenium_grid: int = 4444

    @classmethod
    def from_environment(cls) -> BrowserPorts:
        return cls(
            browser_server=_port("BROWSER_SERVER", 3000),
            selenium_grid=_port("SELENIUM_GRID", 4444),
        )


def _password(length: int = 20) -> str:
    """A random password that meets the realm policy (upper, lower, digit, special, 12-64)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(length - 4))
    return (
        secrets.choice(string.ascii_uppercase)
        + secrets.choice(string.ascii_lowercase)
        + secrets.choice(string.digits)
        + secrets.choice("#%+=!?")
        + body
    )


def _raw_totp_secret() -> str:
    # Keycloak stores the raw secret; authenticators see Base32 of its bytes (20 bytes -> 32 chars)
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(20))


# Organisation administrators the realm seeds: one per shard or worker, so that no two processes sign in as the
# same account (Keycloak refuses a code it has seen and locks an account signed in twice within a second).
SEED_ADMIN_COUNT_ENV = "FAMHP_UAT_SEED_ADMINS"
DEFAULT_SEED_ADMIN_COUNT = 4
MAX_SEED_ADMIN_COUNT = 32
_EXTRA_ADMIN_NAMES = ("Oscar", "Odile", "Otto", "Ophelia", "Omar", "Orla", "Owen", "Olga")


def seed_admin_count() -> int:
    raw = os.environ.get(SEED_ADMIN_COUNT_ENV)
    if raw is None:
        return DEFAULT_SEED_ADMIN_COUNT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SEED_ADMIN_COUNT:
        raise ValueError(
            f"{SEED_ADMIN_COUNT_ENV}={raw!r} is not a number of administrators (1..{MAX_SEED_ADMIN_COUNT})"
        )
    return int(raw)


@dataclass(frozen=True)
class SeedAdmin:
    """An organisation administrator the realm seeds (every role, both organisations), with its own TOTP key."""

    first_name: str
    email: str
    password: str
    totp_raw: str

    @property
    def totp_base32(self) -> str:
        return base64.b32encode(self.totp_raw.encode()).decode().rstrip("=")


def _extra_admin(index: int) -> dict[str, str]:
    """The seed administrator number `index` (2, 3, ...) beyond the first: a name, an address, fresh secrets."""
    name = _EXTRA_ADMIN_NAMES[(index - 2) % len(_EXTRA_ADMIN_NAMES)]
    lap = (index - 2) // len(_EXTRA_ADMIN_NAMES)
    local = f"{name.lower()}.admin" + (str(lap + 1) if lap else "")
    return {
        "first_name": name,
        "email": f"{local}@acme-pharma.test",
        "password": _password(),
        "totp_raw": _raw_totp_secret(),
    }


@dataclass
class Credentials:
    """Loopback-only credentials, generated once per checkout and kept in .stack/credentials.json."""

    admin_username: str = "admin"
    admin_password: str = field(default_factory=_password)
    portal_client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    connect_client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    vamreg_client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    provisioner_client_id: str = "famhp-provisioner"
    provisioner_client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    seed_admin_email: str = "olivia.admin@acme-pharma.test"
    seed_admin_password: str = field(default_factory=_password)
    seed_admin_totp_raw: str = field(default_factory=_raw_totp_secret)
    # the administrators after the first (whose fields above keep older credentials files valid)
    extra_seed_admins: list[dict[str, str]] = field(default_factory=list)

    @property
    def seed_admin_totp_base32(self) -> str:
        return base64.b32encode(self.seed_admin_totp_raw.encode()).decode().rstrip("=")

    @property
    def seed_admins(self) -> list[SeedAdmin]:
        """Every seeded organisation administrator, the first one first."""
        first = SeedAdmin("Olivia", self.seed_admin_email, self.seed_admin_password, self.seed_admin_totp_raw)
        return [first, *(SeedAdmin(**admin) for admin in self.extra_seed_admins)]

    def with_seed_admins(self, count: int) -> Credentials:
        """Exactly `count` administrators: the ones generated before are kept (their secrets do not change)."""
        extra = list(self.extra_seed_admins[: count - 1])
        extra += [_extra_admin(index) for index in range(len(extra) + 2, count + 1)]
        self.extra_seed_admins = extra
        return self

    @classmethod
    def load_or_create(cls, path: Path, seed_admins: int | None = None) -> Credentials:
        """The checkout's credentials; `seed_admins` resizes the administrators (`up` does; a status reads them
        as they are, so a shell without FAMHP_UAT_SEED_ADMINS never drops what the realm has). Written only when
        something changed, and atomically: parallel runs read this file at the same moment (`status --json`)."""
        known = json.loads(path.read_text()) if path.exists() else None
        if known is not None:
            creds = cls(**{k: v for k, v in known.items() if k in cls.__dataclass_fields__})
        else:
            creds = cls().with_seed_admins(seed_admin_count())
        if seed_admins is not None:
            creds.with_seed_admins(seed_admins)
        if asdict(creds) != known:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            partial.write_text(json.dumps(asdict(creds), indent=2))
            partial.chmod(0o600)
            partial.replace(path)
        return creds


SEED_ADMIN_ROLES = {"famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"], "vamreg": ["VAMREG_USER"]}
SEED_ADMIN_ORGANIZATIONS = ["Acme Pharma NV", "Belgian Vet Supplies BV"]
