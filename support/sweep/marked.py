"""What carries the id of an old run on the target, found without its ledger: users whose address the template and a
run id make, API keys whose name holds a run id, mails to such addresses. Only runs that started more than the given
age ago and that no process on this machine still holds count as left over."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import httpx
from imap_tools import AND

from support.config import UatConfig
from support.keycloak_admin import KeycloakAdmin, UserAccount
from support.mail.addresses import TAG_PLACEHOLDER
from support.mail.imap import ADDRESS_PLACEHOLDER, imap_connector
from support.mail.mailpit import REQUEST_TIMEOUT_S
from support.run_ledger import RUN_ID, started_at

log = logging.getLogger(__name__)

PAGE = 500
RUN_ID_TEXT = "uat-"  # what every run id starts with: the admin API and the mailbox search for it


def address_pattern(template: str) -> re.Pattern[str]:
    """The addresses the template gives that carry a run id: `uat+{tag}@x` -> `^uat\\+[a-z0-9-]*uat-……@x$`."""
    before, after = template.lower().split(TAG_PLACEHOLDER)
    return re.compile(f"^{re.escape(before)}[a-z0-9-]*?{RUN_ID.pattern}-[a-z0-9]+{re.escape(after)}$")


class MarkedThings:
    def __init__(self, config: UatConfig, older_than: timedelta, live_runs: set[str], now: datetime) -> None:
        self._config = config
        self._cutoff = now - older_than
        self._live = live_runs
        self._addresses = address_pattern(config.mail_address_template) if config.mail_address_template else None

    def is_left_over(self, text: str) -> bool:
        """Whether `text` (a key name, an address) holds the id of a run that is old enough and not running here."""
        for found in RUN_ID.finditer(text.lower()):
            began = started_at(found.group(0))
            if found.group(0) not in self._live and began is not None and began < self._cutoff:
                return True
        return False

    def is_left_over_address(self, address: str) -> bool:
        return bool(self._addresses and self._addresses.match(address.lower()) and self.is_left_over(address))

    def users(self, admin: KeycloakAdmin) -> list[UserAccount]:
        return [account for account in admin.users_matching(RUN_ID_TEXT) if self.is_left_over_address(account.email)]

    def delete_mails(self) -> int:
        config = self._config
        if config.mail_backend == "mailpit" and config.mailpit_url:
            return self._delete_in_mailpit(config.mailpit_url.rstrip("/"))
        if config.mail_backend == "imap" and config.imap_host and config.imap_user and config.imap_password:
            if ADDRESS_PLACEHOLDER in config.imap_user:
                log.info("one mailbox per address (UAT_IMAP_USER=%s): only run ledgers name them", config.imap_user)
                return 0
            connect = imap_connector(
                config.imap_host, config.imap_port, config.imap_password,
                security=config.imap_security, folder=config.imap_folder,
            )  # fmt: skip
            session = connect(config.imap_user)
            try:
                messages = session.fetch(AND(to=RUN_ID_TEXT), mark_seen=False, headers_only=True)
                uids = [message.uid for message in messages if any(self.is_left_over_address(a) for a in message.to)]
                if uids:
                    session.delete(uids)
                return len(uids)
            finally:
                session.logout()
        return 0

    def _delete_in_mailpit(self, base: str) -> int:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
            ids: list[str] = []
            start = 0
            while True:
                listed = client.get("/api/v1/messages", params={"start": start, "limit": PAGE}).raise_for_status()
                messages = listed.json().get("messages") or []
                for message in messages:
                    recipients = [entry.get("Address", "") for entry in message.get("To") or []]
                    if any(self.is_left_over_address(address) for address in recipients):
                        ids.append(str(message["ID"]))
                if len(messages) < PAGE:
                    break
                start += PAGE
            if ids:  # an empty list would delete every message
                client.request("DELETE", "/api/v1/messages", json={"IDs": ids}).raise_for_status()
            return len(ids)
