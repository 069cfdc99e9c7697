"""Mail reader for any IMAP mailbox (imap-tools): a shared real mailbox with plus-addresses, or GreenMail
with one mailbox per address (`UAT_IMAP_USER={address}`)."""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

from support.mail.base import Envelope, Inbox, MailError, MailMessage
from support.secrets import Secret

ADDRESS_PLACEHOLDER = "{address}"
CONNECT_TIMEOUT_S = 20.0


class MailboxSession(Protocol):
    """The part of an imap-tools mailbox this reader uses (a fake in unit tests)."""

    client: Any

    def fetch(
        self,
        criteria: Any = ...,
        charset: str | None = ...,
        *,
        limit: Any = ...,
        mark_seen: bool = ...,
        reverse: bool = ...,
        headers_only: bool = ...,
        bulk: Any = ...,
        sort: Any = ...,
        uid_list: Any = ...,
    ) -> Iterable[Any]: ...

    def delete(self, uid_list: Any, chunks: int | None = ...) -> Any: ...

    def logout(self) -> Any: ...


Connector = Callable[[str], MailboxSession]


def imap_connector(
    host: str, port: int, password: Secret, *, security: str = "ssl", folder: str = "INBOX"
) -> Connector:
    """A function that opens and logs in an imap-tools session for a given login name."""

    def connect(login: str) -> MailboxSession:
        mailbox: BaseMailBox
        if security == "ssl":
            mailbox = MailBox(host, port, timeout=CONNECT_TIMEOUT_S, ssl_context=ssl.create_default_context())
        elif security == "starttls":
            mailbox = MailBoxStartTls(host, port, timeout=CONNECT_TIMEOUT_S, ssl_context=ssl.create_default_context())
        elif security == "none":
            mailbox = MailBoxUnencrypted(host, port, timeout=CONNECT_TIMEOUT_S)
        else:
            raise MailError(f"unknown IMAP security {security!r} (ssl, starttls or none)")
        try:
            return mailbox.login(login, password.reveal(), initial_folder=folder)
        except Exception as exc:
            raise MailError(f"IMAP login as {login} at {host}:{port} ({security}) failed: {exc}") from exc

    return connect


def _received_at(message: Any, first_seen: datetime) -> datetime:
    moment: datetime = message.date
    if moment.year <= 1900:  # imap-tools' value for a missing or unreadable Date header
        return first_seen
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ImapInbox(Inbox):
    """Reads an IMAP folder without marking anything seen. IMAP's SINCE is a whole day, so the server
    search is broad (recipient and day) and the exact recipient and time are checked here."""

    _transient_errors = (OSError, imaplib.IMAP4.abort)

    def __init__(
        self,
        connect: Connector,
        *,
        login: str,
        server: str,
        folder: str = "INBOX",
        default_timeout_s: float = 30.0,
        poll_interval_s: float = 0.2,
        clock_tolerance_s: float = 5.0,
    ) -> None:
        """`login` may contain {address}: then each recipient's own mailbox is opened with that address."""
        super().__init__(
            default_timeout_s=default_timeout_s,
            poll_interval_s=poll_interval_s,
            clock_tolerance_s=clock_tolerance_s,
        )
        self._connect = connect
        self._login_template = login
        self._server = server
        self._folder = folder
        self._sessions: dict[str, MailboxSession] = {}
        self._messages: dict[tuple[str, str], Any] = {}
        self._first_seen: dict[tuple[str, str], datetime] = {}

    @property
    def description(self) -> str:
        return f"IMAP {self._folder} of {self._login_template} at {self._server}"

    def _login_for(self, recipient: str) -> str:
        return self._login_template.replace(ADDRESS_PLACEHOLDER, recipient)

    def _session(self, login: str) -> MailboxSession:
        if login not in self._sessions:
            self._sessions[login] = self._connect(login)
        return self._sessions[login]

    def _fetch(self, login: str, criteria: Any, **options: Any) -> list[Envelope]:
        try:
            session = self._session(login)
            # A selected folder does not show new mail to a long-lived session until a command
            # refreshes it; NOOP is that command.
            session.client.noop()
            fetched = list(session.fetch(criteria, mark_seen=False, bulk=True, **options))
        except self._transient_errors:
            self._drop(login)  # reconnect on the next poll
            raise
        now = datetime.now(UTC)
        envelopes = []
        for message in fetched:
            key = (login, str(message.uid))
            self._first_seen.setdefault(key, now)
            if not options.get("headers_only"):
                self._messages[key] = message
            envelopes.append(
                Envelope(
                    mailbox_id=str(message.uid),
                    subject=str(message.subject or ""),
                    sender=str(message.from_ or ""),
                    recipients=tuple(message.to) + tuple(message.cc) + tuple(message.bcc),
                    received_at=_received_at(message, self._first_seen[key]),
                    mailbox=login,
                )
            )
        return envelopes

    def _envelopes_for(self, recipient: str, since: datetime) -> Sequence[Envelope]:
        # SINCE counts whole days in the server's time zone: ask one day early, filter precisely later
        criteria = AND(to=recipient, date_gte=(since - timedelta(days=1)).date())
        return self._fetch(self._login_for(recipient), criteria)

    def _recent_envelopes(self, recipient: str, limit: int) -> Sequence[Envelope]:
        criteria = AND(date_gte=(datetime.now(UTC) - timedelta(days=1)).date())
        return self._fetch(self._login_for(recipient), criteria, limit=limit, reverse=True, headers_only=True)

    def _load(self, envelope: Envelope) -> MailMessage:
        login = envelope.mailbox
        message = self._messages.get((login, envelope.mailbox_id))
        if message is None:
            raise MailError(f"{self.description}: message UID {envelope.mailbox_id} of {login} was not fetched")
        message_ids = message.headers.get("message-id", ("",))
        return MailMessage(
            subject=str(message.subject or ""),
            sender=str(message.from_ or ""),
            recipients=envelope.recipients,
            text=str(message.text or ""),
            html=str(message.html or ""),
            received_at=envelope.received_at,
            message_id=message_ids[0].strip() if message_ids else "",
            mailbox_id=envelope.mailbox_id,
            mailbox=login,
        )

    def delete(self, messages: Iterable[MailMessage]) -> None:
        by_login: dict[str, list[str]] = {}
        for message in messages:
            if message.mailbox_id:
                by_login.setdefault(message.mailbox or self._login_template, []).append(message.mailbox_id)
        for login, uids in by_login.items():
            self._session(login).delete(uids)

    def _drop(self, login: str) -> None:
        session = self._sessions.pop(login, None)
        if session is not None:
            # the connection may already be gone; there is nothing left to release then
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                session.logout()

    def close(self) -> None:
        super().close()
        for login in list(self._sessions):
            self._drop(login)
