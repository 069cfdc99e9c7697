"""When each API key was last used, written off the request path: the API only notes the moment (in memory), one
writer thread stores the newest moment of every noted key in one transaction, and the page that shows the moments
writes what is pending first. A synchronous SQLite commit per API call on the event loop would otherwise serve
concurrent callers one after another, and a commit per call costs more CPU than the call itself."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from stack.apps.models import ApiKey

log = logging.getLogger(__name__)
STOP_TIMEOUT_S = 10.0
WRITE_INTERVAL_S = 1.0


class LastUsed:
    def __init__(self, db: sessionmaker[Session]) -> None:
        self._db = db
        self._pending: dict[str, datetime] = {}
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()  # a reader's flush waits for a write in progress
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._writer = threading.Thread(target=self._run, name="api-key-last-used", daemon=True)
        self._writer.start()

    def note(self, key_id: str, moment: datetime) -> None:
        """The key was used at `moment`; stored soon, and before any `flush()` returns."""
        with self._pending_lock:
            if key_id not in self._pending or self._pending[key_id] < moment:
                self._pending[key_id] = moment
        self._wake.set()

    def flush(self) -> None:
        """Store every moment noted so far (one transaction); returns once they are in the database."""
        with self._write_lock:
            with self._pending_lock:
                pending, self._pending = self._pending, {}
            if not pending:
                return
            with self._db.begin() as db:
                for key_id, moment in pending.items():
                    db.execute(
                        update(ApiKey)
                        .where(ApiKey.id == key_id, or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < moment))
                        .values(last_used_at=moment)
                    )

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait()  # until a key is noted or close() is called: no polling
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the next note or the page's own flush tries again
                log.exception("could not store when API keys were last used")
            # what is noted meanwhile goes in the next transaction: under load one commit per interval, not one
            # per call (the API Keys list flushes first, so it never shows an older moment)
            self._stopped.wait(WRITE_INTERVAL_S)

    def close(self) -> None:
        self._stopped.set()
        self._wake.set()
        self._writer.join(timeout=STOP_TIMEOUT_S)
        self.flush()
