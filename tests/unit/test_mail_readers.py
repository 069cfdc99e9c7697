"""The mail readers' matching rules (exact recipient, after the start time, exactly one) and what they say
when the mail does not come, against fake transports; plus one round trip through a real Mailpit."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from support.mail import open_inbox
from support.mail.base import (
    Envelope,
    Inbox,
    MailAmbiguous,
    MailError,
    MailMessage,
    MailTimeout,
    select_matches,
)
from support.mail.extract import initial_password
from support.mail.imap import ImapInbox
from support.mail.mailpit import MailpitInbox
from tests.unit.profile_facts import PASSWORD_LABELS

NOW = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)


def envelope(
    mailbox_id: str, to: Sequence[str], subject: str = "Confirm your invitation", *, age_s: float = 0
) -> Envelope:
    return Envelope(mailbox_id, subject, "noreply@famhp.test", tuple(to), NOW - timedelta(seconds=age_s))


# -- the matching rule -----------------------------------------------------------------------------------


def test_only_the_exact_recipient_matches_not_a_substring() -> None:
    candidates = [
        envelope("1", ["ba@x.test"]),  # what a substring search for a@x.test also returns
        envelope("2", ["a@x.test.evil"]),
        envelope("3", ["Jane <A@X.test>"]),  # same address, other case and a display name
        envelope("4", ["someone@x.test", "a@x.test"]),  # one of several recipients
    ]
    matched = select_matches(candidates, "a@x.test", None, NOW - timedelta(seconds=1))
    assert [e.mailbox_id for e in matched] == ["3", "4"]


def test_subject_and_time_filters() -> None:
    candidates = [
        envelope("old", ["a@x.test"], age_s=3600),
        envelope("other", ["a@x.test"], "Your password was changed"),
        envelope("new", ["a@x.test"]),
    ]
    since = NOW - timedelta(seconds=10)
    assert [e.mailbox_id for e in select_matches(candidates, "a@x.test", "Confirm your invitation", since)] == ["new"]
    assert [e.mailbox_id for e in select_matches(candidates, "a@x.test", re.compile("password"), since)] == ["other"]
    within_tolerance = select_matches(candidates, "a@x.test", None, NOW + timedelta(seconds=2), timedelta(seconds=5))
    assert {e.mailbox_id for e in within_tolerance} == {"other", "new"}


def test_the_clock_tolerance_does_not_pair_a_resent_mail_with_its_predecessor() -> None:
    first, resent = envelope("first", ["a@x.test"], age_s=2), envelope("resent", ["a@x.test"])
    since = NOW - timedelta(seconds=1)
    tolerance = timedelta(seconds=5)
    assert [e.mailbox_id for e in select_matches([first, resent], "a@x.test", None, since, tolerance)] == ["resent"]
    # with nothing truly after `since`, a message within the tolerance still counts (clock skew)
    assert [e.mailbox_id for e in select_matches([first], "a@x.test", None, since, tolerance)] == ["first"]


# -- the waiting logic, on a fake reader -----------------------------------------------------------------


@dataclass
class FakeInbox(Inbox):
    """An inbox whose messages the test places; `arrivals` appear after that many polls."""

    held: list[Envelope] = field(default_factory=list)
    arrivals: dict[int, Envelope] = field(default_factory=dict)
    polls: int = 0

    def __post_init__(self) -> None:
        super().__init__(default_timeout_s=1.0, poll_interval_s=0.01)

    @property
    def description(self) -> str:
        return "the fake mailbox"

    def _envelopes_for(self, recipient: str, since: datetime) -> Sequence[Envelope]:
        self.polls += 1
        if self.polls in self.arrivals:
            self.held.append(self.arrivals[self.polls])
        return [e for e in self.held if recipient.split("@")[0] in " ".join(e.recipients)]

    def _recent_envelopes(self, recipient: str, limit: int) -> Sequence[Envelope]:
        return self.held[-limit:]

    def _load(self, envelope: Envelope) -> MailMessage:
        return MailMessage(
            envelope.subject,
            envelope.sender,
            envelope.recipients,
            "text",
            "",
            envelope.received_at,
            f"<{envelope.mailbox_id}@fake>",
            envelope.mailbox_id,
        )

    def delete(self, messages: Iterable[MailMessage]) -> None:
        raise NotImplementedError


def test_waits_until_the_message_arrives() -> None:
    inbox = FakeInbox(arrivals={5: envelope("late", ["a@x.test"])})
    message = inbox.wait_for("a@x.test", "Confirm your invitation", since=NOW - timedelta(seconds=1))
    assert message.mailbox_id == "late"
    assert inbox.polls == 5


def test_timeout_names_the_mailbox_the_filter_what_was_there_and_how_long() -> None:
    inbox = FakeInbox(
        held=[
            envelope("neighbour", ["ba@x.test"]),
            envelope("welcome", ["a@x.test"], "Welcome"),
            envelope("stale", ["a@x.test"], age_s=600),
        ]
    )
    with pytest.raises(MailTimeout) as excinfo:
        inbox.wait_for("a@x.test", "Confirm your invitation", since=NOW - timedelta(seconds=1), timeout=0.2)
    message = str(excinfo.value)
    assert message.startswith(
        "no e-mail to a@x.test with subject 'Confirm your invitation' received after "
        "2026-11-28T08:59:59+00:00 arrived in the fake mailbox within 0."
    )
    assert re.search(r"within 0\.\d s \(\d+ polls\)", message)
    assert "'Confirm your invitation' to ba@x.test at 2026-11-28T09:00:00+00:00 (other recipient)" in message
    assert "'Welcome' to a@x.test at 2026-11-28T09:00:00+00:00 (other subject)" in message
    assert "(received before the wait began)" in message
    assert isinstance(excinfo.value, TimeoutError)


def test_an_empty_mailbox_says_so() -> None:
    with pytest.raises(MailTimeout, match="the fake mailbox holds no other recent message"):
        FakeInbox().wait_for("a@x.test", since=NOW, timeout=0.05)


def test_more_than_one_match_is_an_error_listing_them() -> None:
    inbox = FakeInbox(held=[envelope("one", ["a@x.test"]), envelope("two", ["a@x.test"], age_s=1)])
    with pytest.raises(MailAmbiguous, match=r"expected exactly one message, but 2 .* match") as excinfo:
        inbox.wait_for("a@x.test", "Confirm your invitation", since=NOW - timedelta(seconds=5))
    assert str(excinfo.value).count("  - 'Confirm your invitation' to a@x.test") == 2


def test_since_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeInbox().wait_for("a@x.test", since=datetime(2026, 11, 28, 9, 0))


def test_progress_is_logged_during_long_waits(caplog: pytest.LogCaptureFixture) -> None:
    ticks = iter(float(n) for n in range(0, 1000, 2))  # every look at the clock is 2 s later
    inbox = FakeInbox()
    inbox._monotonic = lambda: next(ticks)
    with caplog.at_level(logging.INFO, logger="support.mail.base"), pytest.raises(MailTimeout):
        inbox.wait_for("a@x.test", since=NOW, timeout=12)
    assert "still waiting for an e-mail to a@x.test" in caplog.text


def test_closing_the_inbox_ends_a_wait_at_once() -> None:
    inbox = FakeInbox()
    threading.Timer(0.05, inbox.close).start()
    with pytest.raises(MailError, match="closed while waiting"):
        inbox.wait_for("a@x.test", since=NOW, timeout=30)


# -- Mailpit, through a fake HTTP transport ---------------------------------------------------------------


def mailpit_summary(mailbox_id: str, to: str, subject: str, created: datetime) -> dict[str, Any]:
    return {
        "ID": mailbox_id,
        "MessageID": f"{mailbox_id}@mailpit",
        "Read": False,
        "From": {"Name": "Portal", "Address": "noreply@famhp.test"},
        "To": [{"Name": "", "Address": to}],
        "Cc": [],
        "Bcc": None,
        "Subject": subject,
        "Created": created.isoformat().replace("+00:00", "Z"),
        "Snippet": "",
    }


class FakeMailpit:
    """Answers the Mailpit API v1 calls the reader makes, from a list of summaries."""

    def __init__(self, summaries: list[dict[str, Any]]) -> None:
        self.summaries = summaries
        self.requests: list[httpx.Request] = []
        self.fail_first = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_first:
            self.fail_first -= 1
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        if path == "/api/v1/search":
            wanted = re.fullmatch(r'to:"(.*)"', request.url.params["query"])
            assert wanted, request.url.params["query"]
            # Mailpit's search is a substring match
            found = [s for s in self.summaries if wanted.group(1) in s["To"][0]["Address"]]
            return httpx.Response(200, json={"messages": found, "total": len(found)})
        if path == "/api/v1/messages" and request.method == "GET":
            return httpx.Response(200, json={"messages": self.summaries[: int(request.url.params["limit"])]})
        if path == "/api/v1/messages" and request.method == "DELETE":
            return httpx.Response(200, text="ok")
        if path.startswith("/api/v1/message/"):
            summary = next(s for s in self.summaries if s["ID"] == path.rsplit("/", 1)[1])
            return httpx.Response(200, json={**summary, "Text": "Username: a@x.test\n", "HTML": "<p>hi</p>"})
        return httpx.Response(404, text="not found")


def mailpit_with(fake: FakeMailpit) -> MailpitInbox:
    client = httpx.Client(transport=httpx.MockTransport(fake))
    return MailpitInbox("http://mailpit.test:8025", client=client, default_timeout_s=1.0, poll_interval_s=0.01)


def test_mailpit_reader_matches_exactly_and_reads_the_full_message() -> None:
    fake = FakeMailpit(
        [
            mailpit_summary("N1", "ba@x.test", "Confirm your invitation", NOW),
            mailpit_summary("M1", "a@x.test", "Confirm your invitation", NOW),
        ]
    )
    message = mailpit_with(fake).wait_for("a@x.test", "Confirm your invitation", since=NOW - timedelta(seconds=1))
    assert (message.mailbox_id, message.recipients, message.text) == (
        "M1",
        ("a@x.test",),
        "Username: a@x.test\n",
    )
    assert message.received_at == NOW and message.message_id == "M1@mailpit"
    assert fake.requests[0].url.params["query"] == 'to:"a@x.test"'


def test_mailpit_timeout_lists_what_is_there() -> None:
    fake = FakeMailpit([mailpit_summary("N1", "ba@x.test", "Confirm your invitation", NOW)])
    with pytest.raises(MailTimeout) as excinfo:
        mailpit_with(fake).wait_for("a@x.test", "Confirm your invitation", since=NOW, timeout=0.1)
    assert "Mailpit at http://mailpit.test:8025" in str(excinfo.value)
    assert "'Confirm your invitation' to ba@x.test" in str(excinfo.value)


def test_mailpit_outage_is_retried_until_the_deadline() -> None:
    fake = FakeMailpit([mailpit_summary("M1", "a@x.test", "Hello", NOW)])
    fake.fail_first = 3
    assert mailpit_with(fake).wait_for("a@x.test", since=NOW).mailbox_id == "M1"


def test_mailpit_delete_names_the_ids_and_never_sends_an_empty_list() -> None:
    fake = FakeMailpit([mailpit_summary("M1", "a@x.test", "Hello", NOW)])
    inbox = mailpit_with(fake)
    inbox.delete([])
    assert fake.requests == []
    inbox.delete([inbox.wait_for("a@x.test", since=NOW)])
    deletion = fake.requests[-1]
    assert deletion.method == "DELETE" and json.loads(deletion.content) == {"IDs": ["M1"]}


# -- IMAP, through a fake imap-tools session --------------------------------------------------------------


@dataclass
class FakeImapMessage:
    uid: str
    subject: str
    to: tuple[str, ...]
    date: datetime
    from_: str = "noreply@famhp.test"
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    text: str = "Initial password: Init#Pass2026xyz\n"
    html: str = ""
    headers: dict[str, tuple[str, ...]] = field(default_factory=lambda: {"message-id": ("<m@famhp.test>",)})


class FakeImapClient:
    def __init__(self, log: list[str], capabilities: tuple[str, ...]) -> None:
        self.log = log
        self.capabilities = capabilities

    def noop(self) -> None:
        self.log.append("NOOP")


class FakeIdle:
    def __init__(self, session: FakeImapSession) -> None:
        self.session = session

    def wait(self, timeout: float) -> list[bytes]:
        """Returns as soon as a message arrives (as a server's EXISTS would), else after `timeout`."""
        self.session.log.append("IDLE")
        self.session.arrived.wait(timeout)
        return [b"* 1 EXISTS"] if self.session.arrived.is_set() else []


class FakeImapSession:
    def __init__(self, messages: list[FakeImapMessage], log: list[str], capabilities: tuple[str, ...] = ()) -> None:
        self.messages = messages
        self.log = log
        self.client = FakeImapClient(log, capabilities)
        self.idle = FakeIdle(self)
        self.arrived = threading.Event()
        self.deleted: list[str] = []

    def uids(self, criteria: Any = "ALL", charset: str = "US-ASCII", sort: Any = None) -> list[str]:
        self.log.append(f"SEARCH {criteria}")
        return [m.uid for m in self.messages]

    def fetch(self, criteria: Any = "ALL", charset: str | None = "US-ASCII", **options: Any) -> list[FakeImapMessage]:
        headers = " headers_only" if options.get("headers_only") else ""
        if options.get("uid_list"):  # as imap-tools does: fetched by UID, no SEARCH first
            criteria = f"UID {','.join(options['uid_list'])}"
        self.log.append(f"FETCH {criteria} mark_seen={options.get('mark_seen')}{headers}")
        wanted = re.findall(r"UID ([0-9,]+)", str(criteria))
        uids = set(",".join(wanted).split(",")) if wanted else None
        return [m for m in self.messages if uids is None or m.uid in uids]

    def delete(self, uid_list: Any, chunks: int | None = None) -> None:
        self.deleted += list(uid_list)

    def logout(self) -> None:
        self.log.append("LOGOUT")


def test_imap_reader_refreshes_before_each_poll_and_never_marks_seen() -> None:
    log: list[str] = []
    messages: list[FakeImapMessage] = []
    session = FakeImapSession(messages, log)
    logins: list[str] = []

    def connect(login: str) -> FakeImapSession:
        logins.append(login)
        return session

    inbox = ImapInbox(connect, login="{address}", server="localhost:3143", default_timeout_s=2, poll_interval_s=0.01)
    since = datetime.now(UTC)
    threading.Timer(
        0.05,
        lambda: messages.extend(
            [
                FakeImapMessage("7", "Confirm your invitation", ("qa+b@x.test",), since),  # a neighbour's
                FakeImapMessage("8", "Confirm your invitation", ("qa+a@x.test",), since - timedelta(days=1)),  # old
                FakeImapMessage("9", "Confirm your invitation", ("QA+A@x.test",), since + timedelta(seconds=1)),
            ]
        ),
    ).start()

    message = inbox.wait_for("qa+a@x.test", "Confirm your invitation", since=since)

    assert message.mailbox_id == "9" and message.mailbox == "qa+a@x.test"
    assert logins == ["qa+a@x.test"]  # {address}: the recipient's own mailbox
    searches = [line for line in log if line.startswith("SEARCH")]
    assert len(searches) >= 2 and all(log[log.index(line) - 1] == "NOOP" for line in searches)
    assert 'TO "qa+a@x.test"' in searches[0] and "SINCE" in searches[0]
    fetches = [line for line in log if line.startswith("FETCH")]
    assert all("mark_seen=False" in line for line in fetches)
    # the headers of the three new UIDs once, then the body of the one match only
    assert [line.endswith("headers_only") for line in fetches] == [True, False], fetches
    assert "UID 7,8,9" in fetches[0] and "UID 9" in fetches[1]
    assert initial_password(message, PASSWORD_LABELS).reveal() == "Init#Pass2026xyz"
    inbox.delete([message])
    assert session.deleted == ["9"]
    inbox.close()
    assert log[-1] == "LOGOUT"


def test_imap_reader_idles_between_polls_where_the_server_offers_it() -> None:
    log: list[str] = []
    messages: list[FakeImapMessage] = []
    session = FakeImapSession(messages, log, capabilities=("IMAP4REV1", "IDLE"))
    inbox = ImapInbox(
        lambda login: session, login="{address}", server="localhost:3143", default_timeout_s=5, use_idle=True
    )
    since = datetime.now(UTC)

    def deliver() -> None:
        messages.append(FakeImapMessage("3", "Confirm your invitation", ("qa+a@x.test",), since))
        session.arrived.set()

    threading.Timer(0.3, deliver).start()
    started = time.monotonic()
    assert inbox.wait_for("qa+a@x.test", "Confirm your invitation", since=since).mailbox_id == "3"
    assert time.monotonic() - started < 1.0  # woken by the server, not by the end of a pause
    assert "IDLE" in log and log.index("IDLE") < log.index("FETCH UID 3 mark_seen=False headers_only")
    inbox.close()


def test_imap_naive_dates_are_read_as_utc() -> None:
    naive = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    session = FakeImapSession([FakeImapMessage("1", "Hi", ("a@x.test",), naive)], [])
    inbox = ImapInbox(lambda login: session, login="shared@x.test", server="imap.test:993", default_timeout_s=0.5)
    assert inbox.wait_for("a@x.test", since=datetime.now(UTC)).received_at.tzinfo is not None


# -- the factory -------------------------------------------------------------------------------------------


@dataclass
class _MailConfig:
    mail_backend: str
    mailpit_url: str | None = "http://localhost:8025"
    imap_host: str | None = None
    imap_port: int = 993
    imap_user: str | None = None
    imap_password: Any = None
    imap_security: str = "ssl"
    imap_folder: str = "INBOX"
    mail_timeout_s: float = 7.0


def test_open_inbox_picks_the_configured_reader() -> None:
    with open_inbox(_MailConfig("mailpit")) as inbox:  # type: ignore[arg-type]
        assert isinstance(inbox, MailpitInbox) and inbox.default_timeout_s == 7.0
    with pytest.raises(MailError, match="UAT_IMAP_HOST, UAT_IMAP_USER, UAT_IMAP_PASSWORD not set"):
        open_inbox(_MailConfig("imap"))  # type: ignore[arg-type]


# -- a real Mailpit -----------------------------------------------------------------------------------------
