"""A client for the FAMHP Connect API (`/api/v1`), authenticated by an organisation's API key in the
`X-API-Key` header. The key is a Secret: it goes into the header and nowhere else (no log, no message)."""

from __future__ import annotations

import httpx

from support.closing import ClosedOnExit
from support.secrets import Secret

API_KEY_HEADER = "X-API-Key"
DEFAULT_TIMEOUT_S = 15.0


class ConnectApi(ClosedOnExit):
    """Calls the API as a tool of the organisation would; returns the raw response so scenarios can check
    refusals (401 for a revoked key) as well as answers."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def whoami(self, api_key: Secret | None) -> httpx.Response:
        """`GET /whoami`: the organisation and key the API recognises. None sends no key at all."""
        return self._get("/whoami", api_key)

    @staticmethod
    def identity_mismatch(answer: httpx.Response, organisation: str, key_name: str) -> str | None:
        """Why `answer` is not the API accepting the key `key_name` of `organisation` (None when it is)."""
        if answer.status_code != 200:
            return f"the API refused {key_name!r}: HTTP {answer.status_code} {answer.text}"
        identity = answer.json()
        if identity["organization"]["name"] != organisation or identity["key"]["name"] != key_name:
            return f"the API answered for another organisation or key: {identity}"
        return None

    def _get(self, path: str, api_key: Secret | None) -> httpx.Response:
        if api_key is not None and not isinstance(api_key, Secret):
            # a plain str would end up in tracebacks and reports unmasked
            raise TypeError(f"the API key must be a Secret, not {type(api_key).__name__}")
        headers = {API_KEY_HEADER: api_key.reveal()} if api_key is not None else {}
        return self._http.get(path, headers=headers)

    def close(self) -> None:
        self._http.close()
