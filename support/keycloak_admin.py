"""A small client for Keycloak's admin REST API (httpx): users, client roles and organisation membership,
with an admin token that renews itself (master-realm tokens live only 60 s)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from support.closing import ClosedOnExit
from support.secrets import Secret

if TYPE_CHECKING:
    from support.config import UatConfig

log = logging.getLogger(__name__)

ADMIN_CLIENT_ID = "admin-cli"
DEFAULT_TIMEOUT_S = 30.0
# renew this long before the token's end, so a request never leaves with a token that expires on the way
TOKEN_RENEWAL_MARGIN_S = 15.0


class KeycloakAdminError(Exception):
    """The admin API refused or failed a call; the message names the call and Keycloak's reason."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class UserAccount:
    """A realm user as the admin API describes it (the parts the suite looks at)."""

    id: str
    username: str
    email: str
    first_name: str
    last_name: str
    enabled: bool
    email_verified: bool
    required_actions: tuple[str, ...]
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_representation(cls, raw: Mapping[str, Any]) -> UserAccount:
        return cls(
            id=str(raw["id"]),
            username=str(raw.get("username", "")),
            email=str(raw.get("email", "")),
            first_name=str(raw.get("firstName", "")),
            last_name=str(raw.get("lastName", "")),
            enabled=bool(raw.get("enabled", False)),
            email_verified=bool(raw.get("emailVerified", False)),
            required_actions=tuple(raw.get("requiredActions") or ()),
            attributes={name: tuple(values) for name, values in (raw.get("attributes") or {}).items()},
        )


