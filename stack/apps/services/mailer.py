"""Sends the "Confirm your invitation" e-mail in the invitee's language, and the notice to an address that already
has an account (English: its account's language is not the inviter's to know), each as text + HTML over plain SMTP."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from jinja2 import Environment

from stack.apps.i18n import Translator

ACCOUNT_EXISTS_SUBJECT = "Your invitation to the FAMHP IAM External Portal"
SENDER_NAME = "FAMHP IAM External Portal"


class MailError(Exception):
    pass


@dataclass(frozen=True)
class InvitationMail:
    language: str
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

    def _invitation_message(self, mail: InvitationMail) -> EmailMessage:
        skin = self._templates.globals["skin"]
        plain, marked_up = (Translator(mail.language, skin, markup=markup) for markup in (False, True))
        message = EmailMessage()
        message["Subject"] = plain("mail.subject")
        message["From"] = formataddr((SENDER_NAME, self._sender))
        message["To"] = mail.to
        message["Content-Language"] = mail.language
        message["Message-ID"] = make_msgid(domain=self._sender.partition("@")[2] or None)
        text = self._templates.get_template("mail/invitation.txt").render(mail=mail, t=plain)
        html = self._templates.get_template("mail/invitation.html").render(mail=mail, t=marked_up)
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

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
        await asyncio.to_thread(self._send, self._invitation_message(mail))

    async def send_account_exists(self, mail: AccountExistsMail) -> None:
        await asyncio.to_thread(self._send, self._message(ACCOUNT_EXISTS_SUBJECT, mail.to, "account_exists", mail))
