"""The cookies of a sign-in made without a browser, kept as a browser keeps them (RFC 6265: host-only and domain
cookies, default path, expiry, Secure, HttpOnly, SameSite), so that they can be handed to the browser unchanged.

Python's `http.cookiejar` cannot serve here: it never sends a Secure cookie over plain http, where browsers treat
`localhost` as a secure context (Keycloak marks its cookies Secure even over http), and it files a host-only cookie
of `localhost` under `localhost.local`, which the browser would not match."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

# what browsers treat as potentially trustworthy although the scheme is http (W3C Secure Contexts)
LOOPBACK_HOSTS = frozenset({"localhost"})
SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    domain: str  # without a leading dot
    host_only: bool
    path: str
    expires: float | None  # epoch seconds; None for a session cookie
    secure: bool
    http_only: bool
    same_site: str  # Strict, Lax or None (the browser default is Lax)

    def for_browser(self) -> dict[str, Any]:
        """Playwright's `BrowserContext.add_cookies` form: a leading dot makes a domain cookie."""
        return {
            "name": self.name,
            "value": self.value,
            "domain": self.domain if self.host_only else f".{self.domain}",
            "path": self.path,
            "expires": self.expires if self.expires is not None else -1,
            "httpOnly": self.http_only,
            "secure": self.secure,
            "sameSite": self.same_site,
        }


def is_trustworthy(url: str) -> bool:
    """https, or http to a loopback host: where a browser sends Secure cookies."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    if host in LOOPBACK_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _default_path(path: str) -> str:
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


def _domain_matches(host: str, domain: str) -> bool:
    return host == domain or (host.endswith("." + domain) and not _is_ip(host))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _path_matches(request_path: str, cookie_path: str) -> bool:
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (cookie_path.endswith("/") or request_path[len(cookie_path)] == "/")


class CookieStore:
    """Receives `Set-Cookie` headers, gives the `Cookie` header for a request, and hands everything over."""

    def __init__(self, clock: Any = time.time) -> None:
        self._cookies: dict[tuple[str, str, str], Cookie] = {}  # (domain, path, name)
        self._clock = clock

    def receive(self, url: str, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            cookie = self._parse(url, header)
            if cookie is None:
                continue
            key = (cookie.domain, cookie.path, cookie.name)
            if cookie.expires is not None and cookie.expires <= self._clock():
                self._cookies.pop(key, None)  # an expiry in the past deletes the cookie
            else:
                self._cookies[key] = cookie

    def header_for(self, url: str) -> str:
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        trustworthy, now = is_trustworthy(url), self._clock()
        chosen = [
            cookie
            for cookie in self._cookies.values()
            if (cookie.domain == host if cookie.host_only else _domain_matches(host, cookie.domain))
            and _path_matches(path, cookie.path)
            and (trustworthy or not cookie.secure)
            and (cookie.expires is None or cookie.expires > now)
        ]
        chosen.sort(key=lambda cookie: len(cookie.path), reverse=True)  # longer paths first, as browsers do
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in chosen)

    def values(self) -> list[str]:
        return [cookie.value for cookie in self._cookies.values()]

    def for_browser(self) -> list[dict[str, Any]]:
        now = self._clock()
        return [c.for_browser() for c in self._cookies.values() if c.expires is None or c.expires > now]

    def _parse(self, url: str, header: str) -> Cookie | None:
        pair, *attributes = header.split(";")
        name, sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            return None  # a browser ignores a cookie without a name
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        domain, host_only, path = host, True, _default_path(parts.path or "/")
        expires: float | None = None
        max_age: float | None = None
        secure = http_only = False
        same_site = "Lax"
        for attribute in attributes:
            key, _, raw = attribute.partition("=")
            key, raw = key.strip().lower(), raw.strip()
            if key == "domain" and raw:
                wanted = raw.lstrip(".").lower()
                if not _domain_matches(host, wanted):
                    return None  # a server may not set a cookie for another site
                domain, host_only = wanted, False
            elif key == "path" and raw.startswith("/"):
                path = raw
            elif key == "max-age":
                try:
                    max_age = float(int(raw))
                except ValueError:
                    continue
            elif key == "expires":
                try:
                    expires = parsedate_to_datetime(raw).timestamp()
                except (TypeError, ValueError):
                    continue
            elif key == "secure":
                secure = True
            elif key == "httponly":
                http_only = True
            elif key == "samesite":
                same_site = SAME_SITE.get(raw.lower(), "Lax")
        if secure and not is_trustworthy(url):
            return None  # only a secure origin may set a Secure cookie
        if max_age is not None:  # Max-Age wins over Expires
            expires = self._clock() + max_age
        return Cookie(name, value, domain, host_only, path, expires, secure, http_only, same_site)
