"""Helpers for the reference apps' stack tests: users with known credentials, Keycloak sign-in over plain
HTTP (forms, no browser), access tokens, the invitation e-mail in Mailpit, and reading the apps' pages."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import sqlite3
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from playwright.sync_api import Page

from stack.settings import PROJECT_ROOT

ORGANIZATIONS = ("Acme Pharma NV", "Belgian Vet Supplies BV")
ALL_ROLES: dict[str, list[str]] = {
    "famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"],
    "vamreg": ["VAMREG_USER"],
}


class CodeSource(Protocol):
    """The lead's OneTimeCodes (tests/stack/conftest.py): never the same step twice for one secret."""

    def next_code(self, base32_secret: str) -> str: ...


T = TypeVar("T")


def stack_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`uat stack ...` of this checkout (as `python -m stack`), with this process's environment (ports)."""
    return subprocess.run(
        [sys.executable, "-m", "stack", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, env=os.environ
    )


def wait_until(probe: Callable[[], T | None], timeout_s: float, what: str, interval_s: float = 0.25) -> T:
    """Polls ``probe`` until it returns something, or fails naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)  # polling an external service; there is no event to wait on


# users -------------------------------------------------------------------------------------------


@dataclass
class StackUser:
    id: str
    email: str
    password: str
    totp_secret: str  # Base32, as an authenticator app stores it
    roles: dict[str, list[str]]
    organizations: list[str]


def _password() -> str:
    body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))
    return f"Aa1#{body}"


class UserFactory:
    """Creates realm users through the admin REST API (password + OTP credential, roles, memberships)
    and removes every one of them at the end."""

    def __init__(self, admin: httpx.Client) -> None:
        self._admin = admin
        self._created: list[str] = []
        self._client_uuids: dict[str, str] = {}

    def organization_id(self, name: str) -> str:
        found = self._admin.get("/organizations", params={"search": name, "exact": "true"}).raise_for_status()
        matches = [org["id"] for org in found.json() if org["name"] == name]
        assert matches, f"organisation {name!r} is not in the realm"
        return str(matches[0])

    def _client_uuid(self, client_id: str) -> str:
        if client_id not in self._client_uuids:
            found = self._admin.get("/clients", params={"clientId": client_id}).raise_for_status().json()
            self._client_uuids[client_id] = found[0]["id"]
        return self._client_uuids[client_id]

    def create(
        self,
        roles: dict[str, list[str]] | None = None,
        organizations: list[str] | None = None,
        tag: str = "apps",
    ) -> StackUser:
        roles = roles or {}
        organizations = list(organizations or [])
        email = f"{tag}-{uuid.uuid4().hex[:12]}@example.test"
        password = _password()
        raw_secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(20))
        # the realm import format for an OTP credential is accepted by POST /users as well
        otp = {
            "type": "otp",
            "userLabel": "stack test",
            "secretData": f'{{"value":"{raw_secret}"}}',
            "credentialData": '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1"}',
        }
        created = self._admin.post(
            "/users",
            json={
                "username": email,
                "email": email,
                "emailVerified": True,
                "enabled": True,
                "firstName": "Stack",
                "lastName": tag.title(),
                "credentials": [{"type": "password", "value": password, "temporary": False}, otp],
            },
        )
        assert created.status_code == 201, created.text
        user_id = created.headers["Location"].rsplit("/", 1)[-1]
        self._created.append(user_id)
        for client_id, names in roles.items():
            client_uuid = self._client_uuid(client_id)
            reps = [self._admin.get(f"/clients/{client_uuid}/roles/{n}").raise_for_status().json() for n in names]
            self._admin.post(f"/users/{user_id}/role-mappings/clients/{client_uuid}", json=reps).raise_for_status()
        for name in organizations:
            self._admin.post(f"/organizations/{self.organization_id(name)}/members", json=user_id).raise_for_status()
        totp_secret = base64.b32encode(raw_secret.encode()).decode().rstrip("=")
        return StackUser(user_id, email, password, totp_secret, roles, organizations)

    @property
    def created_ids(self) -> list[str]:
        return list(self._created)

    def adopt(self, user_id: str) -> None:
        """Removes at the end a user this factory did not create (e.g. one created by an invitation)."""
        self._created.append(user_id)

    def find_id(self, email: str) -> str | None:
        found = self._admin.get("/users", params={"email": email, "exact": "true"}).raise_for_status().json()
        return str(found[0]["id"]) if found else None

    def user(self, user_id: str) -> dict:
        return dict(self._admin.get(f"/users/{user_id}").raise_for_status().json())

    def remove_all(self) -> None:
        for user_id in reversed(self._created):
            self._admin.delete(f"/users/{user_id}")  # 404 is fine: the test may have removed it already
        self._created.clear()


def managed_users(admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    """Body of a ``users`` fixture: a factory whose users, and their keys and invitations, go away after."""
    factory = UserFactory(admin)
    yield factory
    forget_in_apps_database(stack_info, factory.created_ids)
    factory.remove_all()


class AppsSession:
    """A signed-in "tab" on the apps over plain HTTP; Keycloak forms are filled in as a user would."""

    def __init__(self, stack_info: dict, user: StackUser, codes: CodeSource) -> None:
        self.base = stack_info["apps"]["base_url"]
        self.keycloak_url = stack_info["keycloak"]["url"]
        self.user = user
        self.codes = codes
        self.client = web_client()

    def get(self, path: str) -> httpx.Response:
        """The page at ``path``, signing in through Keycloak first if the app asks for it."""
        return sign_in(self.client, self.client.get(f"{self.base}{path}"), self.user, self.codes, self.keycloak_url)

    def post(self, path: str, data: Mapping[str, str | Sequence[str]]) -> httpx.Response:
        return self.client.post(f"{self.base}{path}", data=data)

    def close(self) -> None:
        self.client.close()


# HTML forms --------------------------------------------------------------------------------------


@dataclass
class Form:
    attrs: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # select name -> (value, label)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._option: str | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(found))
        elif not self.forms:
            return
        elif tag == "input" and found.get("name") and found.get("type") not in ("checkbox", "radio", "submit"):
            self.forms[-1].fields[found["name"]] = found.get("value", "")
        elif tag == "select":
            self._select = found.get("name", "")
            self.forms[-1].options[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option, self._label = found.get("value", ""), ""

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option is not None:
            self.forms[-1].options[self._select].append((self._option, self._label.strip()))
            self._option = None
        elif tag == "select":
            self._select = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with_action(html: str, action: str) -> Form:
    matches = [form for form in forms(html) if form.attrs.get("action") == action]
    assert matches, f"no form posting to {action}"
    return matches[0]


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token field"
    return found.group(1)


def page_id(html: str) -> str | None:
    found = re.search(r'<body[^>]*data-page-id="([^"]+)"', html)
    return found.group(1) if found else None


def texts_by_testid(html: str, testid: str) -> list[str]:
    """Text content of elements with this data-testid (for simple, non-nested elements)."""
    pattern = rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</'
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(pattern, html, flags=re.S)]


# Keycloak sign-in without a browser ----------------------------------------------------------------


def web_client() -> httpx.Client:
    """A cookie-keeping HTTP client that behaves like a browser tab towards Keycloak and the apps."""
    client = httpx.Client(timeout=30)

    def localhost_is_secure(_response: httpx.Response) -> None:
        # Keycloak marks its cookies Secure; browsers still send them to http://localhost, httpx does not
        for cookie in client.cookies.jar:
            cookie.secure = False

    client.event_hooks["response"] = [localhost_is_secure]
    return client


def _is_keycloak(url: httpx.URL, keycloak_url: str) -> bool:
    return str(url).startswith(keycloak_url)


def _submit_keycloak_page(
    client: httpx.Client, response: httpx.Response, user: StackUser, codes: CodeSource
) -> httpx.Response:
    html = response.text
    current = page_id(html)
    form = next((f for f in forms(html) if f.attrs.get("method", "").lower() == "post"), None)
    assert form is not None, f"Keycloak page {current!r} has no form"
    action = urljoin(str(response.url), form.attrs["action"])
    data = dict(form.fields)
    if current == "login-login-username":
        # organisations on: Keycloak asks for the username first (identity-first login)
        data["username"] = user.email
    elif current in ("login-login", "login-login-password"):
        data["password"] = user.password
        if "username" in data:
            data["username"] = user.email
    elif current == "login-login-otp":
        data["otp"] = codes.next_code(user.totp_secret)
    else:
        raise AssertionError(f"unexpected Keycloak page {current!r} at {response.url}")
    return client.post(action, data=data)


def sign_in(
    client: httpx.Client,
    response: httpx.Response,
    user: StackUser,
    codes: CodeSource,
    keycloak_url: str,
    stop_at: str | None = None,
) -> httpx.Response:
    """Follows redirects and fills Keycloak's username/password and OTP forms until a non-Keycloak page
    answers, or (with ``stop_at``) until a redirect points at ``stop_at``: that redirect is returned."""
    for _ in range(20):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["Location"])
            if stop_at and location.startswith(stop_at):
                return response
            response = client.get(location)
        elif _is_keycloak(response.url, keycloak_url) and page_id(response.text):
            response = _submit_keycloak_page(client, response, user, codes)
        else:
            return response
    raise AssertionError("sign-in did not finish within 20 steps")


def open_signed_in(
    client: httpx.Client, url: str, user: StackUser, codes: CodeSource, keycloak_url: str
) -> httpx.Response:
    """GETs an apps page with ``client`` (no automatic redirects), signing in through Keycloak if asked."""
    return sign_in(client, client.get(url), user, codes, keycloak_url)


def access_token(stack_info: dict, client_id: str, user: StackUser, codes: CodeSource) -> str:
    """A real access token for ``user`` from the authorization-code flow with PKCE of ``client_id``."""
    return str(token_response(stack_info, client_id, user, codes)["access_token"])


@contextmanager
def invitations_api(stack_info: dict, user: StackUser, codes: CodeSource) -> Iterator[httpx.Client]:
    """FAMHP Connect's invitations API as `user`, with a real access token of the famhp-connect client."""
    token = access_token(stack_info, "famhp-connect", user, codes)
    base = f"{stack_info['apps']['base_url']}/famhp-connect/api/invitations"
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


def invitee_address() -> str:
    """A fresh address for someone a stack test invites."""
    return f"invitee-{uuid.uuid4().hex[:12]}@example.test"


def token_response(stack_info: dict, client_id: str, user: StackUser, codes: CodeSource) -> dict:
    """Keycloak's whole token answer (access, ID and refresh token) to ``client_id``'s code flow with PKCE."""
    kc = stack_info["keycloak"]
    base = f"{kc['url']}/realms/{kc['realm']}/protocol/openid-connect"
    paths = {"iam-external-portal": "/portal", "famhp-connect": "/famhp-connect", "vamreg": "/vamreg"}
    redirect_uri = f"{stack_info['apps']['base_url']}{paths[client_id]}/callback"
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    params = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": redirect_uri,
        "state": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    with web_client() as client:
        start = client.get(f"{base}/auth", params=params)
        answer = sign_in(client, start, user, codes, kc["url"], stop_at=redirect_uri)
        assert answer.is_redirect, f"Keycloak did not redirect back: {answer.status_code} {answer.url}"
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        token = client.post(
            f"{base}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=(client_id, stack_info["clients"][client_id]),
        )
        token.raise_for_status()
        return dict(token.json())


def password_accepted(stack_info: dict, email: str, password: str) -> bool:
    """Whether Keycloak takes this password for this account at the portal's sign-in: True when it moves on past
    the password form (to the one-time code or a required action), False when it shows the password form again."""
    with web_client() as client:
        response = client.get(f"{stack_info['apps']['base_url']}/portal/login", follow_redirects=True)
        for _ in range(3):
            current = page_id(response.text)
            form = next((f for f in forms(response.text) if f.attrs.get("method", "").lower() == "post"), None)
            assert form is not None, f"Keycloak page {current!r} has no form"
            data = dict(form.fields)
            data["username"] = email
            if current in ("login-login", "login-login-password"):
                data["password"] = password
                answer = client.post(urljoin(str(response.url), form.attrs["action"]), data=data)
                return page_id(answer.text) not in ("login-login", "login-login-password")
            assert current == "login-login-username", f"unexpected Keycloak page {current!r}"
            response = client.post(urljoin(str(response.url), form.attrs["action"]), data=data)
    raise AssertionError("Keycloak never showed its password form")


def use_invitation_link(link: str) -> httpx.Response:
    """Uses an invitation link as its person does: opens it and, where the page asks, confirms it (the answer to
    the confirmation, or to the opening when it asked nothing), without following the redirect."""
    opened = httpx.get(link, follow_redirects=False, timeout=10)
    confirmations = [f for f in forms(opened.text) if f.attrs.get("method", "").lower() == "post"]
    if opened.status_code != 200 or not confirmations:
        return opened
    action = urljoin(link, confirmations[0].attrs.get("action") or link)
    return httpx.post(action, data=confirmations[0].fields, follow_redirects=False, timeout=10)


# the invitation e-mail -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationMail:
    subject: str
    text: str
    html: str
    link: str
    username: str
    password: str


def _invitation_messages(mailpit_url: str, to: str) -> list[dict]:
    found = httpx.get(f"{mailpit_url}/api/v1/search", params={"query": f'to:"{to}"'}, timeout=10)
    found.raise_for_status()
    # Mailpit's search matches substrings: keep exact recipients only
    return [
        message
        for message in found.json()["messages"]
        if any(address["Address"].lower() == to.lower() for address in message["To"])
    ]


def wait_for_invitations(mailpit_url: str, to: str, count: int = 1, timeout_s: float = 30) -> list[InvitationMail]:
    """The invitation e-mails sent to ``to``, oldest first, once there are ``count`` of them."""
    listed = wait_until(
        lambda: found if len(found := _invitation_messages(mailpit_url, to)) >= count else None,
        timeout_s,
        f"{count} e-mail(s) to {to}",
    )
    mails = []
    for summary in sorted(listed, key=lambda message: message["Created"]):
        message = httpx.get(f"{mailpit_url}/api/v1/message/{summary['ID']}", timeout=10).raise_for_status().json()
        link = re.search(r'<a href="([^"]+)"[^>]*>Confirm your invitation</a>', message["HTML"])
        username = re.search(r"Username: (\S+)", message["Text"])
        password = re.search(r"Initial password: (\S+)", message["Text"])
        assert link and username and password, "the invitation e-mail lacks the link, username or password"
        mails.append(
            InvitationMail(
                message["Subject"],
                message["Text"],
                message["HTML"],
                link.group(1),
                username.group(1),
                password.group(1),
            )
        )
    return mails


# the apps' database --------------------------------------------------------------------------------


def database_path(stack_info: dict) -> Path:
    return Path(stack_info["apps"]["database"])


def query_database(stack_info: dict, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(database_path(stack_info), timeout=10) as connection:
        return connection.execute(sql, params).fetchall()


def database_bytes(stack_info: dict) -> bytes:
    """The database file and its journals, as bytes (to prove a secret was never written)."""
    path = database_path(stack_info)
    parts = [path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


def forget_in_apps_database(stack_info: dict, user_ids: list[str]) -> None:
    """Removes the API keys and invitations of these users from the apps' database (test clean-up)."""
    if not user_ids or not database_path(stack_info).exists():
        return
    marks = ",".join("?" for _ in user_ids)
    with sqlite3.connect(database_path(stack_info), timeout=10) as connection:
        connection.execute(f"DELETE FROM api_keys WHERE created_by_id IN ({marks})", user_ids)
        connection.execute(f"DELETE FROM invitations WHERE user_id IN ({marks})", user_ids)


# Keycloak sign-in in a real browser ------------------------------------------------------------------


def _wait_for_next_page(page: Page, current: str) -> None:
    page.wait_for_function(
        "(current) => document.body && document.body.dataset.pageId !== current", arg=current, timeout=30_000
    )


def browser_sign_in(page: Page, user: StackUser, codes: CodeSource, new_password: str | None = None) -> list[str]:
    """Answers every Keycloak page the browser shows until it leaves Keycloak; returns the page ids seen.

    Handles first sign-in too: OTP enrolment (manual key), terms, new password (``new_password``)."""
    seen: list[str] = []
    while True:
        page.wait_for_load_state()
        current = page.locator("body").get_attribute("data-page-id")
        if not current:
            return seen
        seen.append(current)
        if current == "login-login-username":
            page.locator("#username").fill(user.email)
            page.locator("#kc-login").click()
        elif current in ("login-login", "login-login-password"):
            username = page.locator("#username")
            if username.count() and username.is_editable():
                username.fill(user.email)
            page.locator("#password").fill(user.password)
            page.locator("#kc-login").click()
        elif current == "login-login-otp":
            page.locator("#otp").fill(codes.next_code(user.totp_secret))
            page.locator("#kc-login").click()
        elif current == "login-login-config-totp":
            page.locator("#mode-manual").click()
            user.totp_secret = page.locator("#kc-totp-secret-key").inner_text().replace(" ", "").strip()
            page.locator("#totp").fill(codes.next_code(user.totp_secret))
            page.locator("#saveTOTPBtn").click()
        elif current == "login-terms":
            page.locator("#kc-accept").click()
        elif current == "login-login-update-password":
            assert new_password, "Keycloak asks for a new password but the test gave none"
            page.locator("#password-new").fill(new_password)
            page.locator("#password-confirm").fill(new_password)
            # the form's own submit: the PatternFly 4 `keycloak` theme gives it no id
            page.locator("form#kc-passwd-update-form [type=submit]:not([name=cancel-aia])").click()
            user.password = new_password
        else:
            raise AssertionError(f"unexpected Keycloak page {current!r} at {page.url}")
        _wait_for_next_page(page, current)
