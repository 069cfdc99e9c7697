"""Sweeping what runs left behind on the target: the users (Keycloak admin API), the API keys (revoked in FAMHP
Connect as their organisation's key manager would) and the mails (deleted from the mailbox) that a dead run's ledger
lists, or — with `older_than` — that carry the id of any run that started that long ago and is not running here."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from support import run_ledger
from support.config import UatConfig
from support.keycloak_admin import KeycloakAdmin
from support.mail import Inbox, open_inbox
from support.run_ledger import ApiKeyEntry, LedgerContents
from support.secrets import mask_text
from support.sweep.marked import MarkedThings

log = logging.getLogger(__name__)

EVER = datetime(2000, 1, 1, tzinfo=UTC)  # "every mail to this address", whenever it came


class KeyRevoker(Protocol):
    """What revokes keys: FAMHP Connect's API Keys tab as the key manager (`support.sweep.key_manager`)."""

    def revoke(self, name: str, organisation: str) -> bool: ...

    def revoke_where(self, left_behind: Callable[[str], bool]) -> list[str]: ...


KeyRevokerFactory = Callable[[], AbstractContextManager[KeyRevoker]]


@dataclass
class SweepReport:
    removed_users: list[str] = field(default_factory=list)
    revoked_keys: list[str] = field(default_factory=list)
    deleted_mails: int = 0
    left: list[str] = field(default_factory=list)  # "<what>: <why>"
    swept_ledgers: list[Path] = field(default_factory=list)
    other_targets: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.left

    def merge(self, other: SweepReport) -> None:
        self.removed_users += other.removed_users
        self.revoked_keys += other.revoked_keys
        self.deleted_mails += other.deleted_mails
        self.left += other.left
        self.swept_ledgers += other.swept_ledgers
        self.other_targets += other.other_targets

    def summary(self) -> str:
        lines = [
            f"removed {len(self.removed_users)} user(s), revoked {len(self.revoked_keys)} API key(s), "
            f"deleted {self.deleted_mails} mail(s)"
        ]
        lines += [f"  removed user {email}" for email in self.removed_users]
        lines += [f"  revoked API key {name}" for name in self.revoked_keys]
        lines += [f"  LEFT {item}" for item in self.left]
        lines += [f"  not swept here: {item}" for item in self.other_targets]
        return "\n".join(lines)


def target_of(config: UatConfig) -> dict[str, str]:
    """What a ledger records about its target, to sweep it only against the same one."""
    return {"keycloak_url": config.keycloak_url, "realm": config.realm, "famhp_connect_url": config.famhp_connect_url}


