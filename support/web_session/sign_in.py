"""Signing in to an application without a browser, for scenarios that are not about signing in: the application's
own authorization-code flow (with its PKCE and state), answered form by form as Keycloak asks (username, password,
one-time code), with a real HTTP client. Nothing only the reference stack offers is used: the page ids and field
names are those every Keycloak login theme shares. What the flow ends with (Keycloak's SSO cookies and the
application's session cookie) goes to the browser, which then opens the application already signed in.

When the deployment asks for something only a person in a browser can give (another screen, a script, a captcha,
an identity provider), `SignInOverHttpUnavailable` says what, and the caller signs in with the browser."""

from __future__ import annotations

import functools
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from support.closing import ClosedOnExit
from support.secrets import Secret, mask_text, register_secret
from support.web_session.cookies import CookieStore
from support.web_session.forms import LoginPage, is_login_page, parse_login_page

log = logging.getLogger(__name__)

MAX_REDIRECTS = 20
MAX_SCREENS = 6  # username, password, code: more means a loop or a screen this client does not answer
REDIRECTS = (301, 302, 303, 307, 308)
USERNAME_PAGE, PASSWORD_PAGE, CODE_PAGE = "login-login-username", "login-login", "login-login-otp"


class SignInOverHttpUnavailable(Exception):
    """The sign-in cannot be completed without a browser; the message says where and why."""


@dataclass(frozen=True)
class WebSession:
    """A signed-in session: the cookies to hand to the browser, and the application page it ended on."""

    cookies: list[dict[str, Any]]
    landed_at: str


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


class HttpSignIn(ClosedOnExit):
    """One sign-in per instance: its cookies are its own, as a fresh browser context's would be."""

    def __init__(
        self, *, timeout_s: float, language: str = "en-GB", transport: httpx.BaseTransport | None = None
    ) -> None:
        self._cookies = CookieStore()
        # the client keeps no cookies of its own (an empty allow-list): the store above sends them, as a browser
        self._http = httpx.Client(
            timeout=timeout_s,
            follow_redirects=False,
            transport=transport,
            verify=_tls_context(),
            headers={"Accept": "text/html,application/xhtml+xml", "Accept-Language": language},
            cookies=_no_cookies(),
        )

    def close(self) -> None:
        self._http.close()

    def sign_in(self, start_url: str, username: str, password: Secret, code: Callable[[], object]) -> WebSession:
        """Open `start_url`, sign in on the forms Keycloak shows, and return the session once the browser would be
        back at the application. `code` is asked for a one-time code only when Keycloak asks for one."""
        response = self._send("GET", start_url)
        previous: str | None = None
        for _ in range(MAX_SCREENS):
            page = self._page(response)
            if not is_login_page(page.page_id):
                return self._arrived(response, start_url, signed_in=previous is not None)
            if page.page_id == previous and page.page_id != USERNAME_PAGE:
                refusal = "; ".join(page.messages) or "no reason shown"
                raise SignInOverHttpUnavailable(
                    f"Keycloak refused the sign-in of {username} on '{page.page_id}': {mask_text(refusal)}"
                )
            response = self._answer(page, str(response.url), username, password, code)
            previous = page.page_id
        raise SignInOverHttpUnavailable(
            f"the sign-in of {username} did not end after {MAX_SCREENS} Keycloak screens (at {response.url})"
        )

    def _answer(
        self, page: LoginPage, url: str, username: str, password: Secret, code: Callable[[], object]
    ) -> httpx.Response:
        if page.page_id == USERNAME_PAGE:
            form, values = page.form_with("username"), {"username": username}
        elif page.page_id == PASSWORD_PAGE:
            form = page.form_with("password")
            values = {"password": password.reveal()}
            if form is not None and form.has("username"):
                values["username"] = username
        elif page.page_id == CODE_PAGE:
            form = page.form_with("otp")
            values = {"otp": _plain(code())} if form is not None else {}
        else:
            shown = f" ({mask_text('; '.join(page.messages))})" if page.messages else ""
            raise SignInOverHttpUnavailable(
                f"Keycloak asks for '{page.page_id}'{shown} at {url}, a screen the sign-in without a browser does "
                "not answer"
            )
        if form is None or form.method != "post":
            raise SignInOverHttpUnavailable(
                f"Keycloak's '{page.page_id}' at {url} has no form this client can fill (it may need a script)"
            )
        return self._send("POST", form.action, data=form.submission(values))

    def _arrived(self, response: httpx.Response, start_url: str, *, signed_in: bool) -> WebSession:
        url = str(response.url)
        if not signed_in:
            raise SignInOverHttpUnavailable(
                f"{start_url} led to {url} (HTTP {response.status_code}) without a Keycloak sign-in form "
                "(a landing page that needs a click, or a page built by a script?)"
            )
        if response.status_code >= 400 or _origin(url) != _origin(start_url):
            raise SignInOverHttpUnavailable(
                f"after the sign-in the application answered HTTP {response.status_code} at {url}, "
                f"not a page of {start_url}"
            )
        for value in self._cookies.values():
            register_secret(value)  # a session cookie opens the account: mask it wherever it shows up
        log.info("signed in over HTTP, back at %s", url)
        return WebSession(self._cookies.for_browser(), url)

    def _page(self, response: httpx.Response) -> LoginPage:
        if "html" not in response.headers.get("content-type", ""):
            return LoginPage(None, [], [])
        return parse_login_page(response.text, str(response.url))

    def _send(self, method: str, url: str, data: dict[str, str] | None = None) -> httpx.Response:
        """One request and its redirects, as a browser follows them (a 303, 302 or 301 after a POST is a GET)."""
        for _ in range(MAX_REDIRECTS):
            headers = {"Cookie": cookie} if (cookie := self._cookies.header_for(url)) else {}
            try:
                response = self._http.request(method, url, data=data, headers=headers)
            except httpx.HTTPError as error:
                raise SignInOverHttpUnavailable(f"{method} {url.split('?')[0]} failed: {error}") from error
            self._cookies.receive(url, response.headers.get_list("set-cookie"))
            if response.status_code not in REDIRECTS or "location" not in response.headers:
                return response
            url = urljoin(url, response.headers["location"])
            if response.status_code in (301, 302, 303):
                method, data = "GET", None
        raise SignInOverHttpUnavailable(f"more than {MAX_REDIRECTS} redirects, the last to {url.split('?')[0]}")


def _plain(code: object) -> str:
    return code.reveal() if isinstance(code, Secret) else str(code)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One context per process: a new client would read the CA bundle again (~30 ms of CPU a sign-in)."""
    return ssl.create_default_context()


def _no_cookies() -> Any:
    from http.cookiejar import CookieJar, DefaultCookiePolicy

    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
