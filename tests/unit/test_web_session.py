"""The sign-in without a browser, without a target: cookies kept as a browser keeps them, Keycloak's login forms read
by page id and field name, and the flow through a Keycloak-like server on a mock transport (what is sent, when a code
is asked, what the browser gets, and each reason to fall back to the browser)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
import pytest

from support.secrets import Secret, known_secrets
from support.web_session.cookies import CookieStore, is_trustworthy
from support.web_session.forms import parse_login_page
from support.web_session.sign_in import HttpSignIn, SignInOverHttpUnavailable

APP = "http://localhost:7000"
KC = "http://localhost:7180/realms/famhp"
KC_COOKIE_ATTRIBUTES = "Path=/realms/famhp/;Secure;HttpOnly;SameSite=None"  # as Keycloak 26 sets them, even over http


# ---- cookies ------------------------------------------------------------------------------------------------


def test_a_secure_cookie_of_localhost_is_kept_and_sent_as_a_browser_does() -> None:
    store = CookieStore(clock=lambda: 1000.0)
    store.receive(
        f"{KC}/protocol/auth", ["AUTH_SESSION_ID=abc.1;Version=1;Path=/realms/famhp/;Secure;HttpOnly;SameSite=None"]
    )
    assert store.header_for(f"{KC}/login-actions/authenticate") == "AUTH_SESSION_ID=abc.1"
    assert store.header_for("http://localhost:7180/realms/other/") == ""  # outside its path
    assert store.for_browser() == [
        {
            "name": "AUTH_SESSION_ID",
            "value": "abc.1",
            "domain": "localhost",  # host-only: no leading dot
            "path": "/realms/famhp/",
            "expires": -1,
            "httpOnly": True,
            "secure": True,
            "sameSite": "None",
        }
    ]


def test_secure_cookies_need_a_secure_origin() -> None:
    assert (
        is_trustworthy("http://localhost:1/")
        and is_trustworthy("http://127.0.0.1/")
        and is_trustworthy("https://x.org/")
    )
    assert not is_trustworthy("http://portal.example.org/")
    store = CookieStore()
    store.receive("http://portal.example.org/a", ["s=1; Secure"])
    assert store.for_browser() == []  # an insecure origin may not set it
    store.receive("https://portal.example.org/a", ["s=1; Secure"])
    assert (
        store.header_for("http://portal.example.org/") == ""
        and store.header_for("https://portal.example.org/") == "s=1"
    )


def test_domain_path_expiry_and_deletion() -> None:
    now = [1000.0]
    store = CookieStore(clock=lambda: now[0])
    store.receive("https://login.example.org/realms/x/auth", ["d=1; Domain=.example.org; Path=/; Max-Age=60", "p=2"])
    store.receive("https://login.example.org/", ["evil=3; Domain=other.org"])  # another site's: ignored
    assert store.header_for("https://portal.example.org/") == "d=1"  # a domain cookie reaches the sub-domain
    # p has the default path /realms/x; the longer path comes first
    assert store.header_for("https://login.example.org/realms/x/y") == "p=2; d=1"
    assert store.header_for("https://login.example.org/realms/xy") == "d=1"
    assert {c["domain"] for c in store.for_browser()} == {".example.org", "login.example.org"}
    now[0] += 61
    assert store.header_for("https://portal.example.org/") == ""  # expired
    store.receive("https://login.example.org/realms/x/auth", ["p=; Max-Age=0"])
    assert store.for_browser() == []


# ---- the login page ----------------------------------------------------------------------------------------

OTP_PAGE = """<html><body class="x" data-page-id="login-login-otp">
<div class="pf-v5-c-alert pf-m-danger"><span class="kc-feedback-text">Invalid authenticator code.</span></div>
<form id="kc-otp-login-form" method="post"
  action="/realms/famhp/login-actions/authenticate?session_code=a&amp;tab_id=b">
  <input type="hidden" name="selectedCredentialId" value="cred-1">
  <input id="otp" name="otp" autocomplete="one-time-code" type="text">
  <input type="checkbox" name="remember" value="on">
  <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
  <input name="login" id="kc-login" type="submit" value="Sign In"/>
