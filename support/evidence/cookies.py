"""Session cookies are secrets: whoever reads one from a trace's request headers can act as the user until it
expires. Every cookie value long enough to be a session token is registered, so masking, the trace scrub and the
artifact scan treat it like a password."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from playwright.sync_api import BrowserContext

from support.secrets import register_secret

# shorter values are preferences (KEYCLOAK_LOCALE=en), not tokens
SESSION_COOKIE_MIN_LENGTH = 16
# what follows "; " in a Set-Cookie header and is no cookie
_ATTRIBUTES = {
    "expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite", "partitioned",
}  # fmt: skip


def register_session_cookies(context: BrowserContext) -> None:
    """Register the browser context's current cookies (call it before evidence is made: cookies change with every
    sign-in)."""
    try:
        cookies = context.cookies()
    except Exception:  # a closed context has no cookies left to leak
        return
    _register(cookie["value"] for cookie in cookies)


def register_trace_cookies(network_log: bytes) -> None:
    """Register every cookie a trace's network log recorded, sent or set (a trace keeps cookies that were replaced
    long before the scenario ended)."""
    _register(_cookies_in(network_log))


def _register(values: Iterable[str]) -> None:
    for value in values:
        if len(value) >= SESSION_COOKIE_MIN_LENGTH:
            register_secret(value)
            if value.startswith('"') and value.endswith('"'):
                register_secret(value[1:-1])


def _cookies_in(network_log: bytes) -> Iterator[str]:
    for line in network_log.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        snapshot = event.get("snapshot") if isinstance(event, dict) else None
        if not isinstance(snapshot, dict):
            continue
        for exchange in (snapshot.get("request") or {}, snapshot.get("response") or {}):
            for cookie in exchange.get("cookies") or []:
                if isinstance(cookie, dict) and isinstance(cookie.get("value"), str):
                    yield cookie["value"]
            for header in exchange.get("headers") or []:
                if isinstance(header, dict) and str(header.get("name", "")).lower() in ("cookie", "set-cookie"):
                    yield from _header_cookies(str(header.get("value", "")))


def _header_cookies(header: str) -> Iterator[str]:
    for line in header.splitlines():
        for part in line.split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and name and name.lower() not in _ATTRIBUTES:
                yield value.strip()
