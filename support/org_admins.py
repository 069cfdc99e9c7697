"""Which organisation administrator this process signs in as, and when. Keycloak refuses a one-time code it has
seen and locks an account that signs in twice within its quick-login window (brute-force detection), so every
shard and worker takes its own administrator from the profile's list (UAT_ORG_ADMINS): shard i of N, worker k of
W prefers administrator (i-1)*W + k, which no other shard prefers when the list is long enough, even on another
machine. On one machine a lease (a file lock held for the process's life) keeps two processes from taking the
same one; when there are fewer administrators than processes, they share, and their sign-ins take turns."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from support.config.model import OrgAdmin, env_name

log = logging.getLogger(__name__)

# Keycloak's default quickLoginCheckMilliSeconds is 1000: two sign-ins of one account closer than that lock it for
# minimumQuickLoginWaitSeconds. Sign-ins of a shared administrator on this machine keep this far apart.
SIGN_IN_SPACING_S = 1.5
TURN_DEADLINE_S = 120.0  # another process's sign-in never holds the turn this long; past it something is stuck
_POLL_S = 0.05


@dataclass(frozen=True)
class Slot:
    """This process's place among every process of the run: shard (1-based) of shards, worker (0-based) of
    workers."""

    shard: int = 1
    shards: int = 1
    worker: int = 0
    workers: int = 1

    @property
    def index(self) -> int:
        return (self.shard - 1) * self.workers + self.worker

    @property
    def count(self) -> int:
        return self.shards * self.workers

    def describe(self) -> str:
        parts = []
        if self.shards > 1:
            parts.append(f"shard {self.shard}/{self.shards}")
        if self.workers > 1:
            parts.append(f"worker {self.worker + 1}/{self.workers}")
        return ", ".join(parts) or "the only process"


def slot_of(shard: int | None, shards: int | None, worker_id: str | None, workers: int | None) -> Slot:
    """From pytest-split's --group/--splits and pytest-xdist's worker id ("gw3") and worker count."""
    worker = int(worker_id.removeprefix("gw")) if worker_id and worker_id.startswith("gw") else 0
    return Slot(shard or 1, shards or 1, worker, workers or 1)


def _lock_dir(scope: str) -> Path:
    """Machine-wide: every checkout and run on this machine that targets the same Keycloak realm meets here."""
    directory = Path(tempfile.gettempdir()) / "famhp-uat" / f"org-admins-{scope}"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _file_key(admin: OrgAdmin) -> str:
    return hashlib.sha256(admin.email.lower().encode()).hexdigest()[:16]


@dataclass
class AdminLease:
    """The administrator this process signs in as; `shared` when another process on this machine (or another
    shard elsewhere) may sign in as the same one. The lease ends with the process (the kernel drops the lock)."""

    admin: OrgAdmin
    slot: Slot
    shared: bool
    lock_dir: Path
    _handle: IO[str] | None = field(default=None, repr=False)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    @contextmanager
    def sign_in_turn(self, deadline_s: float = TURN_DEADLINE_S) -> Iterator[None]:
        """Holds this administrator's sign-in turn on this machine, at least SIGN_IN_SPACING_S after the previous
        sign-in ended, and records when this one ended."""
        base = self.lock_dir / _file_key(self.admin)
        started = time.monotonic()
        with open(base.with_suffix(".turn"), "a") as turn:
            while True:
                try:
                    fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() - started > deadline_s:
                        raise TimeoutError(
                            f"another process on this machine held the sign-in turn of {self.admin.email} for more "
                            f"than {deadline_s:.0f} s ({base.with_suffix('.turn')})"
                        ) from None
                    time.sleep(_POLL_S)
            try:
                last = _last_sign_in(base.with_suffix(".last"))
                ready_at = last + SIGN_IN_SPACING_S
                if ready_at > time.time():
                    log.info("%s signed in %.1f s ago elsewhere: waiting out the quick-login window",
                             self.admin.email, time.time() - last)  # fmt: skip
                while time.time() < ready_at:  # a wall-clock moment another process recorded, not a fixed pause
                    time.sleep(min(_POLL_S, max(ready_at - time.time(), 0)))
                yield
            finally:
                base.with_suffix(".last").write_text(json.dumps({"at": time.time()}))
                fcntl.flock(turn, fcntl.LOCK_UN)


def _last_sign_in(path: Path) -> float:
    try:
        return float(json.loads(path.read_text())["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def lease_org_admin(pool: Sequence[OrgAdmin], slot: Slot, scope: str) -> AdminLease:
    """This process's administrator: the slot's own when it is free on this machine, else the next free one,
    else (every one taken here) the slot's own, shared. `scope` names the Keycloak realm (lock files are
    per realm)."""
    if not pool:
        raise ValueError(
            f"no organisation administrator is configured: set {env_name('org_admins')} (one per shard or worker) or "
            f"{env_name('org_admin_email')}, {env_name('org_admin_password')} and "
            f"{env_name('org_admin_totp_secret')}"
        )
    lock_dir = _lock_dir(scope)
    preferred = slot.index % len(pool)
    too_few = len(pool) < slot.count
    for offset in range(len(pool)):
        admin = pool[(preferred + offset) % len(pool)]
        handle = open(lock_dir / f"{_file_key(admin)}.lease", "a")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        if too_few:
            log.warning(
                "%d organisation administrators for %d processes (%d shards x %d workers): %s shares %s with "
                "another shard; set more in %s to keep brute-force detection from locking it",
                len(pool), slot.count, slot.shards, slot.workers, slot.describe(), admin.email,
                env_name("org_admins"),
            )  # fmt: skip
        return AdminLease(admin, slot, too_few, lock_dir, handle)
    admin = pool[preferred]
    log.warning(
        "every one of the %d organisation administrators is taken by another process on this machine: %s shares "
        "%s; its sign-ins take turns", len(pool), slot.describe(), admin.email,
    )  # fmt: skip
    return AdminLease(admin, slot, True, lock_dir)
