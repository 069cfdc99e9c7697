"""Holds a freshly created API-key secret in process memory until its one and only display.

It never touches the database (only the hash does), so the secret cannot linger in the SQLite file.
"""

from __future__ import annotations

import threading
import time

_LIFETIME_SECONDS = 600.0


class OneTimeSecrets:
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def keep(self, owner: str, key_id: str, secret: str) -> None:
        with self._lock:
            self._drop_stale()
            self._items[(owner, key_id)] = (secret, time.monotonic() + _LIFETIME_SECONDS)

    def take(self, owner: str, key_id: str) -> str | None:
        """The secret, once; later calls (reload, revisit, another user) get None."""
        with self._lock:
            self._drop_stale()
            item = self._items.pop((owner, key_id), None)
        return item[0] if item else None

    def _drop_stale(self) -> None:
        now = time.monotonic()
        for key in [key for key, (_, expires) in self._items.items() if expires <= now]:
            del self._items[key]
