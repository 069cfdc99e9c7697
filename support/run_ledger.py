"""The run's id and its ledger. Every address, API key and (through its address) mail a run makes is written down
before it exists, one JSON line per thing, in a file per process under .uat/runs/<run id>/ that the process holds
locked while it lives: a SIGKILL leaves the file unlocked and complete, so `uat cleanup` (or the next run) knows the
run is dead and what to sweep. The run id is also part of every address and key name, which lets a deployment be
swept without the ledger (`uat cleanup --older-than`)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import socket
import string
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from support.paths import UAT_STATE

RUN_ID_ENV = "UAT_RUN_ID"
RUNS_DIR_ENV = "UAT_RUNS_DIR"
_ALPHABET = string.digits + string.ascii_lowercase
# uat-<start time in base-36 seconds>-<4 random>: what marks a run's users, keys and mails wherever they are
RUN_ID = re.compile(r"\buat-([0-9a-z]{6})-([0-9a-z]{4})\b")

ADDRESS = "address"  # an e-mail address handed out: a user and mails may follow
API_KEY = "api_key"  # an API key about to be saved
USER_REMOVED = "user_removed"
API_KEY_REVOKED = "api_key_revoked"
HEADER = "run"


def _base36(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = _ALPHABET[digit] + digits
    return digits or "0"


def new_run_id(now: float | None = None) -> str:
    started = int(time.time() if now is None else now)
    return f"uat-{_base36(started).rjust(6, '0')[-6:]}-{''.join(secrets.choice(_ALPHABET) for _ in range(4))}"


_process_run_id: str | None = None


def current_run_id() -> str:
    """This run's id: UAT_RUN_ID (a run's workers inherit it; CI may set it), else one for this process."""
    global _process_run_id
    given = os.environ.get(RUN_ID_ENV, "").strip().lower()
    if RUN_ID.fullmatch(given):
        return given
    if _process_run_id is None:
        _process_run_id = new_run_id()
    return _process_run_id


def export_run_id() -> str:
    """Make this process's run id the environment's, for the processes it starts (pytest-xdist's workers)."""
    run_id = os.environ[RUN_ID_ENV] = current_run_id()
    return run_id


def started_at(run_id: str) -> datetime | None:
    """When the run with this id started (the id says it), or None for text that is no run id."""
    found = RUN_ID.search(run_id)
    return datetime.fromtimestamp(int(found.group(1), 36), UTC) if found else None


def runs_dir(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get(RUNS_DIR_ENV) or UAT_STATE / "runs")


# ---- writing: one ledger per process ----------------------------------------------------------------------------
class RunLedger:
    """One process's ledger file, locked while the process lives; each record is one append of one line."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor = descriptor
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: Path, run_id: str, process: str, target: Mapping[str, str]) -> RunLedger:
        folder = directory / run_id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{process}-{os.getpid()}.jsonl"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh file: nobody else holds it
        ledger = cls(path, descriptor)
        ledger.record(
            HEADER, run_id=run_id, process=process, pid=os.getpid(), host=socket.gethostname(), target=dict(target)
        )
        return ledger

    def record(self, kind: str, **fields: Any) -> None:
        line = json.dumps({"kind": kind, "at": datetime.now(UTC).isoformat(timespec="seconds"), **fields}) + "\n"
        with self._lock:  # one write() per line on an O_APPEND file: a kill leaves whole lines
            os.write(self._descriptor, line.encode("utf-8"))

    def close(self, *, delete: bool) -> None:
        """Release the lock; `delete` when everything it lists is gone from the target."""
        if delete:
            self.path.unlink(missing_ok=True)
            _remove_if_empty(self.path.parent)
        os.close(self._descriptor)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # other processes of the run still write there
        folder.rmdir()


_current: RunLedger | None = None


def open_ledger(directory: Path, run_id: str, process: str, target: Mapping[str, str]) -> RunLedger:
    global _current
    _current = RunLedger.open(directory, run_id, process, target)
    return _current


def current_ledger() -> RunLedger | None:
    return _current


def close_ledger(*, delete: bool) -> None:
    global _current
    if _current is not None:
        _current.close(delete=delete)
        _current = None


def record(kind: str, **fields: Any) -> None:
    """Note what this run is about to create or has removed; nothing outside a run's scenarios keeps a ledger."""
    if _current is not None:
        _current.record(kind, **fields)


# ---- reading: what a ledger says is still out there ----------------------------------------------------------
@dataclass(frozen=True)
class ApiKeyEntry:
    name: str
    organisation: str
    creator: str


@dataclass
class LedgerContents:
    """What one ledger file lists, with what the run itself already removed taken off."""

    path: Path
    run_id: str
    process: str
    target: dict[str, str]
    addresses: list[str] = field(default_factory=list)
    removed_users: set[str] = field(default_factory=set)
    api_keys: list[ApiKeyEntry] = field(default_factory=list)
    revoked_keys: set[tuple[str, str]] = field(default_factory=set)

    @property
    def users_to_check(self) -> list[str]:
        return [address for address in self.addresses if address not in self.removed_users]

    @property
    def keys_to_check(self) -> list[ApiKeyEntry]:
        return [key for key in self.api_keys if (key.name, key.organisation) not in self.revoked_keys]

    @classmethod
    def read(cls, path: Path) -> LedgerContents:
        contents = cls(path, run_id=path.parent.name, process=path.stem, target={})
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a full disk: the others still count
            contents._add(entry)
        return contents

    def _add(self, entry: Mapping[str, Any]) -> None:
        kind = entry.get("kind")
        if kind == HEADER:
            self.target = dict(entry.get("target") or {})
        elif kind == ADDRESS and entry.get("address") not in self.addresses:
            self.addresses.append(str(entry["address"]))
        elif kind == USER_REMOVED:
            self.removed_users.add(str(entry.get("address", "")))
        elif kind == API_KEY:
            self.api_keys.append(
                ApiKeyEntry(str(entry["name"]), str(entry["organisation"]), str(entry.get("creator", "")))
            )
        elif kind == API_KEY_REVOKED:
            self.revoked_keys.add((str(entry.get("name", "")), str(entry.get("organisation", ""))))


def is_held(path: Path) -> bool:
    """Whether a living process still holds this ledger (its run is not over)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def dead_ledgers(directory: Path) -> Iterator[Path]:
    """Ledger files no living process holds: their runs were killed, or ended with something left."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*/*.jsonl")):
        if not is_held(path):
            yield path


def live_run_ids(directory: Path) -> set[str]:
    if not directory.is_dir():
        return set()
    return {path.parent.name for path in directory.glob("*/*.jsonl") if is_held(path)}


def forget(path: Path) -> None:
    """A swept ledger: nothing it lists is left."""
    path.unlink(missing_ok=True)
    _remove_if_empty(path.parent)
