"""Which TOTP time steps were used, per key: in one process, or shared by every worker and run on this machine
(a JSON file under a file lock). Keycloak refuses a code it has seen, whoever typed it."""

from __future__ import annotations

import fcntl
import hashlib
import json
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support.config import UatConfig
    from support.secrets import Secret


class StepLedger:
    """The last time step handed out per TOTP key, for this process."""

    def __init__(self) -> None:
        self._steps: dict[str, int] = {}
        self._lock = threading.RLock()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Read-choose-record happens inside this block, so two callers never choose the same step."""
        with self._lock:
            yield

    def last_step(self, key: str) -> int | None:
        return self._steps.get(key)

    def record(self, key: str, step: int) -> None:
        self._steps[key] = step


class SharedStepLedger(StepLedger):
    """A ledger in a JSON file under an exclusive file lock, for accounts that several worker processes
    use at once (the seed organisation administrator): the server refuses a code used by another worker.
    Keys are hashes of the TOTP keys, never the keys themselves."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    @contextmanager
    def holding(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path.with_suffix(".lock"), "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                self._steps = json.loads(self.path.read_text()) if self.path.exists() else {}
                yield
                self.path.write_text(json.dumps(self._steps))
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


PROCESS_LEDGER = StepLedger()


def ledger_key(secret: Secret) -> str:
    return hashlib.sha256(b"famhp-uat-totp-step:" + secret.reveal().encode()).hexdigest()[:32]


def shared_step_ledger(config: UatConfig) -> SharedStepLedger:
    """The used-time-step record of accounts that every process of every run shares (the organisation
    administrator): a file under the temp directory, one per Keycloak and realm."""
    key = hashlib.sha256(f"{config.keycloak_url}|{config.realm}".encode()).hexdigest()[:16]
    return SharedStepLedger(Path(tempfile.gettempdir()) / "famhp-uat" / f"otp-steps-{key}.json")
