"""Reads what the running reference stack offers (`uat stack status --json`) and turns it into
configuration values. Talks to the stack only through that command, never by importing it."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from support.config.model import OrgAdmin
from support.paths import STACK_STATE
from support.secrets import Secret, register_totp_secret

StatusRunner = Callable[[Sequence[str]], subprocess.CompletedProcess[str]]

STATUS_TIMEOUT_S = 60.0

# GreenMail runs with authentication disabled: any non-empty password opens the address's mailbox.
GREENMAIL_ANY_PASSWORD = "greenmail-accepts-any-password"


class StackDiscoveryError(Exception):
    """The reference stack could not be asked, or its answer could not be understood."""


class StackNotRunning(StackDiscoveryError):
    """`uat stack status --json` answered, but the stack is not running."""


@dataclass(frozen=True)
class SeedUser:
    email: str
    password: Secret
    totp_secret: Secret
    roles: Mapping[str, tuple[str, ...]]
    organizations: tuple[str, ...]


@dataclass(frozen=True)
class GreenMailEndpoint:
    imap_host: str
    imap_port: int
    smtp_port: int
    api_url: str


@dataclass(frozen=True)
class StackStatus:
    """The parts of `uat stack status --json` the suite relies on."""

    keycloak_url: str
    realm: str
    admin_username: str
    admin_password: Secret
    apps_base_url: str
    mail_backend: str
    mailpit_url: str | None
    greenmail: GreenMailEndpoint | None
    seed_users: tuple[SeedUser, ...]
    realm_display_name: str | None
    healthy: bool | None


def uat_command() -> str:
    """The `uat` script next to this interpreter, else the one on PATH."""
    beside_python = Path(sys.executable).parent / "uat"
    if beside_python.is_file():
        return str(beside_python)
    on_path = shutil.which("uat")
    if on_path:
        return on_path
    raise StackDiscoveryError(
        f"cannot find the `uat` command (looked in {beside_python.parent} and on PATH); "
        "install the project (`pip install -e .`) or set the UAT_* values explicitly"
    )


def _run_status(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=STATUS_TIMEOUT_S, check=False)


# One answer per process, and one per run: xdist workers get the controller's answer (see fixtures.run), so a run
# starts `uat stack status` once (each start costs a Python start-up and a health check of every service).
_answer: dict[str, Any] | None = None


def shared_answer() -> dict[str, Any] | None:
    """The JSON document this process read from `uat stack status --json`, to hand to the run's workers."""
    return _answer


def adopt_answer(payload: Mapping[str, Any]) -> None:
    """Use an answer read by another process of the same run (the xdist controller) instead of asking again."""
    global _answer
    parse_stack_status(payload)  # a document that does not parse is not adopted
    _answer = dict(payload)


def forget_answer() -> None:
    """After the stack was started or stopped, the next read asks again."""
    global _answer
    _answer = None


def read_stack_status(runner: StatusRunner | None = None) -> StackStatus:
    """Ask the reference stack what runs where (once per run, unless `runner` replaces the command). Raises
    `StackNotRunning` or `StackDiscoveryError`."""
    global _answer
    if runner is None and _answer is not None:
        return parse_stack_status(_answer)
    command = [uat_command() if runner is None else "uat", "stack", "status", "--json"]
    run = runner or _run_status
    try:
        completed = run(command)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StackDiscoveryError(f"`{' '.join(command[1:])}` could not run: {exc}") from exc
    if completed.returncode != 0:
        said = (completed.stderr or completed.stdout or "").strip().splitlines()[-3:]
        raise StackNotRunning(
            f"`uat stack status --json` exited with {completed.returncode}: {' / '.join(said) or 'no output'}"
        )
    try:
        payload = json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise StackDiscoveryError(f"`uat stack status --json` did not print JSON: {exc}") from exc
    status = parse_stack_status(payload)
    if runner is None and status.healthy:
        _answer = payload  # a stack that is not healthy yet is asked again next time
    return status


