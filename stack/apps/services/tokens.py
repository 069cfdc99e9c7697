"""Verifies Keycloak access tokens (signature against the realm JWKS, issuer, expiry, audience).

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

    async def verify(self, token: str, audience: str | None = None) -> dict[str, Any]:
        """Returns the claims of a valid access token; raises InvalidToken otherwise."""
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
        if claims.get("typ", "Bearer") != "Bearer":
            raise InvalidToken(f"a {claims.get('typ')} token is not an access token")
        if audience is not None:
            audiences = claims.get("aud") or []
            audiences = [audiences] if isinstance(audiences, str) else audiences
            if audience not in audiences and claims.get("azp") != audience:
                raise InvalidToken(f"the token is not meant for {audience}")
        return claims


def client_roles(claims: dict[str, Any]) -> dict[str, list[str]]:
    """Client roles from ``resource_access``: {client_id: [role, ...]}."""
    access = claims.get("resource_access") or {}
    return {client: sorted(entry.get("roles", [])) for client, entry in access.items() if isinstance(entry, dict)}
