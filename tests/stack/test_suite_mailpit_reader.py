"""The suite's Mailpit reader against the stack's real Mailpit: exact recipient, link and credentials, clean-up."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from support.mail.addresses import unique_address
from support.mail.extract import initial_password, invitation_link, username
from support.mail.mailpit import MailpitInbox

pytestmark = pytest.mark.stack


def _send(smtp_port: int, to: str, subject: str, text: str, html: str) -> None:
    mail = EmailMessage()
    mail["From"] = "FAMHP Portal <noreply@famhp.test>"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    with smtplib.SMTP("localhost", smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)


def test_round_trip_through_the_real_mailpit(stack_info: dict) -> None:
    mailpit = stack_info["mailpit"]
    address = unique_address("uat+{tag}@famhp-uat.test", "mailpit round trip")
    neighbour = "x" + address  # Mailpit's substring search for `address` finds this one too
    link = f"http://localhost:8000/invitations/{address.split('@')[0]}"
    since = datetime.now(UTC)
    _send(mailpit["smtp_port"], neighbour, "Confirm your invitation", "not yours", "<p>not yours</p>")
    _send(
        mailpit["smtp_port"],
        address,
        "Confirm your invitation",
        f"Confirm your invitation: {link}\nUsername: {address}\nInitial password: Init#Pass2026xyz\n",
        f'<p><a href="{link}">Confirm your invitation</a></p>',
    )
    with MailpitInbox(mailpit["url"], default_timeout_s=15) as inbox:
        message = inbox.wait_for(address, "Confirm your invitation", since=since)
        try:
            assert message.recipients == (address,)
            assert message.received_at.tzinfo is not None
            assert invitation_link(message, "Confirm your invitation") == link
            assert username(message, "Username") == address
            assert initial_password(message, ["Initial password"]).reveal() == "Init#Pass2026xyz"
            assert [m.mailbox_id for m in inbox.messages_for(address, since=since)] == [message.mailbox_id]
        finally:
            neighbours = inbox.messages_for(neighbour, since=since)
            inbox.delete([message, *neighbours])
        assert inbox.messages_for(address, since=since) == []
