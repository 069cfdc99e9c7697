"""Server-side sessions, one cookie per application (own name and path), stored in the database.

The browser holds a random id; the row is keyed by its HMAC, so a copy of the database cannot be
replayed as a cookie. Each application's cookie is scoped to its path, so the portal, FAMHP Connect
and VAMREG each need their own sign-in, which is what makes moving between them real SSO. A session
ends at the latest SESSION_LIFETIME after it began (an absolute cap: activity does not extend it).
Under https the cookies are `__Host-` cookies (Secure, Path=/, no Domain), which the browser keeps
from being set or shadowed by any other host or path; each application still reads only its own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stack.apps.models import WebSession, utcnow

SESSION_LIFETIME = timedelta(hours=10)  # absolute, from sign-in; Keycloak's SSO session maximum is 10 h too
_PURGE_EVERY = 500  # saves between sweeps of expired rows (abandoned sign-ins leave some behind)
_ROTATE = "famhp.session.rotate"


@dataclass(frozen=True)
class CookieArea:
    """An application's slice of the origin: its path prefix and its session cookie's name."""

    app: str
    path: str
    cookie: str

    def covers(self, path: str) -> bool:
        return path == self.path or path.startswith(self.path + "/")

    def cookie_name(self, secure: bool) -> str:
        return f"__Host-{self.cookie}" if secure else self.cookie


class SessionStore:
    def __init__(self, db: sessionmaker[Session], secret: str) -> None:
        self._db = db
        self._key = secret.encode()
        self._saves = 0

    def _hash(self, session_id: str) -> str:
        return hmac.new(self._key, session_id.encode(), hashlib.sha256).hexdigest()

    def load(self, app: str, session_id: str) -> tuple[dict[str, Any], datetime] | None:
        """The session's data and the moment it ends, or None when there is no such current session."""
        with self._db() as db:
            row = db.get(WebSession, self._hash(session_id))
            if row is None or row.app != app or row.expires_at <= utcnow():
                return None
            return dict(json.loads(row.data)), row.expires_at

    def save(self, app: str, session_id: str, data: dict[str, Any], expires_at: datetime) -> None:
        user = data.get("user") or {}
        with self._db.begin() as db:
            db.merge(
                WebSession(
                    id_hash=self._hash(session_id),
                    app=app,
                    sso_session_id=user.get("sid"),
                    data=json.dumps(data),
                    expires_at=expires_at,
                )
            )
        self._saves += 1
        if self._saves % _PURGE_EVERY == 0:
            self.purge_expired()

    def delete(self, session_id: str) -> None:
        with self._db.begin() as db:
            db.execute(delete(WebSession).where(WebSession.id_hash == self._hash(session_id)))

    def end_sso_session(self, sso_session_id: str) -> None:
        """Ends every application's local session that belongs to one Keycloak SSO session.

        This is what Keycloak back-channel logout would do; the apps share a process, so they
        do it directly instead of needing per-client logout URLs in the realm.
        """
        with self._db.begin() as db:
            db.execute(delete(WebSession).where(WebSession.sso_session_id == sso_session_id))

    def purge_expired(self) -> None:
        with self._db.begin() as db:
            db.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))


def rotate_session(connection: HTTPConnection) -> None:
    """Asks for a fresh session id when the response is sent (after sign-in: no session fixation)."""
    connection.scope[_ROTATE] = True


class SessionMiddleware:
    """Puts the current application's session dict in ``scope["session"]`` and persists changes."""

    def __init__(self, app: ASGIApp, store: SessionStore, areas: list[CookieArea], secure: bool) -> None:
        self.app = app
        self.store = store
        self.areas = areas
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        area = next((a for a in self.areas if a.covers(scope["path"])), None)
        if area is None:
            # paths outside the three applications get a throwaway dict, never a cookie
            scope["session"] = {}
            await self.app(scope, receive, send)
            return

        cookies = HTTPConnection(scope).cookies
        session_id = cookies.get(area.cookie_name(self.secure))
        loaded = self.store.load(area.app, session_id) if session_id else None
        if loaded is None:
            session_id = None
            data: dict[str, Any] = {}
            expires_at = utcnow() + SESSION_LIFETIME
        else:
            data, expires_at = loaded
        before = json.dumps(data, sort_keys=True)
        scope["session"] = data

        async def send_with_cookie(message: Message) -> None:
            nonlocal session_id, expires_at
            if message["type"] == "http.response.start":
                current: dict[str, Any] = scope["session"]
                changed = json.dumps(current, sort_keys=True) != before
                headers = MutableHeaders(scope=message)
                if scope.get(_ROTATE) and session_id:
                    self.store.delete(session_id)
                    session_id = None
                if not current:
                    if session_id:
                        self.store.delete(session_id)
                        headers.append("Set-Cookie", self._cookie(area, "", expire=True))
                elif changed or session_id is None:
                    if session_id is None:
                        # a new id (a first visit, or a sign-in that rotated it): its lifetime starts now
                        session_id = secrets.token_urlsafe(32)
                        expires_at = utcnow() + SESSION_LIFETIME
                        headers.append("Set-Cookie", self._cookie(area, session_id))
                    self.store.save(area.app, session_id, current, expires_at)
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, area: CookieArea, value: str, expire: bool = False) -> str:
        name = area.cookie_name(self.secure)
        cookie: SimpleCookie = SimpleCookie()
        cookie[name] = value
        morsel = cookie[name]
        # a __Host- cookie must have Path=/; over plain http each application's cookie keeps to its own path
        morsel["path"] = "/" if self.secure else area.path
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"  # the OIDC callback is a top-level GET from Keycloak
        if self.secure:
            morsel["secure"] = True
        if expire:
            morsel["max-age"] = 0
        return morsel.OutputString()
