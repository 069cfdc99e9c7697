"""Verifies Keycloak access tokens (signature against the realm JWKS, issuer, expiry, type, the client it was issued
to).

Used for the bearer-token JSON API and to read client roles from the tokens the apps receive at sign-in.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

LEEWAY_SECONDS = 30
_JWKS_REFRESH_FLOOR_SECONDS = 30  # an unknown kid triggers at most one refetch per this many seconds


class InvalidToken(Exception):
    """The token is not a valid, current access token of this realm (the message says why)."""


class TokenVerifier:
    def __init__(self, http: httpx.AsyncClient, issuer: str) -> None:
        self._http = http
        self._issuer = issuer
        self._jwks_url = f"{issuer}/protocol/openid-connect/certs"
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _key_set(self, refresh: bool = False) -> KeySet:
        async with self._lock:
            stale = refresh and time.monotonic() - self._fetched_at > _JWKS_REFRESH_FLOOR_SECONDS
            if self._keys is None or stale:
                response = await self._http.get(self._jwks_url)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
                self._fetched_at = time.monotonic()
            return self._keys

    async def verify(self, token: str, client_id: str) -> dict[str, Any]:
        """Returns the claims of a valid access token issued to ``client_id``; raises InvalidToken otherwise.

        Issued to (``azp``), not merely addressed to (``aud``): Keycloak adds a client to the audience of any
        client's token whose user holds one of its roles, so the audience alone would let the portal's token act
        on FAMHP Connect's API."""
        try:
            try:
                decoded = jwt.decode(token, await self._key_set(), algorithms=["RS256"])
            except InvalidKeyIdError:
                # Keycloak rotated its keys since we last looked
                decoded = jwt.decode(token, await self._key_set(refresh=True), algorithms=["RS256"])
            registry = jwt.JWTClaimsRegistry(
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": self._issuer},
                exp={"essential": True},
                sub={"essential": True},
            )
            registry.validate(decoded.claims)
        except ExpiredTokenError as error:
            raise InvalidToken("the token has expired") from error
        except (JoseError, ValueError) as error:
            raise InvalidToken(f"the token is not valid ({error.__class__.__name__})") from error
        except httpx.HTTPError as error:
            raise InvalidToken("the realm's signing keys could not be fetched") from error

        claims = decoded.claims
        if claims.get("typ") != "Bearer":
            raise InvalidToken("the token is not an access token (typ is not Bearer)")
        if claims.get("azp") != client_id:
            raise InvalidToken(f"the token was not issued to {client_id}")
        return claims


def client_roles(claims: dict[str, Any]) -> dict[str, list[str]]:
    """Client roles from ``resource_access``: {client_id: [role, ...]}."""
    access = claims.get("resource_access") or {}
    return {client: sorted(entry.get("roles", [])) for client, entry in access.items() if isinstance(entry, dict)}
