"""A fault switch of the reference apps, for the suite's fault-injection tests: while the switch file lists a route,
the apps answer it with that server error. The switch is a file in the stack's state folder (`uat stack fault`
writes it), never a network endpoint, so only who runs the stack can flip it; without a file nothing changes."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from http import HTTPStatus
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InjectedFault:
    method: str  # GET, POST, … or * for any
    path: str  # exact path, e.g. /famhp-connect/apikeys
    status: int = 500

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and self.path == path


def read_faults(path: Path) -> list[InjectedFault]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [InjectedFault(str(e["method"]).upper(), str(e["path"]), int(e.get("status", 500))) for e in entries]


def write_faults(path: Path, faults: list[InjectedFault]) -> None:
    """Replaced atomically: the apps never read half a switch."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps([asdict(fault) for fault in faults]), encoding="utf-8")
    partial.replace(path)


class FaultSwitch:
    """ASGI middleware: answers a switched route with its status before any route runs."""

    def __init__(self, app: ASGIApp, switch_file: str) -> None:
        self.app = app
        self._file = Path(switch_file) if switch_file else None
        self._seen: tuple[float, list[InjectedFault]] = (0.0, [])

    def _faults(self) -> list[InjectedFault]:
        assert self._file is not None
        try:
            changed = self._file.stat().st_mtime
        except FileNotFoundError:
            return []
        if changed != self._seen[0]:  # one stat per request; read again only when the switch changed
            self._seen = (changed, read_faults(self._file))
        return self._seen[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._file is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fault = next((f for f in self._faults() if f.matches(scope["method"], scope["path"])), None)
        if fault is None:
            await self.app(scope, receive, send)
            return
        phrase = HTTPStatus(fault.status).phrase
        log.warning("answering %s %s with an injected %d", scope["method"], scope["path"], fault.status)
        body = (
            f'<!doctype html><html lang="en"><title>{fault.status} {phrase}</title>'
            f"<h1>{phrase}</h1><p>Injected by <code>uat stack fault</code>.</p></html>"
        ).encode()
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": fault.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
