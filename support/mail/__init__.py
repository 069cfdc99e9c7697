"""Mail access for the suite: one `Inbox` interface, a Mailpit and an IMAP reader, and `open_inbox` that
picks the one the configuration names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from support.mail.base import Inbox, MailAmbiguous, MailError, MailMessage, MailTimeout

if TYPE_CHECKING:
    from support.config import UatConfig

__all__ = ["Inbox", "MailAmbiguous", "MailError", "MailMessage", "MailTimeout", "open_inbox"]


def open_inbox(config: UatConfig) -> Inbox:
    """The reader for `config.mail_backend`; close it (or use it as a context manager) when done."""
    if config.mail_backend == "mailpit":
        from support.mail.mailpit import MailpitInbox

        if not config.mailpit_url:
            raise MailError("UAT_MAILPIT_URL is not set (mail backend 'mailpit' needs it)")
        return MailpitInbox(config.mailpit_url, default_timeout_s=config.mail_timeout_s)
    if config.mail_backend == "imap":
        # imported here so that runs on Mailpit never need imap-tools
        from support.mail.imap import ImapInbox, imap_connector

        host, user, password = config.imap_host, config.imap_user, config.imap_password
        if not host or not user or not password:
            missing = [
                name
                for name, value in (
                    ("UAT_IMAP_HOST", host),
                    ("UAT_IMAP_USER", user),
                    ("UAT_IMAP_PASSWORD", password),
                )
                if not value
            ]
            raise MailError(f"{', '.join(missing)} not set (mail backend 'imap' needs them)")
        connect = imap_connector(
            host,
            config.imap_port,
            password,
            security=config.imap_security,
            folder=config.imap_folder,
        )
        return ImapInbox(
            connect,
            login=user,
            server=f"{host}:{config.imap_port}",
            folder=config.imap_folder,
            default_timeout_s=config.mail_timeout_s,
        )
    raise MailError(f"unknown mail backend {config.mail_backend!r} (mailpit or imap)")