</form></body></html>"""


def test_a_login_page_is_read_by_page_id_and_field_names() -> None:
    page = parse_login_page(OTP_PAGE, f"{KC}/login-actions/authenticate?x=1")
    assert page.page_id == "login-login-otp"
    assert page.messages == ["Invalid authenticator code."]
    form = page.form_with("otp")
    assert form is not None and form.method == "post"
    assert form.action == f"{KC}/login-actions/authenticate?session_code=a&tab_id=b"
    assert form.submission({"otp": "123456"}) == {
        "selectedCredentialId": "cred-1",
        "otp": "123456",
        "kind": "b",
        "login": "Sign In",  # the button clicked, as a browser sends it; the unchecked box is not sent
    }
    with pytest.raises(KeyError, match="no field password"):
        form.submission({"password": "x"})


# ---- the flow -------------------------------------------------------------------------------------------------


def _page(page_id: str, fields: str, message: str = "") -> str:
    alert = f'<div class="alert-error"><span class="kc-feedback-text">{message}</span></div>' if message else ""
    return (
        f'<html><body data-page-id="{page_id}">{alert}<form id="kc-form-login" method="post" '
        f'action="{KC}/login-actions/authenticate?step={page_id}">{fields}</form></body></html>'
    )


class FakeKeycloak:
    """The portal and a Keycloak realm with identity-first sign-in, a password and a one-time code. Every Keycloak
    request after the first needs the Secure AUTH_SESSION_ID cookie, as the real one does."""

    def __init__(
        self, *, password: str = "Correct#Horse1", code: str = "123456", extra_page: str | None = None
    ) -> None:
        self.password, self.code, self.extra_page = password, code, extra_page
        self.posts: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url, cookies = str(request.url), request.headers.get("cookie", "")
        if url == f"{APP}/portal":
            if "portal_session=signed-in" in cookies:
                return httpx.Response(200, html="<html><body><h1>Dashboard</h1></body></html>")
            return httpx.Response(302, headers={"location": f"{KC}/protocol/openid-connect/auth?client_id=portal"})
        if url.startswith(f"{KC}/protocol/openid-connect/auth"):
            return httpx.Response(
                200,
                html=_page("login-login-username", '<input name="username">'),
                headers={
                    "set-cookie": "AUTH_SESSION_ID=s1;Version=1;Path=/realms/famhp/;Secure;HttpOnly;SameSite=None"
                },
            )
        if url.startswith(f"{APP}/portal/callback"):
            return httpx.Response(
                302, headers={"location": "/portal", "set-cookie": "portal_session=signed-in; Path=/portal; HttpOnly"}
            )
        assert "AUTH_SESSION_ID=s1" in cookies, "the Secure Keycloak cookie was not sent back to http://localhost"
        form = parse_qs(request.content.decode())
        self.posts.append(form)
        step = request.url.params["step"]
        if step == "login-login-username":
            return httpx.Response(200, html=_page("login-login", '<input name="password" type="password">'))
        if step == "login-login":
            if form["password"] != [self.password]:
                return httpx.Response(200, html=_page("login-login", '<input name="password">', "Invalid password."))
            if self.extra_page:
                return httpx.Response(200, html=_page(self.extra_page, '<input name="accept">'))
            return httpx.Response(200, html=_page("login-login-otp", '<input name="otp">'))
        if form["otp"] != [self.code]:
            return httpx.Response(
                200, html=_page("login-login-otp", '<input name="otp">', "Invalid authenticator code.")
            )
        return httpx.Response(
            302,
            headers={
                "location": f"{APP}/portal/callback?code=c",
                "set-cookie": f"KEYCLOAK_IDENTITY=jwt-of-the-session;Version=1;{KC_COOKIE_ATTRIBUTES}",
            },
        )


def _sign_in(server: FakeKeycloak, code: Callable[[], object] = lambda: "123456") -> list[dict]:
    with HttpSignIn(timeout_s=5, transport=httpx.MockTransport(server)) as client:
        return client.sign_in(f"{APP}/portal", "jane@example.org", Secret("Correct#Horse1"), code).cookies


def test_the_flow_answers_each_form_and_hands_the_session_to_the_browser() -> None:
    server, asked = FakeKeycloak(), []
    cookies = _sign_in(server, lambda: asked.append(1) or "123456")
    assert [sorted(post) for post in server.posts] == [["username"], ["password"], ["otp"]]
    assert server.posts[0]["username"] == ["jane@example.org"] and asked == [1]  # one code, when it was asked
    assert {(c["name"], c["path"]) for c in cookies} == {
        ("AUTH_SESSION_ID", "/realms/famhp/"),
        ("KEYCLOAK_IDENTITY", "/realms/famhp/"),
        ("portal_session", "/portal"),
    }
    assert "jwt-of-the-session" in known_secrets()  # a session cookie is masked wherever it shows up


def test_a_refused_password_says_what_keycloak_said_and_asks_no_code() -> None:
    asked: list[int] = []
    with pytest.raises(SignInOverHttpUnavailable, match=r"refused .* on 'login-login': Invalid password\."):
        _sign_in(FakeKeycloak(password="Other#Pass9"), lambda: asked.append(1) or "123456")
    assert asked == []


def test_a_refused_code_is_reported() -> None:
    with pytest.raises(SignInOverHttpUnavailable, match="'login-login-otp': Invalid authenticator code"):
        _sign_in(FakeKeycloak(code="654321"))


def test_a_screen_the_client_does_not_answer_names_its_page_id() -> None:
    with pytest.raises(SignInOverHttpUnavailable, match="Keycloak asks for 'login-terms'"):
        _sign_in(FakeKeycloak(extra_page="login-terms"))


def test_a_start_page_without_a_keycloak_form_is_not_taken_for_a_session() -> None:
    def landing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<html><body><a href='/login'>Sign in</a></body></html>")

    with (
        HttpSignIn(timeout_s=5, transport=httpx.MockTransport(landing)) as client,
        pytest.raises(SignInOverHttpUnavailable, match="without a Keycloak sign-in form"),
    ):
        client.sign_in(f"{APP}/portal", "jane@example.org", Secret("Correct#Horse1"), lambda: "123456")
