"""The few admin REST calls the stack makes on a running Keycloak (as its bootstrap admin): read and update
the realm, e.g. its login theme, without a restart."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from stack.errors import StackError


class KeycloakAdmin:
    """One admin session on the stack's Keycloak; a token per instance (master tokens live 60 s)."""

    # Keycloak's first admin answers after a start take well over 10 s on a loaded 2-core machine
    def __init__(self, url: str, username: str, password: str, timeout_s: float = 30) -> None:
        self.url = url.rstrip("/")
        self._username = username
        self._password = password
        self._timeout_s = timeout_s
        self._token: str | None = None

    def realm(self, realm: str) -> dict:
        return dict(self._call("GET", f"/admin/realms/{realm}") or {})

    def update_realm(self, realm: str, changes: dict) -> None:
        """A partial update: Keycloak leaves every attribute absent from `changes` as it is."""
        self._call("PUT", f"/admin/realms/{realm}", changes)

    def login_themes(self) -> list[str]:
        """The login themes this Keycloak serves (themes are read at start)."""
        info = self._call("GET", "/admin/serverinfo") or {}
        return sorted(str(theme["name"]) for theme in info.get("themes", {}).get("login", []))

    def identity_providers(self, realm: str) -> list[str]:
        """The aliases of the realm's identity providers."""
        return [
            str(idp["alias"]) for idp in self._call("GET", f"/admin/realms/{realm}/identity-provider/instances") or []
        ]

    def add_identity_provider(self, realm: str, representation: dict) -> None:
        self._call("POST", f"/admin/realms/{realm}/identity-provider/instances", representation)

    def remove_identity_provider(self, realm: str, alias: str) -> None:
        self._call("DELETE", f"/admin/realms/{realm}/identity-provider/instances/{alias}")

    def _bearer(self) -> str:
        if self._token is None:
            form = urllib.parse.urlencode(
                {
                    "grant_type": "password",
                    "client_id": "admin-cli",
                    "username": self._username,
                    "password": self._password,
                }
            ).encode()
            answer = self._send(
                urllib.request.Request(f"{self.url}/realms/master/protocol/openid-connect/token", data=form),
                "signing in as the stack's Keycloak admin",
            )
            self._token = str(answer["access_token"])
        return self._token

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self._bearer()}", "Content-Type": "application/json"},
        )
        return self._send(request, f"{method} {path}")

    def _send(self, request: urllib.request.Request, what: str) -> Any:  # parsed JSON
        try:
            with urllib.request.urlopen(request, timeout=self._timeout_s) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise StackError(f"Keycloak refused {what} at {self.url}: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StackError(
                f"Keycloak at {self.url} did not answer {what} ({exc}); is the stack up? (`uat stack status`)"
            ) from exc
        return json.loads(text) if text else None
