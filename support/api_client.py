"""The FAMHP Connect API as an organisation's tool calls it: the profile's API check (a GET with the key in a
header) and what its answer says about the caller. The key is a Secret: it goes into the header and nowhere else
(no log, no message)."""

from __future__ import annotations

from typing import Any

import httpx

from support.closing import ClosedOnExit
from support.secrets import Secret
from support.target import ApiCheck

DEFAULT_TIMEOUT_S = 15.0


class ConnectApi(ClosedOnExit):
    """Returns the raw response, so scenarios can check refusals (a revoked key) as well as answers."""

    def __init__(
        self,
        base_url: str,
        check: ApiCheck,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.check = check
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def call_with(self, api_key: Secret | None) -> httpx.Response:
        """The API check with this key (None sends no key at all)."""
        if api_key is not None and not isinstance(api_key, Secret):
            # a plain str would end up in tracebacks and reports unmasked
            raise TypeError(f"the API key must be a Secret, not {type(api_key).__name__}")
        headers = {self.check.key_header: api_key.reveal()} if api_key is not None else {}
        return self._http.get(self.check.path, headers=headers)

    def identity_mismatch(self, answer: httpx.Response, organisation: str, key_name: str) -> str | None:
        """Why `answer` is not the API accepting the key `key_name` of `organisation` (None when it is)."""
        if answer.status_code != self.check.accepted_status:
            return f"the API refused {key_name!r}: HTTP {answer.status_code} {answer.text}"
        identity = answer.json()
        shown = _field(identity, self.check.organisation_field)
        if shown != organisation:
            return f"the API answered for organisation {shown!r}, not {organisation!r}: {identity}"
        if self.check.key_name_field and (shown_key := _field(identity, self.check.key_name_field)) != key_name:
            return f"the API answered for key {shown_key!r}, not {key_name!r}: {identity}"
        return None

    def refuses(self, answer: httpx.Response) -> bool:
        return answer.status_code == self.check.refused_status

    def close(self) -> None:
        self._http.close()


def _field(document: Any, dotted_path: str) -> Any:
    """`organization.name` of a JSON answer; None where the path leads nowhere."""
    for part in dotted_path.split("."):
        if not isinstance(document, dict) or part not in document:
            return None
        document = document[part]
    return document
