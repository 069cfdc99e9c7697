"""Keycloak admin REST calls the apps make as the ``famhp-provisioner`` service account.

Users, organisation memberships and client roles; the token is fetched by client credentials and reused.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx


class KeycloakAdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"Keycloak admin API answered {status}: {message}")


class UserAlreadyExists(KeycloakAdminError):
    pass


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    alias: str


@dataclass(frozen=True)
class Member:
    id: str
    email: str
    first_name: str
    last_name: str
    enabled: bool

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


@dataclass(frozen=True)
class NewUser:
    email: str
    first_name: str
    last_name: str
    temporary_password: str
    required_actions: tuple[str, ...]
    locale: str | None = None  # the account's language: Keycloak's screens and e-mails speak it


def account_locale(account: dict[str, Any]) -> str | None:
    """The language stored on a Keycloak account (its `locale` attribute), if any."""
    stored = (account.get("attributes") or {}).get("locale") or []
    return str(stored[0]) if stored else None


class KeycloakAdmin:
    def __init__(
        self, http: httpx.AsyncClient, keycloak_url: str, realm: str, client_id: str, client_secret: str
    ) -> None:
        self._http = http
        self._token_url = f"{keycloak_url}/realms/{realm}/protocol/openid-connect/token"
        self._base = f"{keycloak_url}/admin/realms/{realm}"
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = asyncio.Lock()
        self._client_uuids: dict[str, str] = {}

    async def _access_token(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._token_expires:
                response = await self._http.post(
                    self._token_url,
                    data={"grant_type": "client_credentials"},
                    auth=(self._client_id, self._client_secret),
                )
                if response.status_code != 200:
                    raise KeycloakAdminError(response.status_code, "the service account could not sign in")
                body = response.json()
                self._token = body["access_token"]
                # renew early so a token never expires between check and use
                self._token_expires = time.monotonic() + max(10, int(body.get("expires_in", 60)) - 30)
            return self._token

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self._access_token()}"}
        response = await self._http.request(method, f"{self._base}{path}", headers=headers, **kwargs)
        if response.status_code == 409:
            raise UserAlreadyExists(409, _error_text(response))
        if response.status_code >= 400:
            raise KeycloakAdminError(response.status_code, _error_text(response))
        return response

    # organisations -------------------------------------------------------------------------------

    async def user_organizations(self, user_id: str) -> list[Organization]:
        response = await self._call("GET", f"/organizations/members/{user_id}/organizations")
        return sorted((_organization(item) for item in response.json()), key=lambda org: org.name)

    async def organization_members(self, org_id: str, search: str = "", limit: int = 100) -> list[Member]:
        params: dict[str, str | int] = {"first": 0, "max": limit}
        if search:
            params["search"] = search
        response = await self._call("GET", f"/organizations/{org_id}/members", params=params)
        return [_member(item) for item in response.json()]

    async def add_member(self, org_id: str, user_id: str) -> None:
        # the body is the bare user id as a JSON string
        await self._call("POST", f"/organizations/{org_id}/members", json=user_id)

    async def remove_member(self, org_id: str, user_id: str) -> None:
        """Ends one membership; the account and its other memberships stay (a member already gone is fine)."""
        try:
            await self._call("DELETE", f"/organizations/{org_id}/members/{user_id}")
        except KeycloakAdminError as error:
            if error.status != 404:
                raise

    # users ---------------------------------------------------------------------------------------

    async def create_user(self, user: NewUser) -> str:
        body = {
            "username": user.email,
            "email": user.email,
            "emailVerified": True,
            "enabled": True,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "requiredActions": list(user.required_actions),
            "credentials": [{"type": "password", "value": user.temporary_password, "temporary": True}],
        }
        if user.locale:
            body["attributes"] = {"locale": [user.locale]}
        response = await self._call("POST", "/users", json=body)
        return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]

    async def find_user_id(self, email: str) -> str | None:
        """The account whose username or e-mail is this address (usernames are e-mail addresses here)."""
        for field in ("username", "email"):
            response = await self._call("GET", "/users", params={field: email, "exact": "true"})
            found = [item for item in response.json() if str(item.get(field, "")).lower() == email.lower()]
            if found:
                return str(found[0]["id"])
        return None

    async def user(self, user_id: str) -> dict[str, Any] | None:
        try:
            response = await self._call("GET", f"/users/{user_id}")
        except KeycloakAdminError as error:
            if error.status == 404:
                return None
            raise
        return dict(response.json())

    async def delete_user(self, user_id: str) -> None:
        try:
            await self._call("DELETE", f"/users/{user_id}")
        except KeycloakAdminError as error:
            if error.status != 404:
                raise

    async def reset_password(self, user_id: str, password: str, temporary: bool) -> None:
        body = {"type": "password", "value": password, "temporary": temporary}
        await self._call("PUT", f"/users/{user_id}/reset-password", json=body)

    # client roles --------------------------------------------------------------------------------

    async def _client_uuid(self, client_id: str) -> str:
        if client_id not in self._client_uuids:
            response = await self._call("GET", "/clients", params={"clientId": client_id})
            found = response.json()
            if not found:
                raise KeycloakAdminError(404, f"no client {client_id!r} in the realm")
            self._client_uuids[client_id] = found[0]["id"]
        return self._client_uuids[client_id]

    async def client_roles(self, user_id: str, client_ids: list[str]) -> dict[str, list[str]]:
        """The user's effective roles (composites included) of each client, as Keycloak holds them now."""
        roles: dict[str, list[str]] = {}
        for client_id in client_ids:
            client_uuid = await self._client_uuid(client_id)
            response = await self._call("GET", f"/users/{user_id}/role-mappings/clients/{client_uuid}/composite")
            names = sorted(str(role["name"]) for role in response.json())
            if names:
                roles[client_id] = names
        return roles

    async def assign_client_roles(self, user_id: str, client_id: str, role_names: list[str]) -> None:
        client_uuid = await self._client_uuid(client_id)
        roles = [(await self._call("GET", f"/clients/{client_uuid}/roles/{name}")).json() for name in role_names]
        await self._call("POST", f"/users/{user_id}/role-mappings/clients/{client_uuid}", json=roles)


def _organization(item: dict[str, Any]) -> Organization:
    return Organization(id=item["id"], name=item.get("name", ""), alias=item.get("alias", ""))


def _member(item: dict[str, Any]) -> Member:
    return Member(
        id=item["id"],
        email=item.get("email") or item.get("username", ""),
        first_name=item.get("firstName", ""),
        last_name=item.get("lastName", ""),
        enabled=bool(item.get("enabled", True)),
    )


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("errorMessage") or body.get("error_description") or body.get("error") or body)
    return str(body)[:200]
