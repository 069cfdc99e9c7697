"""Rate limits in process memory: at most N requests per key (a user, an API key, a client address) in a sliding
window of S seconds. One app process serves the reference stack, so memory is the whole truth; a deployment with
several instances would keep the counters in a shared store."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from stack.apps.web.refusals import RateLimited

_FORGET_AFTER = 10_000  # keys tracked before idle ones are dropped, so random keys cannot grow memory for ever


class RateLimit:
    """A sliding-window limit: ``hit(key)`` counts one request and raises RateLimited once ``count`` requests of
    ``key`` fall within the last ``per_seconds`` seconds; ``check(key)`` raises the same without counting."""

    def __init__(self, what: str, count: int, per_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.count = count
        self.per_seconds = per_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> None:
        self._recent(key, self._clock())

    def hit(self, key: str) -> None:
        now = self._clock()
        self._recent(key, now).append(now)
        if len(self._hits) > _FORGET_AFTER:
            self._forget_idle(now)

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's hits within the window; RateLimited when they are as many as the limit allows."""
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.per_seconds:
            hits.popleft()
        if len(hits) >= self.count:
            raise RateLimited(self.what, max(1, math.ceil(hits[0] + self.per_seconds - now)))
        return hits

    def _forget_idle(self, now: float) -> None:
        idle = [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.per_seconds]
        for key in idle:
            del self._hits[key]


class RateLimits:
    """The limits of the running apps: invitations per user manager, API calls per key and failed API calls per
    client address (someone guessing keys)."""

    def __init__(self, invitations: tuple[int, int], api_key: tuple[int, int], api_failures: tuple[int, int]) -> None:
        self.invitations = RateLimit("invitations", *invitations)
        self.api_key = RateLimit("calls with this API key", *api_key)
        self.api_failures = RateLimit("calls with an unknown or revoked API key", *api_failures)
