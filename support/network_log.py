"""What a scenario's browser saw on the network: requests that failed (refused, reset, timed out), answers with a
server error, and requests still in flight. This is the evidence that tells an environment fault (Keycloak did not
answer) from a product failure (FAMHP Connect answered 500) and from a slow target (still loading at the deadline)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Request, Response

from support.secrets import mask_text

BODY_SHOWN = 2000
# what a user's action loads; a failed image or style sheet alone does not decide a verdict
MAIN_RESOURCES = ("document", "xhr", "fetch")


@dataclass(frozen=True)
class FailedRequest:
    method: str
    url: str
    error: str  # Chromium's reason, e.g. net::ERR_CONNECTION_REFUSED
    resource_type: str
    at: float  # monotonic


@dataclass(frozen=True)
class ServerError:
    method: str
    url: str
    status: int
    status_text: str
    resource_type: str
    at: float
    response: Response = field(compare=False, repr=False)

    def body(self, limit: int = BODY_SHOWN) -> str:
        """The start of what the server answered, secrets masked (the body stays readable while the page lives)."""
        try:
            text = self.response.text()
        except Exception as error:  # the page or context is gone
            return f"(the body could not be read: {error})"
        return mask_text(text[:limit] + ("…" if len(text) > limit else ""))

    def headline(self) -> str:
        base, question, _ = self.url.partition("?")
        return f"HTTP {self.status} {self.status_text}".rstrip() + f" to {self.method} {base}{'?…' if question else ''}"


@dataclass(frozen=True)
class InFlight:
    method: str
    url: str
    resource_type: str
    age_s: float


class NetworkLog:
    """Listens to one or more browser contexts; cheap enough to run for every scenario."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.failed: list[FailedRequest] = []
        self.server_errors: list[ServerError] = []
        self._started: dict[Request, float] = {}
        self._watched: set[int] = set()

    def watch(self, context: BrowserContext) -> None:
        if id(context) in self._watched:
            return
        self._watched.add(id(context))
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_done)
        context.on("requestfailed", self._on_failed)
        context.on("response", self._on_response)

    def _on_request(self, request: Request) -> None:
        if request.url.startswith(("http://", "https://")):
            self._started[request] = self._clock()

    def _on_done(self, request: Request) -> None:
        self._started.pop(request, None)

    def _on_failed(self, request: Request) -> None:
        self._started.pop(request, None)
        error = request.failure or "failed"
        if "ERR_ABORTED" in error:  # the page navigated on before it loaded: not a fault
            return
        self.failed.append(FailedRequest(request.method, request.url, error, request.resource_type, self._clock()))

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            request = response.request
            self.server_errors.append(
                ServerError(
                    request.method,
                    response.url,
                    response.status,
                    response.status_text,
                    request.resource_type,
                    self._clock(),
                    response,
                )
            )

    def in_flight(self) -> list[InFlight]:
        """Requests sent and not yet answered, oldest first."""
        now = self._clock()
        pending = [
            InFlight(request.method, request.url, request.resource_type, now - started)
            for request, started in self._started.items()
        ]
        return sorted(pending, key=lambda item: item.age_s, reverse=True)
