"""Sends the "Confirm your invitation" e-mail, and the notice to an address that already has an account (text +
HTML each), over plain SMTP."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from jinja2 import Environment

INVITATION_SUBJECT = "Confirm your invitation"
ACCOUNT_EXISTS_SUBJECT = "Your invitation to the FAMHP IAM External Portal"
SENDER_NAME = "FAMHP IAM External Portal"


class MailError(Exception):
    pass


@dataclass(frozen=True)
class InvitationMail:
    to: str
    first_name: str
    username: str
    initial_password: str
    link: str
    organization: str
    expires: str


@dataclass(frozen=True)
class AccountExistsMail:
    """Told to an address that was invited but already has an account: the inviter is told nothing different."""

    to: str
    organization: str


class Mailer:
    def __init__(self, host: str, port: int, sender: str, templates: Environment) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._templates = templates

    def _message(self, subject: str, to: str, template: str, mail: object) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = formataddr((SENDER_NAME, self._sender))
        message["To"] = to
        message["Message-ID"] = make_msgid(domain=self._sender.partition("@")[2] or None)
        context = {"mail": mail, "subject": subject}
        message.set_content(self._templates.get_template(f"mail/{template}.txt").render(context))
        message.add_alternative(self._templates.get_template(f"mail/{template}.html").render(context), subtype="html")
        return message

    def _send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=15) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"the e-mail could not be sent via {self._host}:{self._port}: {error}") from error

    async def send_invitation(self, mail: InvitationMail) -> None:
        # smtplib blocks; keep the event loop free for other requests
        await asyncio.to_thread(self._send, self._message(INVITATION_SUBJECT, mail.to, "invitation", mail))

    async def send_account_exists(self, mail: AccountExistsMail) -> None:
        await asyncio.to_thread(self._send, self._message(ACCOUNT_EXISTS_SUBJECT, mail.to, "account_exists", mail))