def parse_stack_status(payload: Mapping[str, Any]) -> StackStatus:
    """Validate and type the JSON document; a missing key is a clear error, not a KeyError later."""
    if payload.get("running") is False:
        raise StackNotRunning("`uat stack status --json` reports running=false")
    try:
        keycloak = payload["keycloak"]
        greenmail_raw = payload.get("greenmail")
        mailpit_raw = payload.get("mailpit") or {}
        greenmail = (
            GreenMailEndpoint(
                imap_host=str(greenmail_raw["imap_host"]),
                imap_port=int(greenmail_raw["imap_port"]),
                smtp_port=int(greenmail_raw["smtp_port"]),
                api_url=str(greenmail_raw["api_url"]),
            )
            if greenmail_raw
            else None
        )
        seed_users = tuple(_seed_user(raw) for raw in payload.get("seed_users") or ())
        return StackStatus(
            keycloak_url=str(keycloak["url"]),
            realm=str(keycloak["realm"]),
            admin_username=str(keycloak["admin_username"]),
            admin_password=Secret(str(keycloak["admin_password"])),
            apps_base_url=str(payload["apps"]["base_url"]),
            mail_backend=str(payload.get("mail_backend") or "mailpit"),
            mailpit_url=str(mailpit_raw["url"]) if mailpit_raw.get("url") else None,
            greenmail=greenmail,
            seed_users=seed_users,
            realm_display_name=payload.get("realm_display_name"),
            healthy=payload.get("healthy"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StackDiscoveryError(f"`uat stack status --json` lacks or mangles {exc}") from exc


def _seed_user(raw: Mapping[str, Any]) -> SeedUser:
    totp_secret = Secret(str(raw["totp_secret"]))
    register_totp_secret(totp_secret)
    return SeedUser(
        email=str(raw["email"]),
        password=Secret(str(raw["password"])),
        totp_secret=totp_secret,
        roles={client: tuple(roles) for client, roles in (raw.get("roles") or {}).items()},
        organizations=tuple(raw.get("organizations") or ()),
    )


def config_values(status: StackStatus) -> dict[str, Any]:
    """The configuration fields (UatConfig names) that the running stack determines."""
    base = status.apps_base_url.rstrip("/")
    values: dict[str, Any] = {
        "keycloak_url": status.keycloak_url,
        "realm": status.realm,
        "keycloak_admin_username": status.admin_username,
        "keycloak_admin_password": status.admin_password,
        "portal_url": f"{base}/portal",
        "famhp_connect_url": f"{base}/famhp-connect",
        "vamreg_url": f"{base}/vamreg",
        "api_url": f"{base}/api/v1",
        "mail_backend": status.mail_backend,
    }
    if status.realm_display_name:
        values["authenticator_issuer"] = status.realm_display_name
    if status.mailpit_url:
        values["mailpit_url"] = status.mailpit_url
    if status.mail_backend == "imap" and status.greenmail is not None:
        values.update(
            imap_host=status.greenmail.imap_host,
            imap_port=status.greenmail.imap_port,
            imap_security="none",  # loopback only; GreenMail's plain IMAP port
            imap_user="{address}",  # GreenMail keeps one mailbox per address
            imap_password=Secret(GREENMAIL_ANY_PASSWORD),
        )
    if status.seed_users:
        admin = status.seed_users[0]
        values.update(
            org_admin_email=admin.email,
            org_admin_password=admin.password,
            org_admin_totp_secret=admin.totp_secret,
            # every seeded administrator: each shard or worker signs in as its own
            org_admins=tuple(OrgAdmin(user.email, user.password, user.totp_secret) for user in status.seed_users),
        )
    return values


# Every run that uses the reference stack holds this lock shared while it runs; a run that started the stack leaves
# the marker, and the last run out stops such a stack (never one started by hand). So shards started together on
# one machine share one stack, and the first one to finish does not stop it under the others.
_UP_LOCK, _USERS_LOCK, _AUTO_STARTED = "up.lock", "users.lock", "auto-started"


@dataclass
class StackUse:
    """This run's share of the reference stack (a shared lock held until `leave_reference_stack`)."""

    handle: IO[str]
    started: bool  # this run started it


def use_reference_stack(mail_backend: str) -> StackUse:
    """`uat stack up` unless the stack is healthy already; one process at a time starts it (a file lock). Raises
    StackDiscoveryError when it does not start."""
    STACK_STATE.mkdir(parents=True, exist_ok=True)
    with (STACK_STATE / _UP_LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        users = (STACK_STATE / _USERS_LOCK).open("a")
        try:
            healthy = read_stack_status().healthy
        except StackDiscoveryError:
            healthy = False
        if healthy and not _in_use(users):
            (STACK_STATE / _AUTO_STARTED).unlink(missing_ok=True)  # a marker no run holds: the stack runs by hand
        if not healthy:
            forget_answer()
            print(f"\nstarting the reference stack (mail backend {mail_backend}); the last run to finish stops it "
                  "(or `uat stack down`)", flush=True)  # fmt: skip
            if subprocess.run([uat_command(), "stack", "up", "--mail", mail_backend], check=False).returncode != 0:
                users.close()
                raise StackDiscoveryError("the reference stack did not start (see above)")
            (STACK_STATE / _AUTO_STARTED).touch()
        fcntl.flock(users, fcntl.LOCK_SH)
        return StackUse(users, started=not healthy)


def _in_use(users: IO[str]) -> bool:
    try:
        fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(users, fcntl.LOCK_UN)
    return False


def leave_reference_stack(use: StackUse) -> None:
    """Give up this run's share; the last run out stops a stack that a run started, and says when others remain."""
    use.handle.close()
    with (STACK_STATE / _UP_LOCK).open("w") as lock, (STACK_STATE / _USERS_LOCK).open("a") as users:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (STACK_STATE / _AUTO_STARTED).exists():
            return
        if _in_use(users):
            print("the reference stack stays up: other runs on this machine still use it", flush=True)
            return
        (STACK_STATE / _AUTO_STARTED).unlink(missing_ok=True)
        stop_reference_stack()


def stop_reference_stack() -> None:
    """`uat stack down`: leave the machine as the run found it."""
    forget_answer()
    subprocess.run([uat_command(), "stack", "down"], check=False)
