"""Mail reader for any IMAP mailbox (imap-tools): a shared real mailbox with plus-addresses, or GreenMail
with one mailbox per address (`UAT_IMAP_USER={address}`)."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxTaggedResponseError

from support.mail.base import DEFAULT_POLL_INTERVAL_S, Envelope, Inbox, MailError, MailMessage
from support.secrets import Secret

ADDRESS_PLACEHOLDER = "{address}"
CONNECT_TIMEOUT_S = 20.0
# one IDLE lasts at most this long, so that close() from another thread is never kept waiting longer
IDLE_CHUNK_S = 0.5

log = logging.getLogger(__name__)


class MailboxSession(Protocol):
    """The part of an imap-tools mailbox this reader uses (a fake in unit tests)."""

    client: Any
    idle: Any

    def uids(self, criteria: Any = ..., charset: str = ..., sort: Any = ...) -> list[str]: ...

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
        poll_interval_s: float = DEFAULT_POLL_INTERVAL_S,
        clock_tolerance_s: float = 5.0,
        use_idle: bool = False,
    ) -> None:
        """`login` may contain {address}: then each recipient's own mailbox is opened with that address.
        With `use_idle`, the pause between polls is an IMAP IDLE where the server offers it. Off by default: with
        GreenMail 2.1.13, IDLE lost mail in bench/mail_latency.py (4-6 of 10 messages never seen, the session
        stuck after `* n EXISTS` came before the go-ahead); the NOOP polls found 20 of 20."""
        super().__init__(
            default_timeout_s=default_timeout_s,
            poll_interval_s=poll_interval_s,
            clock_tolerance_s=clock_tolerance_s,
        )
        self._connect = connect
        self._login_template = login
        self._server = server
        self._folder = folder
        self._use_idle = use_idle
        self._sessions: dict[str, MailboxSession] = {}
        self._envelopes: dict[tuple[str, str], Envelope] = {}  # (login, UID): headers read once

    @property
    def description(self) -> str:
        return f"IMAP {self._folder} of {self._login_template} at {self._server}"

    def _login_for(self, recipient: str) -> str:
        return self._login_template.replace(ADDRESS_PLACEHOLDER, recipient)

    def _session(self, login: str) -> MailboxSession:
        if login not in self._sessions:
            self._sessions[login] = self._connect(login)
        return self._sessions[login]

    def _envelopes_for(self, recipient: str, since: datetime) -> Sequence[Envelope]:
        """A poll: the UIDs the server finds (recipient and day), the headers of those not seen before; bodies are
        read only for the one match (`_load`)."""
        login = self._login_for(recipient)
        # SINCE counts whole days in the server's time zone: ask one day early, filter precisely later
        criteria = AND(to=recipient, date_gte=(since - timedelta(days=1)).date())
        try:
            session = self._session(login)
            # A selected folder does not show new mail to a long-lived session until a command
            # refreshes it; NOOP is that command.
            session.client.noop()
            uids = [str(uid) for uid in session.uids(criteria)]
            # fetched by UID list, without a second SEARCH: GreenMail refuses `UID SEARCH UID …`
            new = [uid for uid in uids if (login, uid) not in self._envelopes]
            if new:
                for message in session.fetch(uid_list=new, mark_seen=False, headers_only=True, bulk=True):
                    self._envelopes[(login, str(message.uid))] = self._envelope(login, message)
        except self._transient_errors:
            self._drop(login)  # reconnect on the next poll
            raise
        return [self._envelopes[(login, uid)] for uid in uids if (login, uid) in self._envelopes]

    def _recent_envelopes(self, recipient: str, limit: int) -> Sequence[Envelope]:
        login = self._login_for(recipient)
        criteria = AND(date_gte=(datetime.now(UTC) - timedelta(days=1)).date())
        try:
            fetched = self._session(login).fetch(
                criteria, limit=limit, reverse=True, mark_seen=False, headers_only=True, bulk=True
            )
            return [self._envelope(login, message) for message in fetched]
        except self._transient_errors:
            self._drop(login)
            raise

    def _envelope(self, login: str, message: Any) -> Envelope:
        key = (login, str(message.uid))
        first_seen = self._envelopes[key].received_at if key in self._envelopes else datetime.now(UTC)
        return Envelope(
            mailbox_id=str(message.uid),
            subject=str(message.subject or ""),
            sender=str(message.from_ or ""),
            recipients=tuple(message.to) + tuple(message.cc) + tuple(message.bcc),
            received_at=_received_at(message, first_seen),
            mailbox=login,
        )

    def _load(self, envelope: Envelope) -> MailMessage:
        login = envelope.mailbox
        try:
            fetched = list(self._session(login).fetch(uid_list=[envelope.mailbox_id], mark_seen=False, bulk=True))
        except self._transient_errors:
            self._drop(login)
            raise
        if not fetched:
            raise MailError(f"{self.description}: message UID {envelope.mailbox_id} of {login} is gone")
        message = fetched[0]
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

    def _pause(self, recipient: str, seconds: float) -> bool:
        """IMAP IDLE until the server reports new mail or `seconds` pass, where the server offers IDLE (the next
        poll then finds the mail at once); otherwise a plain pause before the next NOOP poll."""
        login = self._login_for(recipient)
        session = self._sessions.get(login)
        if not self._use_idle or session is None or "IDLE" not in getattr(session.client, "capabilities", ()):
            return super()._pause(recipient, seconds)
        try:
            session.idle.wait(timeout=min(seconds, IDLE_CHUNK_S))
        except (*self._transient_errors, MailboxTaggedResponseError):
            # MailboxTaggedResponseError: news (e.g. `* 1 EXISTS`) came before the server's go-ahead for IDLE; the
            # session's state is unknown then, so start afresh: the next poll reconnects and finds the mail
            self._drop(login)
        except imaplib.IMAP4.error as error:  # the server offers IDLE but refused it: poll from now on
            log.info("%s refused IDLE (%s); polling with NOOP instead", self.description, error)
            self._use_idle = False
        return self._closed.is_set()

    def delete(self, messages: Iterable[MailMessage]) -> None:
        by_login: dict[str, list[str]] = {}
        for message in messages:
            if message.mailbox_id:
                by_login.setdefault(message.mailbox or self._login_template, []).append(message.mailbox_id)
        for login, uids in by_login.items():
            self._session(login).delete(uids)
            for uid in uids:
                self._envelopes.pop((login, uid), None)

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