class Sweeper:
    """Removes what runs left. Each part is optional: without admin credentials the users stay (and are reported),
    without a key manager the keys stay; a failure of one thing never stops the others."""

    def __init__(
        self,
        config: UatConfig,
        *,
        admin: KeycloakAdmin | None,
        key_revoker: KeyRevokerFactory | None,
        inbox_factory: Callable[[UatConfig], Inbox] | None = open_inbox,
    ) -> None:
        self._config = config
        self._admin = admin
        self._key_revoker = key_revoker
        self._inbox_factory = inbox_factory

    # ---- what ledgers list ------------------------------------------------------------------------------------
    def sweep_ledgers(self, ledgers: Iterable[LedgerContents]) -> SweepReport:
        report = SweepReport()
        mine = target_of(self._config)
        for ledger in ledgers:
            if ledger.target and ledger.target != mine:
                report.other_targets.append(f"{ledger.path} (run {ledger.run_id} targets {ledger.target})")
                continue
            part = SweepReport()
            self._users(ledger.users_to_check, part)
            self._mails(ledger.addresses, part)
            self._keys(ledger.keys_to_check, part)
            if part.clean:
                run_ledger.forget(ledger.path)
                part.swept_ledgers.append(ledger.path)
            report.merge(part)
        return report

    def sweep_own(self, ledger: LedgerContents) -> SweepReport:
        """At the end of a process, its own ledger: users it should have removed, mails that came after their
        scenario ended. Keys not known revoked are only reported: revoking needs a browser sign-in, which the next
        run's sweep (or `uat cleanup`) does."""
        report = SweepReport()
        self._users(ledger.users_to_check, report)
        self._mails(ledger.addresses, report)
        report.left += [
            f"API key {key.name!r} ({key.organisation}): not known to be revoked" for key in ledger.keys_to_check
        ]
        return report

    def _users(self, addresses: list[str], report: SweepReport) -> None:
        if not addresses:
            return
        if self._admin is None:
            report.left += [f"user {address}: no Keycloak admin credentials to remove it" for address in addresses]
            return
        for address in addresses:
            try:
                account = self._admin.find_user(address)
                if account is not None and self._admin.delete_user(account.id):
                    report.removed_users.append(address)
            except Exception as error:  # one failure must not keep the others
                report.left.append(f"user {address}: {mask_text(str(error))}")

    def _mails(self, addresses: list[str], report: SweepReport) -> None:
        if not addresses or self._inbox_factory is None:
            return
        try:
            with self._inbox_factory(self._config) as inbox:
                for address in addresses:
                    messages = inbox.messages_for(address, since=EVER)
                    inbox.delete(messages)
                    report.deleted_mails += len(messages)
        except Exception as error:
            report.left.append(f"mails to {len(addresses)} address(es): {mask_text(str(error))}")

    def _keys(self, keys: list[ApiKeyEntry], report: SweepReport) -> None:
        if not keys:
            return
        if self._key_revoker is None:
            report.left += [f"API key {key.name!r} ({key.organisation}): no key manager to revoke it" for key in keys]
            return
        try:
            with self._key_revoker() as revoker:
                for key in keys:
                    if revoker.revoke(key.name, key.organisation):
                        report.revoked_keys.append(f"{key.name} ({key.organisation})")
        except Exception as error:
            report.left.append(f"API keys {', '.join(key.name for key in keys)}: {mask_text(str(error))}")

    # ---- whatever carries an old run id --------------------------------------------------------------------------
    def sweep_marked(self, older_than: timedelta, live_runs: set[str], now: datetime | None = None) -> SweepReport:
        """Everything on the target whose run id says it started more than `older_than` ago (and that no run on
        this machine still holds): for deployments where the ledger is gone (another runner, a lost checkout)."""
        marked = MarkedThings(self._config, older_than, live_runs, now or datetime.now(UTC))
        report = SweepReport()
        if self._admin is not None:
            self._users([account.email for account in marked.users(self._admin)], report)
        else:
            report.left.append("users: no Keycloak admin credentials to look for them")
        if self._key_revoker is not None:
            try:
                with self._key_revoker() as revoker:
                    report.revoked_keys += revoker.revoke_where(marked.is_left_over)
            except Exception as error:
                report.left.append(f"API keys: {mask_text(str(error))}")
        try:
            report.deleted_mails += marked.delete_mails()
        except Exception as error:
            report.left.append(f"mails: {mask_text(str(error))}")
        return report


def parse_duration(text: str) -> timedelta:
    """'90s', '30m', '6h', '2d' (or a sum: '1h30m') -> a timedelta; ValueError naming the text otherwise."""
    parts = re.findall(r"(\d+)\s*([smhd])", text.strip().lower())
    if not parts or re.sub(r"\d+\s*[smhd]", "", text.strip().lower()).strip():
        raise ValueError(f"{text!r} is not a duration such as 90s, 30m, 6h or 2d")
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return timedelta(seconds=sum(int(number) * unit[letter] for number, letter in parts))


def sweeper_for(config: UatConfig, admin: KeycloakAdmin | None = None) -> Sweeper:
    """A sweeper with every part the configuration allows: the admin API when admin credentials are set, FAMHP
    Connect's key manager (in a browser) when the organisation administrator is."""
    from support.sweep.key_manager import key_manager_in_browser

    if admin is None and config.keycloak_admin_username and config.keycloak_admin_password:
        admin = KeycloakAdmin.from_config(config)
    can_manage_keys = config.org_admin_email and config.org_admin_password and config.org_admin_totp_secret
    return Sweeper(
        config, admin=admin, key_revoker=(lambda: key_manager_in_browser(config)) if can_manage_keys else None
    )
