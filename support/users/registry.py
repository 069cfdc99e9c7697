"""Everything a run creates, registered at creation with how to remove it (or why it cannot be); and the users
one scenario created, removed when it ends."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from support import run_ledger

if TYPE_CHECKING:
    from support.users.model import TestUser
    from support.users.providers.base import UserProvider

log = logging.getLogger(__name__)

Remover = Callable[[], object]


@dataclass(frozen=True)
class _Created:
    email: str
    remove: Remover | None
    why_kept: str


@dataclass
class CleanupReport:
    removed: list[str] = field(default_factory=list)
    left_behind: list[str] = field(default_factory=list)  # "<email>: <why>"
    failed: list[str] = field(default_factory=list)  # "<email>: <error>"

    @property
    def clean(self) -> bool:
        return not self.left_behind and not self.failed


class UserRegistry:
    """Everything a run creates, registered at creation with how to remove it (or why it cannot be).
    `cleanup()` removes in reverse order, keeps going past failures and says what is left behind."""

    def __init__(self) -> None:
        self._created: list[_Created] = []
        self._lock = threading.Lock()

    def register(self, email: str, remove: Remover | None, *, why_kept: str = "") -> None:
        with self._lock:
            self._created.append(_Created(email, remove, why_kept or "no way to remove it is configured"))

    def forget(self, email: str) -> None:
        """Drop an entry (the user was removed by the scenario itself)."""
        run_ledger.record(run_ledger.USER_REMOVED, address=email.lower())
        with self._lock:
            self._created = [entry for entry in self._created if entry.email.lower() != email.lower()]

    @property
    def pending(self) -> list[str]:
        with self._lock:
            return [entry.email for entry in self._created]

    def cleanup(self) -> CleanupReport:
        with self._lock:
            entries, self._created = list(reversed(self._created)), []
        report = CleanupReport()
        for entry in entries:
            if entry.remove is None:
                report.left_behind.append(f"{entry.email}: {entry.why_kept}")
                continue
            try:
                entry.remove()
            except Exception as exc:  # one failed removal must not keep the others
                report.failed.append(f"{entry.email}: {exc}")
            else:
                report.removed.append(entry.email)
                run_ledger.record(run_ledger.USER_REMOVED, address=entry.email.lower())
        if report.removed:
            log.info("removed %d test user(s): %s", len(report.removed), ", ".join(report.removed))
        for line in report.left_behind:
            log.warning("test user left behind (remove it by hand): %s", line)
        for line in report.failed:
            log.error("could not remove test user: %s", line)
        return report


class ScenarioUsers:
    """The users one scenario created; removed when the scenario ends (the session cleanup is a safety net)."""

    def __init__(self) -> None:
        self._created: list[tuple[UserProvider, TestUser]] = []

    def add(self, provider: UserProvider, user: TestUser) -> TestUser:
        self._created.append((provider, user))
        return user

    def remove_all(self) -> None:
        for provider, user in reversed(self._created):
            if provider.can_delete:
                try:
                    provider.delete(user)
                except Exception as exc:  # the session cleanup retries; the scenario result stands
                    log.warning("could not remove %s: %s", user.email, exc)
