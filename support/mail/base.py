"""The one mail interface of the suite: wait for exactly one message to an exact address, with a deadline,
and explain precisely what was there instead when it does not come."""

from __future__ import annotations

import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from support.closing import ClosedOnExit
from support.secrets import mask_text

log = logging.getLogger(__name__)

SubjectFilter = str | re.Pattern[str] | None

# The first pause between polls; each next pause is longer by GROWTH, up to a share of the deadline (between the
# first pause and LONGEST_PAUSE_S): mail usually comes within a second of the action that sends it, so early polls
# are close together, and a long wait does not poll a slow server all the time.
DEFAULT_POLL_INTERVAL_S = 0.05
GROWTH = 1.25
PAUSES_PER_DEADLINE = 60
LONGEST_PAUSE_S = 1.0
PROGRESS_EVERY_S = 5.0
# A scenario's address is new, so messages a little older than its start cannot belong to another
# scenario; the tolerance absorbs clock differences and Date headers that carry whole seconds only.
DEFAULT_CLOCK_TOLERANCE_S = 5.0
RECENT_SHOWN = 10


class MailError(Exception):
    """Mail could not be read, or not the one message that was expected."""


class MailTimeout(MailError, TimeoutError):
    """The expected message did not arrive before the deadline."""


class MailAmbiguous(MailError):
    """More than one message matched where exactly one was expected."""


@dataclass(frozen=True)
class MailMessage:
    """One received e-mail, as both readers deliver it."""

    subject: str
    sender: str
    recipients: tuple[str, ...]
    text: str
    html: str
    received_at: datetime  # timezone-aware
    message_id: str
    mailbox_id: str = ""  # the reader's own handle (Mailpit ID, IMAP UID), used to delete it
    mailbox: str = ""  # where it lives (Mailpit URL, IMAP login), so cleanup reaches the right box

    def for_report(self) -> str:
        """The message as plain text for a report attachment, with every known secret masked."""
        body = self.text or self.html
        return mask_text(
            f"Subject: {self.subject}\nFrom: {self.sender}\nTo: {', '.join(self.recipients)}\n"
            f"Received: {self.received_at.isoformat()}\nMessage-ID: {self.message_id}\n\n{body}"
        )


@dataclass(frozen=True)
class Envelope:
    """What a reader knows about a message before it loads the body."""

    mailbox_id: str
    subject: str
    sender: str
    recipients: tuple[str, ...]
    received_at: datetime
    mailbox: str = ""  # which mailbox it was listed from, when a reader reads several


def normalize_address(address: str) -> str:
    """'Jane <Jane@Example.org>' -> 'jane@example.org' (addresses are compared case-insensitively)."""
    return parseaddr(address)[1].strip().lower()


def subject_matches(subject: str, wanted: SubjectFilter) -> bool:
    """A str must equal the subject (outer whitespace ignored); a compiled pattern must occur in it."""
    if wanted is None:
        return True
    if isinstance(wanted, re.Pattern):
        return wanted.search(subject) is not None
    return subject.strip() == wanted.strip()


def select_matches(
    envelopes: Iterable[Envelope],
    recipient: str,
    subject: SubjectFilter,
    since: datetime,
    tolerance: timedelta = timedelta(0),
) -> list[Envelope]:
    """The envelopes addressed exactly to `recipient` (not merely containing it: mail servers search by
    substring), with the wanted subject, received at or after `since`.

    Messages up to `tolerance` before `since` count only when none is truly after it: the tolerance
    absorbs clock skew, but must not turn a resent mail and its predecessor into two matches."""
    wanted = normalize_address(recipient)
    candidates = [
        envelope
        for envelope in envelopes
        if wanted in {normalize_address(address) for address in envelope.recipients}
        and subject_matches(envelope.subject, subject)
        and envelope.received_at >= since - tolerance
    ]
    after = [envelope for envelope in candidates if envelope.received_at >= since]
    return after or candidates