class _RenewingAdminToken(httpx.Auth):
    """Bearer token of an admin account, fetched with the password grant through the same client (so one
    transport serves both) and renewed before it expires. A 401 despite a fresh-looking token (Keycloak
    restarted, session revoked) renews once and retries."""

    requires_response_body = True  # the token answer is read inside the flow

    def __init__(
        self,
        token_url: str,
        username: str,
        password: Secret,
        client_id: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._username = username
        self._password = password
        self._client_id = client_id
        self._clock = clock
        self._token = ""
        self._expires_at = 0.0

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self._token or self._clock() >= self._expires_at:
            self._store((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {self._token}"
        response = yield request
        if response.status_code == 401:
            self._store((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request

    def _token_request(self) -> httpx.Request:
        form = {
            "grant_type": "password",
            "client_id": self._client_id,
            "username": self._username,
            "password": self._password.reveal(),
        }
        return httpx.Request("POST", self._token_url, data=form)

    def _store(self, answer: httpx.Response) -> None:
        if answer.status_code != 200:
            raise KeycloakAdminError(
                f"Keycloak refused an admin token for {self._username!r} at {self._token_url} "
                f"(HTTP {answer.status_code}: {_reason(answer)}); check UAT_KEYCLOAK_ADMIN_USERNAME, "
                "UAT_KEYCLOAK_ADMIN_PASSWORD and UAT_KEYCLOAK_ADMIN_REALM",
                status=answer.status_code,
            )
        body = answer.json()
        lifetime_s = float(body.get("expires_in", 60))
        self._token = str(body["access_token"])
        self._expires_at = self._clock() + max(lifetime_s - TOKEN_RENEWAL_MARGIN_S, 1.0)


@dataclass(frozen=True)
class Lockout:
    """Whether brute-force detection holds an account now, and for how long (from the realm's settings)."""

    locked: bool
    failures: int
    wait_s: float | None  # what is left of the wait when Keycloak says when the lock began, else the whole wait
    quick_login: bool  # locked for signing in twice within the realm's quick-login window, not for failures

    def describe(self, email: str) -> str:
        why = (
            "two sign-ins within the realm's quick-login window"
            if self.quick_login
            else f"{self.failures} failed sign-ins"
        )
        wait = f"; it unlocks in about {self.wait_s:.0f} s" if self.wait_s is not None else ""
        return f"Keycloak's brute-force detection has temporarily locked {email} ({why}){wait}"


class KeycloakAdmin(ClosedOnExit):
    """The admin REST API of one realm (`/admin/realms/{realm}`), authorised as an admin account of
    `admin_realm` (usually master). Every failure is a KeycloakAdminError naming the call."""

    def __init__(
        self,
        keycloak_url: str,
        realm: str,
        username: str,
        password: Secret,
        *,
        admin_realm: str = "master",
        client_id: str = ADMIN_CLIENT_ID,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keycloak_url = keycloak_url.rstrip("/")
        self.realm = realm
        token_url = f"{self.keycloak_url}/realms/{quote(admin_realm)}/protocol/openid-connect/token"
        self._http = httpx.Client(
            base_url=f"{self.keycloak_url}/admin/realms/{quote(realm)}",
            auth=_RenewingAdminToken(token_url, username, password, client_id, clock),
            timeout=timeout_s,
            transport=transport,
        )
        self._client_uuids: dict[str, str] = {}
        self._client_roles: dict[str, dict[str, dict[str, Any]]] = {}
        self._organization_ids: dict[str, str] = {}

    @classmethod
    def from_config(cls, config: UatConfig) -> KeycloakAdmin:
        """From a `UatConfig`; fails with a ConfigurationError naming the unset UAT_* variables."""
        config.require(
            "keycloak_url", "realm", "keycloak_admin_username", "keycloak_admin_password",
            purpose="the Keycloak admin API",
        )  # fmt: skip
        username, password = config.keycloak_admin_username, config.keycloak_admin_password
        assert username is not None and password is not None  # require() has just checked them
        return cls(config.keycloak_url, config.realm, username, password, admin_realm=config.keycloak_admin_realm)

    def close(self) -> None:
        self._http.close()

    # -- users ---------------------------------------------------------------------------------------

    def import_user(self, representation: Mapping[str, Any]) -> str:
        """Create one user through the realm's partial import (which, unlike POST /users, takes an OTP
        credential with a known secret); fails if the username exists. Returns the new user's id."""
        answer = self._call(
            "POST", "/partialImport", json={"ifResourceExists": "FAIL", "users": [dict(representation)]}
        )
        added = [
            result for result in answer.json().get("results", [])
            if result.get("resourceType") == "USER" and result.get("action") == "ADDED"
        ]  # fmt: skip
        if len(added) != 1:
            raise KeycloakAdminError(
                f"the partial import of {representation.get('username')!r} added {len(added)} users: "
                f"{answer.text[:300]}"
            )
        return str(added[0]["id"])

    def find_user(self, email: str) -> UserAccount | None:
        """The user whose e-mail is exactly `email` (case-insensitive), or None."""
        found = self._call("GET", "/users", params={"email": email, "exact": "true"}).json()
        matches = [raw for raw in found if str(raw.get("email", "")).lower() == email.lower()]
        return UserAccount.from_representation(matches[0]) if matches else None

    def users_matching(self, text: str, page_size: int = 500) -> list[UserAccount]:
        """Every user whose username, e-mail or name contains `text` (Keycloak's search), page by page."""
        found: list[UserAccount] = []
        while True:
            # Keycloak searches by prefix unless told otherwise: *text* is "contains"
            params: dict[str, str | int] = {"search": f"*{text}*", "first": len(found), "max": page_size}
            page = self._call("GET", "/users", params=params).json()
            found += [UserAccount.from_representation(raw) for raw in page]
            if len(page) < page_size:
                return found

    def user(self, user_id: str) -> UserAccount | None:
        """The user with this id, or None when there is none (404)."""
        answer = self._call("GET", f"/users/{quote(user_id)}", allow=(404,))
        return None if answer.status_code == 404 else UserAccount.from_representation(answer.json())

    def delete_user(self, user_id: str) -> bool:
        """Delete the user; True when it was deleted, False when it was already gone (404)."""
        answer = self._call("DELETE", f"/users/{quote(user_id)}", allow=(404,))
        return answer.status_code != 404

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        """Enable or disable the account (a disabled account cannot sign in; its sessions stay until checked)."""
        self._call("PUT", f"/users/{quote(user_id)}", json={"enabled": enabled})

    def add_client_roles(self, user_id: str, client_id: str, role_names: Sequence[str]) -> None:
        roles = [self._roles_of_client(client_id)[name] for name in role_names]
        self._call("POST", f"/users/{quote(user_id)}/role-mappings/clients/{self.client_uuid(client_id)}", json=roles)

    def remove_client_roles(self, user_id: str, client_id: str, role_names: Sequence[str]) -> None:
        roles = [self._roles_of_client(client_id)[name] for name in role_names]
        path = f"/users/{quote(user_id)}/role-mappings/clients/{self.client_uuid(client_id)}"
        self._call("DELETE", path, json=roles)

    def client_roles_of(self, user_id: str) -> dict[str, list[str]]:
        """The client roles mapped directly to the user: client id -> sorted role names."""
        mappings = self._call("GET", f"/users/{quote(user_id)}/role-mappings").json()
        return {
            client_id: sorted(str(role["name"]) for role in mapping.get("mappings", []))
            for client_id, mapping in (mappings.get("clientMappings") or {}).items()
        }

    # -- clients and roles ---------------------------------------------------------------------------

    def client_uuid(self, client_id: str) -> str:
        if client_id not in self._client_uuids:
            found = self._call("GET", "/clients", params={"clientId": client_id}).json()
            matches = [raw for raw in found if raw.get("clientId") == client_id]
            if not matches:
                raise KeycloakAdminError(f"realm {self.realm!r} has no client {client_id!r}")
            self._client_uuids[client_id] = str(matches[0]["id"])
        return self._client_uuids[client_id]

    def check_client_roles(self, roles: Mapping[str, Sequence[str]]) -> None:
        """Fail naming every client or role that does not exist: the partial import would create a
        misspelt role on the client (changing the realm) and fails with a bare 500 on an unknown client."""
        problems = []
        for client_id, names in roles.items():
            try:
                known = self._roles_of_client(client_id)
            except KeycloakAdminError as exc:
                problems.append(str(exc))
                continue
            missing = sorted(set(names) - set(known))
            if missing:
                offered = ", ".join(sorted(known))
                problems.append(f"client {client_id!r} has no role {', '.join(missing)} (it has: {offered})")
        if problems:
            raise KeycloakAdminError("; ".join(problems))

    def _roles_of_client(self, client_id: str) -> dict[str, dict[str, Any]]:
        if client_id not in self._client_roles:
            listed = self._call("GET", f"/clients/{self.client_uuid(client_id)}/roles").json()
            self._client_roles[client_id] = {str(role["name"]): role for role in listed}
        return self._client_roles[client_id]

    # -- organisations -------------------------------------------------------------------------------

    def organization_id(self, name: str) -> str:
        """The id of the organisation called exactly `name`."""
        if name not in self._organization_ids:
            found = self._call("GET", "/organizations", params={"search": name, "exact": "true"}).json()
            matches = [raw for raw in found if raw.get("name") == name]
            if not matches:
                raise KeycloakAdminError(f"realm {self.realm!r} has no organisation {name!r}")
            self._organization_ids[name] = str(matches[0]["id"])
        return self._organization_ids[name]

    def organization_ids(self, names: Iterable[str]) -> dict[str, str]:
        """Name -> id for each organisation; fails naming every unknown one at once."""
        ids, unknown = {}, []
        for name in names:
            try:
                ids[name] = self.organization_id(name)
            except KeycloakAdminError:
                unknown.append(name)
        if unknown:
            raise KeycloakAdminError(f"realm {self.realm!r} has no organisation {', '.join(map(repr, unknown))}")
        return ids

    def add_organization_member(self, organization_id: str, user_id: str) -> None:
        # the body is the bare user id as a JSON string, not an object
        self._call("POST", f"/organizations/{quote(organization_id)}/members", json=user_id)

    def remove_organization_member(self, organization_id: str, user_id: str) -> bool:
        """End one membership; True when it ended, False when the user was not a member (404)."""
        answer = self._call("DELETE", f"/organizations/{quote(organization_id)}/members/{quote(user_id)}", allow=(404,))
        return answer.status_code != 404

    def organizations_of(self, user_id: str) -> list[str]:
        """The names of the organisations the user is a member of, sorted."""
        found = self._call("GET", f"/organizations/members/{quote(user_id)}/organizations").json()
        return sorted(str(raw["name"]) for raw in found)

    def lockout_of(self, user_id: str) -> Lockout:
        """Brute-force detection's view of the user (`attack-detection`), with the wait the realm imposes."""
        status = self._call("GET", f"/attack-detection/brute-force/users/{quote(user_id)}").json()
        realm = self._call("GET", "").json()
        failures = int(status.get("numFailures") or 0)
        factor = int(realm.get("failureFactor") or 30)
        quick_login = failures < factor
        if quick_login:
            wait = float(realm.get("minimumQuickLoginWaitSeconds") or 60)
        else:
            wait = min(
                float(realm.get("waitIncrementSeconds") or 60) * (failures // factor),
                float(realm.get("maxFailureWaitSeconds") or 900),
            )
        last_failure_ms = int(status.get("lastFailure") or 0)
        if last_failure_ms:
            wait = max(last_failure_ms / 1000 + wait - time.time(), 0)
        return Lockout(bool(status.get("disabled")), failures, wait, quick_login)

    def clear_lockout(self, user_id: str) -> None:
        """Forget the user's failed sign-ins (brute-force detection lets them in again at once)."""
        self._call("DELETE", f"/attack-detection/brute-force/users/{quote(user_id)}")

    def sessions_of(self, user_id: str) -> list[dict[str, Any]]:
        """The user's active sessions (`start` and `lastAccess` in epoch milliseconds)."""
        return list(self._call("GET", f"/users/{quote(user_id)}/sessions").json())

    # -- transport -----------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, allow: Sequence[int] = (), **kwargs: Any) -> httpx.Response:
        try:
            answer = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise KeycloakAdminError(f"{method} {self._http.base_url}{path} failed: {exc}") from exc
        if answer.is_success or answer.status_code in allow:
            return answer
        raise KeycloakAdminError(
            f"{method} {self._http.base_url}{path} answered HTTP {answer.status_code}: {_reason(answer)}",
            status=answer.status_code,
        )


def _reason(answer: httpx.Response) -> str:
    """Keycloak's own explanation (errorMessage / error_description), else the start of the body."""
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:200] or "no body"
    if isinstance(body, dict):
        for key in ("errorMessage", "error_description", "error"):
            if body.get(key):
                return str(body[key])
    return str(body)[:200]
