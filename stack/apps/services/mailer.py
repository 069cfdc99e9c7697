"""Sends the "Confirm your invitation" e-mail (text + HTML) over plain SMTP, in the invitee's language."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from jinja2 import Environment

from stack.apps.i18n import Translator

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

    def _send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=15) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"the e-mail could not be sent via {self._host}:{self._port}: {error}") from error

    async def send_invitation(self, mail: InvitationMail) -> None:
        # smtplib blocks; keep the event loop free for other requests
        await asyncio.to_thread(self._send, self._invitation_message(mail))
