"""Waits until services answer their health checks, with progress and a deadline; names what never came up."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from stack.errors import StackError
from stack.process import Launched, is_ours, log_tail


@dataclass(frozen=True)
class HealthCheck:
    service: str
    urls: tuple[str, ...]  # every URL must answer 2xx

    def passes(self) -> bool:
        return all(_answers(url) for url in self.urls)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until_healthy(
    checks: list[HealthCheck],
    processes: dict[str, Launched],
    timeout_s: float,
    log: Callable[[str], None],
    poll_s: float = 0.25,
) -> dict[str, float]:
    """Returns seconds-to-healthy per service; raises StackError naming the service and its log tail."""
    started = time.monotonic()
    deadline = started + timeout_s
    pending = {check.service: check for check in checks}
    ready: dict[str, float] = {}
    last_report = started
    while pending:
        for name, check in list(pending.items()):
            launched = processes.get(name)
            if launched is not None and not is_ours(launched):
                raise StackError(
                    f"{name} exited while starting. Last lines of {launched.log}:\n{log_tail(launched.log)}"
                )
            if check.passes():
                ready[name] = time.monotonic() - started
                log(f"{name} is healthy after {ready[name]:.1f} s")
                del pending[name]
        if not pending:
            break
        now = time.monotonic()
        if now > deadline:
            name, check = next(iter(pending.items()))
            where = processes[name].log if name in processes else "(no log)"
            raise StackError(
                f"{name} did not become healthy within {timeout_s:.0f} s (waited for {', '.join(check.urls)}). "
                f"Last lines of {where}:\n{log_tail(where)}"
            )
        if now - last_report >= 5:
            last_report = now
            waiting = ", ".join(pending)
            log(f"waiting for {waiting} … {now - started:.0f} s of {timeout_s:.0f} s")
            sys.stdout.flush()
        time.sleep(poll_s)  # poll interval of a deadline-bound health loop
    return ready
