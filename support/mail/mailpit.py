"""Mail reader for Mailpit's REST API v1 (search, read, delete); the reference stack's default mailbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from support.mail.base import DEFAULT_POLL_INTERVAL_S, Envelope, Inbox, MailError, MailMessage

SEARCH_LIMIT = 50
REQUEST_TIMEOUT_S = 10.0


def _addresses(entries: Sequence[Mapping[str, Any]] | None) -> tuple[str, ...]:
    return tuple(str(entry.get("Address", "")) for entry in entries or () if entry.get("Address"))


def _timestamp(value: str) -> datetime:
    # Mailpit writes RFC 3339 with up to nanoseconds; Python keeps microseconds
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class MailpitInbox(Inbox):
    """Reads Mailpit. A poll is one search, whose answer holds the headers only (summaries); the one match is
    then read in full. Its search matches substrings (`to:a@x` finds `ba@x`), so the exact match is done
    here; it never asks Mailpit to check links, because invitation links work only once."""

    _transient_errors = (httpx.TransportError,)

    def __init__(
        self,
        base_url: str,
        *,
        client: httpx.Client | None = None,
        default_timeout_s: float = 30.0,
        poll_interval_s: float = DEFAULT_POLL_INTERVAL_S,
        clock_tolerance_s: float = 5.0,
    ) -> None:
        super().__init__(
            default_timeout_s=default_timeout_s,
            poll_interval_s=poll_interval_s,
            clock_tolerance_s=clock_tolerance_s,
        )
        self.base_url = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=REQUEST_TIMEOUT_S)

    @property
    def description(self) -> str:
        return f"Mailpit at {self.base_url}"

    def _get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        response = self._client.get(f"{self.base_url}{path}", params=params)
        if response.status_code != 200:
            raise MailError(f"{self.description}: GET {path} answered {response.status_code}: {response.text[:200]}")
        return response.json()

    @staticmethod
    def _envelope(summary: Mapping[str, Any]) -> Envelope:
        return Envelope(
            mailbox_id=str(summary["ID"]),
            subject=str(summary.get("Subject", "")),
            sender=str((summary.get("From") or {}).get("Address", "")),
            recipients=_addresses(summary.get("To")) + _addresses(summary.get("Cc")) + _addresses(summary.get("Bcc")),
            received_at=_timestamp(str(summary["Created"])),
        )

    def _envelopes_for(self, recipient: str, since: datetime) -> Sequence[Envelope]:
        found = self._get("/api/v1/search", {"query": f'to:"{recipient}"', "limit": SEARCH_LIMIT})
        return [self._envelope(summary) for summary in found.get("messages") or ()]

    def _recent_envelopes(self, recipient: str, limit: int) -> Sequence[Envelope]:
        found = self._get("/api/v1/messages", {"limit": limit})
        return [self._envelope(summary) for summary in found.get("messages") or ()]

    def _load(self, envelope: Envelope) -> MailMessage:
        full = self._get(f"/api/v1/message/{envelope.mailbox_id}")
        return MailMessage(
            subject=str(full.get("Subject", "")),
            sender=str((full.get("From") or {}).get("Address", "")),
            recipients=_addresses(full.get("To")) + _addresses(full.get("Cc")) + _addresses(full.get("Bcc")),
            text=str(full.get("Text") or ""),
            html=str(full.get("HTML") or ""),
            received_at=envelope.received_at,
            message_id=str(full.get("MessageID") or ""),
            mailbox_id=envelope.mailbox_id,
            mailbox=self.base_url,
        )

    def delete(self, messages: Iterable[MailMessage]) -> None:
        ids = [message.mailbox_id for message in messages if message.mailbox_id]
        if not ids:
            return  # an empty ID list would make Mailpit delete every message
        response = self._client.request("DELETE", f"{self.base_url}/api/v1/messages", json={"IDs": ids})
        if response.status_code != 200:
            raise MailError(f"{self.description}: deleting {len(ids)} messages answered {response.status_code}")

    def close(self) -> None:
        super().close()
        if self._owns_client:
            self._client.close()
