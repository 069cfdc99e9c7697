"""The run's mailbox seen from one scenario: only mail that arrived after it started, remembered for the report,
deleted when it ends; an initial password in a mail is a secret from the moment the mail arrives."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime

import allure

from support.mail import extract
from support.mail.base import Inbox, MailError, MailMessage


class ScenarioInbox:
    """Waits for one scenario's mail, and keeps what arrived for the failure evidence."""

    def __init__(self, reader: Inbox, since: datetime, password_labels: Sequence[str] = ()) -> None:
        self._reader = reader
        self.since = since
        self._password_labels = tuple(password_labels)
        self.received: list[MailMessage] = []

    def wait_for(self, recipient: str, subject: str | None = None) -> MailMessage:
        with allure.step(f"wait for the e-mail to {recipient}" + (f" '{subject}'" if subject else "")):
            message = self._reader.wait_for(recipient, subject, since=self.since)
        self.received.append(message)
        if self._password_labels:
            _register_mailed_password(message, self._password_labels)
        return message

    def cleanup(self) -> None:
        if self.received:
            self._reader.delete(self.received)


def _register_mailed_password(message: MailMessage, labels: Sequence[str]) -> None:
    """Even if no step reads it, so that a mail attached to the report is masked too."""
    with contextlib.suppress(MailError):  # not an invitation mail
        extract.initial_password(message, labels)  # a Secret registers itself
