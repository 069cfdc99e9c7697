"""Security headers on every response: CSP, no framing, no sniffing, no referrer, no caching of pages, and under
https Strict-Transport-Security (browsers then never try plain http for this host)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecurityHeaders:
    """Strict defaults on every response; pages carry personal data and one-time secrets, so no caching."""

    HSTS = "max-age=31536000; includeSubDomains"

    def __init__(self, app: ASGIApp, keycloak_url: str, https: bool = False) -> None:
        self.app = app
        self.https = https
        # form-action must allow Keycloak: sign-out posts here, then redirects there
        self.csp = (
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            f"frame-ancestors 'none'; form-action 'self' {keycloak_url}"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.csp)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                # invitation tokens live in URLs; never leak them to another site
                headers.setdefault("Referrer-Policy", "no-referrer")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", self.HSTS)
                if not scope["path"].startswith("/static/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)