def _describe_filter(recipient: str, subject: SubjectFilter, since: datetime) -> str:
    if isinstance(subject, re.Pattern):
        about = f" with a subject matching /{subject.pattern}/"
    elif subject is not None:
        about = f" with subject {subject!r}"
    else:
        about = ""
    after = since.astimezone(UTC).isoformat(timespec="seconds")
    return f"e-mail to {recipient}{about} received after {after}"


def _why_not(envelope: Envelope, recipient: str, subject: SubjectFilter, since: datetime, tolerance: timedelta) -> str:
    reasons = []
    if normalize_address(recipient) not in {normalize_address(a) for a in envelope.recipients}:
        reasons.append("other recipient")
    if not subject_matches(envelope.subject, subject):
        reasons.append("other subject")
    if envelope.received_at < since - tolerance:
        reasons.append("received before the wait began")
    return ", ".join(reasons) or "matches"


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("`since` must be timezone-aware (e.g. datetime.now(UTC))")
    return moment


class Inbox(ABC, ClosedOnExit):
    """Reads the mail the target sends. Subclasses say how to list and load messages; this class owns
    the polling, the exact matching and the error messages, so both readers behave the same."""

    def __init__(
        self,
        *,
        default_timeout_s: float = 30.0,
        poll_interval_s: float = DEFAULT_POLL_INTERVAL_S,
        clock_tolerance_s: float = DEFAULT_CLOCK_TOLERANCE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default_timeout_s = default_timeout_s
        self.poll_interval_s = poll_interval_s
        self.clock_tolerance = timedelta(seconds=clock_tolerance_s)
        self._monotonic = monotonic
        # set by close(): a wait in progress ends at once instead of running to its deadline
        self._closed = threading.Event()

    # -- what a reader provides -----------------------------------------------------------------

    @property
    @abstractmethod
    def description(self) -> str:
        """Names the mailbox for messages, e.g. 'Mailpit at http://localhost:8025'."""

    @abstractmethod
    def _envelopes_for(self, recipient: str, since: datetime) -> Sequence[Envelope]:
        """Messages that may be addressed to `recipient` (a server-side search may return more)."""

    @abstractmethod
    def _recent_envelopes(self, recipient: str, limit: int) -> Sequence[Envelope]:
        """The newest messages in the mailbox `recipient` is read from, whoever they are for (to explain
        a timeout)."""

    @abstractmethod
    def _load(self, envelope: Envelope) -> MailMessage:
        """The full message behind an envelope."""

    @abstractmethod
    def delete(self, messages: Iterable[MailMessage]) -> None:
        """Remove these messages from the mailbox (cleanup at the end of a scenario)."""

    # Errors of the transport that a retry may cure (server restarting, connection dropped).
    _transient_errors: tuple[type[BaseException], ...] = (OSError,)

    def _pause(self, recipient: str, seconds: float) -> bool:
        """Wait up to `seconds` before the next poll; True when the inbox was closed meanwhile. A reader whose
        server can say that mail arrived (IMAP IDLE) returns as soon as it does."""
        return self._closed.wait(seconds)

    def _longest_pause(self, timeout_s: float) -> float:
        return min(
            max(self.poll_interval_s, timeout_s / PAUSES_PER_DEADLINE), max(LONGEST_PAUSE_S, self.poll_interval_s)
        )

    def close(self) -> None:
        """Release connections; a wait in progress in another thread ends with MailError."""
        self._closed.set()

    # -- what the suite uses --------------------------------------------------------------------

    def wait_for(
        self,
        recipient: str,
        subject: SubjectFilter = None,
        *,
        since: datetime,
        timeout: float | None = None,
    ) -> MailMessage:
        """Exactly one message to `recipient` (exact address) received after `since`, waiting at most
        `timeout` seconds (default: the configured mail timeout). Raises MailTimeout or MailAmbiguous."""
        since = _aware(since)
        timeout_s = self.default_timeout_s if timeout is None else timeout
        started = self._monotonic()
        deadline = started + timeout_s
        next_progress = started + PROGRESS_EVERY_S
        pause, longest_pause = self.poll_interval_s, self._longest_pause(timeout_s)
        polls = 0
        last_error: BaseException | None = None
        while True:
            polls += 1
            try:
                matches = select_matches(
                    self._envelopes_for(recipient, since), recipient, subject, since, self.clock_tolerance
                )
                last_error = None
            except self._transient_errors as exc:
                log.warning("reading %s failed, retrying until the deadline: %s", self.description, exc)
                matches, last_error = [], exc
            if len(matches) == 1:
                log.info("mail to %s arrived after %.1f s", recipient, self._monotonic() - started)
                return self._load(matches[0])
            if len(matches) > 1:
                raise MailAmbiguous(self._ambiguity_report(matches, recipient, subject, since))
            now = self._monotonic()
            if now >= deadline:
                raise MailTimeout(self._timeout_report(recipient, subject, since, now - started, polls, last_error))
            if now >= next_progress:
                log.info(
                    "still waiting for an %s in %s: %.0f s of %.0f s",
                    _describe_filter(recipient, subject, since),
                    self.description,
                    now - started,
                    timeout_s,
                )
                next_progress += PROGRESS_EVERY_S
            # A condition wait, not a fixed sleep: the loop returns as soon as the message is there,
            # gives up at the deadline, and close() wakes it at once. The pause only spaces the polls.
            if self._pause(recipient, min(pause, deadline - now)):
                raise MailError(f"{self.description} was closed while waiting for {recipient}")
            pause = min(pause * GROWTH, longest_pause)

    def messages_for(self, recipient: str, *, since: datetime) -> list[MailMessage]:
        """Every message to `recipient` received after `since`, oldest first (for reports and cleanup)."""
        since = _aware(since)
        matches = select_matches(self._envelopes_for(recipient, since), recipient, None, since, self.clock_tolerance)
        return [self._load(envelope) for envelope in sorted(matches, key=lambda e: e.received_at)]

    # -- explanations -----------------------------------------------------------------------------

    def _ambiguity_report(
        self, matches: Sequence[Envelope], recipient: str, subject: SubjectFilter, since: datetime
    ) -> str:
        listed = "\n".join(f"  - {self._line(envelope)}" for envelope in matches)
        return mask_text(
            f"expected exactly one message, but {len(matches)} in {self.description} match "
            f"the {_describe_filter(recipient, subject, since)}:\n{listed}"
        )

    def _timeout_report(
        self,
        recipient: str,
        subject: SubjectFilter,
        since: datetime,
        waited_s: float,
        polls: int,
        last_error: BaseException | None,
    ) -> str:
        seen: dict[str, Envelope] = {}
        try:
            for envelope in [
                *self._envelopes_for(recipient, since),
                *self._recent_envelopes(recipient, RECENT_SHOWN),
            ]:
                seen.setdefault(envelope.mailbox_id, envelope)
        except self._transient_errors as exc:
            last_error = last_error or exc
        others = sorted(seen.values(), key=lambda e: e.received_at, reverse=True)[:RECENT_SHOWN]
        if others:
            instead = "\n".join(
                f"  - {self._line(e)} ({_why_not(e, recipient, subject, since, self.clock_tolerance)})" for e in others
            )
            there = f"what {self.description} holds instead (newest first):\n{instead}"
        else:
            there = f"{self.description} holds no other recent message"
        error = f"\nlast error while reading: {last_error}" if last_error else ""
        return mask_text(
            f"no {_describe_filter(recipient, subject, since)} arrived in {self.description} "
            f"within {waited_s:.1f} s ({polls} polls); {there}{error}"
        )

    @staticmethod
    def _line(envelope: Envelope) -> str:
        when = envelope.received_at.astimezone(UTC).isoformat(timespec="seconds")
        return f"{envelope.subject!r} to {', '.join(envelope.recipients) or '(nobody)'} at {when}"
