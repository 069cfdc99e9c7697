"""Who calls the FAMHP Connect API: the active key behind a secret. Looked up in the database (the caller runs that
in a thread), then answered from memory for a few seconds or until the key is revoked, and every call noted for
"last used" (services/last_used.py). So the API's event loop never waits for the database, and a burst of calls with
one key costs one database read. The database stays the truth: a key changed behind the app's back (a test's
clean-up) is read again after REMEMBERED_S."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from stack.apps.models import utcnow
from stack.apps.services import api_keys
from stack.apps.services.last_used import LastUsed

REMEMBERED_S = 10.0


@dataclass(frozen=True)
class Caller:
    key_id: str
    name: str
    prefix: str
    organization_id: str
    organization_name: str


class ApiCallers:
    def __init__(self, db: sessionmaker[Session], last_used: LastUsed) -> None:
        self._db = db
        self._last_used = last_used
        self._active: dict[str, tuple[Caller, float]] = {}  # by the hash of the secret: the caller, until when
        self._lock = threading.Lock()
        self._revocations = 0  # a look-up that saw a revocation happen meanwhile keeps nothing

    def known(self, secret: str) -> Caller | None:
        """The caller from memory (no database work), or None: then `look_up` in a thread."""
        remembered = self._active.get(api_keys.hash_secret(secret))
        if remembered is None or remembered[1] < time.monotonic():
            return None
        return remembered[0]

    def look_up(self, secret: str) -> Caller | None:
        """The active key with this secret from the database (blocking); None for unknown and revoked keys."""
        revocations = self._revocations
        with self._db() as db:
            key = api_keys.authenticate(db, secret)
            if key is None:
                return None
            caller = Caller(key.id, key.name, key.prefix, key.organization_id, key.organization_name)
            secret_hash = key.secret_hash
        with self._lock:
            if self._revocations == revocations:
                self._active[secret_hash] = (caller, time.monotonic() + REMEMBERED_S)
        return caller

    def revoked(self, secret_hash: str) -> None:
        """Called once the revocation is committed: the key is refused from the next call on."""
        with self._lock:
            self._revocations += 1
            self._active.pop(secret_hash, None)

    def used(self, caller: Caller) -> None:
        self._last_used.note(caller.key_id, utcnow())
