"""A virtual authenticator app (as Microsoft or Google Authenticator): enrols accounts from the QR code on
screen or from the manual key, and hands out one-time codes without ever repeating a time step."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pyotp
from PIL import Image

from support.otp_ledger import PROCESS_LEDGER, StepLedger, ledger_key
from support.qr import qr_codes
from support.secrets import Secret, register_totp_secret

log = logging.getLogger(__name__)

# With look-around 0 a code handed out in the last second of its step may expire on the way to the
# server; the next step is used instead.
BOUNDARY_MARGIN_S = 1.0
_ALGORITHMS = {"sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512"}


class AuthenticatorError(Exception):
    """The authenticator cannot do what was asked (unknown account, no code in time)."""


class EnrolmentError(AuthenticatorError):
    """The QR code or manual key cannot be enrolled."""


class EnrolmentMismatch(EnrolmentError):
    """The enrolled account is not the one the caller expected (issuer or account name differ)."""


@dataclass(frozen=True)
class AuthenticatorAccount:
    """One entry of the app. `name` is the title the app shows: the issuer at first, renamable."""

    name: str
    issuer: str
    account_name: str
    secret: Secret  # Base32, as the app stores it
    digits: int = 6
    period: int = 30
    algorithm: str = "SHA1"

    @property
    def label(self) -> str:
        """How the app lists the entry: 'FAMHPExternals (jane@example.org)'."""
        return f"{self.name} ({self.account_name})"

    def totp(self) -> pyotp.TOTP:
        return pyotp.TOTP(
            self.secret.reveal(),
            digits=self.digits,
            digest=getattr(hashlib, self.algorithm.lower()),
            name=self.account_name,
            issuer=self.issuer,
            interval=self.period,
        )


# -- reading what the enrolment screen shows -------------------------------------------------------------


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG screenshot (of the code itself or of a whole page)."""
    try:
        image = Image.open(BytesIO(png)).convert("L")
    except OSError as exc:
        raise EnrolmentError(f"the screenshot is not a readable image: {exc}") from exc
    texts = qr_codes(image)
    if len(texts) != 1:
        raise EnrolmentError(f"expected exactly one QR code in the screenshot, found {len(texts)}")
    return texts[0]


def _compact_base32(key_text: str) -> str:
    compact = re.sub(r"[\s-]+", "", key_text).upper().rstrip("=")
    try:
        if not compact or not re.fullmatch(r"[A-Z2-7]+", compact):
            raise ValueError
        base64.b32decode(compact + "=" * (-len(compact) % 8))
    except (ValueError, binascii.Error):
        # the key is never echoed: even a mistyped key is a secret
        raise EnrolmentError("the key is not Base32 (letters A-Z and digits 2-7, in groups)") from None
    return compact


class VirtualAuthenticator:
    """Holds named accounts and gives codes the server will accept exactly once.

    The server accepts the steps [now - look_around, now + look_around] and refuses a code it has seen.
    So a code is never given twice for a key: when the current step was used, the next one is given,
    which look-around 1 accepts, instead of sleeping; only when no acceptable step is left (or with
    look-around 0) does it wait, with a deadline, for the step boundary."""

    def __init__(
        self,
        *,
        look_around: int = 1,
        ledger: StepLedger | None = None,
        clock: Callable[[], float] = time.time,
        pause: Callable[[float], object] | None = None,
    ) -> None:
        if look_around < 0:
            raise ValueError("look_around must be 0 or more")
        self.look_around = look_around
        # shared by every authenticator of the process: the server remembers codes per key, not per app
        self._ledger = ledger or PROCESS_LEDGER
        self._clock = clock
        # Event.wait is the pause between checks of the clock; the loop in _wait_until owns the deadline.
        self._pause = pause or threading.Event().wait
        self._accounts: list[AuthenticatorAccount] = []

    # -- enrolment -------------------------------------------------------------------------------------

    def enrol_from_qr(
        self, png: bytes, *, expected_issuer: str | None = None, expected_account: str | None = None
    ) -> AuthenticatorAccount:
        """Scan the QR code in a screenshot, as a phone does, and add the account it describes."""
        return self.enrol_from_uri(decode_qr(png), expected_issuer=expected_issuer, expected_account=expected_account)

    def enrol_from_uri(
        self, uri: str, *, expected_issuer: str | None = None, expected_account: str | None = None
    ) -> AuthenticatorAccount:
        """Add the account of an otpauth://totp/... URI."""
        try:
            otp = pyotp.parse_uri(uri)
        except ValueError as exc:
            raise EnrolmentError(f"the QR code is not an otpauth URI pyotp understands: {exc}") from exc
        if not isinstance(otp, pyotp.TOTP):
            raise EnrolmentError(f"the QR code enrols a {type(otp).__name__}, not a time-based (TOTP) key")
        compact = _compact_base32(otp.secret)
        register_totp_secret(compact)
        issuer = otp.issuer or ""
        account = AuthenticatorAccount(
            name=issuer or (otp.name or ""),
            issuer=issuer,
            account_name=otp.name or "",
            secret=Secret(compact),
            digits=otp.digits,
            period=int(otp.interval),
            algorithm=_ALGORITHMS.get(otp.digest().name, otp.digest().name.upper()),
        )
        return self._add(account, expected_issuer, expected_account)

    def enrol_from_manual_key(
        self,
        key_text: str | Secret,
        issuer: str,
        account_name: str,
        *,
        digits: int = 6,
        period: int = 30,
        algorithm: str = "SHA1",
    ) -> AuthenticatorAccount:
        """Add an account by typing the key shown under "Unable to scan?" (Base32, often in groups of 4)."""
        plain = key_text.reveal() if isinstance(key_text, Secret) else key_text
        compact = _compact_base32(plain)
        register_totp_secret(compact)
        if algorithm.upper() not in _ALGORITHMS.values():
            raise EnrolmentError(f"unsupported algorithm {algorithm!r} (SHA1, SHA256 or SHA512)")
        account = AuthenticatorAccount(
            name=issuer,
            issuer=issuer,
            account_name=account_name,
            secret=Secret(compact),
            digits=digits,
            period=period,
            algorithm=algorithm.upper(),
        )
        return self._add(account, None, None)

    def _add(
        self, account: AuthenticatorAccount, expected_issuer: str | None, expected_account: str | None
    ) -> AuthenticatorAccount:
        differences = []
        if expected_issuer is not None and account.issuer != expected_issuer:
            differences.append(f"issuer {account.issuer!r}, expected {expected_issuer!r}")
        if expected_account is not None and account.account_name.lower() != expected_account.lower():
            differences.append(f"account {account.account_name!r}, expected {expected_account!r}")
        if differences:
            raise EnrolmentMismatch(f"the QR code enrols {account.label}: {'; '.join(differences)}")
        self._accounts.append(account)
        log.info("authenticator: enrolled %s (%d digits, %d s, %s)", account.label, account.digits,
                 account.period, account.algorithm)  # fmt: skip
        return account

    # -- the accounts ------------------------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[AuthenticatorAccount, ...]:
        return tuple(self._accounts)

    def account(self, account_name: str, *, name: str | None = None) -> AuthenticatorAccount:
        """The entry for `account_name` (and title `name` when the same account is enrolled twice)."""
        found = [
            entry
            for entry in self._accounts
            if entry.account_name.lower() == account_name.lower() and (name is None or entry.name == name)
        ]
        if len(found) == 1:
            return found[0]
        listed = ", ".join(entry.label for entry in self._accounts) or "none"
        if not found:
            wanted = f"{account_name!r}" + (f" named {name!r}" if name else "")
            raise AuthenticatorError(f"no account {wanted} in the authenticator (it holds: {listed})")
        raise AuthenticatorError(f"{len(found)} entries for {account_name!r} ({listed}); say which one with name=...")

    def rename(
        self,
        old_name: str,
        new_name: str,
        *,
        account_name: str | None = None,
        entry: AuthenticatorAccount | None = None,
    ) -> AuthenticatorAccount:
        """Rename an entry, as the user guide advises ('FAMHPExternals' -> 'UAT-FAMHPExternals' when the
        production account is already in the app). The key and its used steps stay the same. `entry`
        picks one of several entries with the same title and account (as a person taps the newest)."""
        found = [
            candidate
            for candidate in self._accounts
            if candidate.name == old_name
            and (account_name is None or candidate.account_name.lower() == account_name.lower())
            and (entry is None or candidate is entry)
        ]
        if len(found) != 1:
            listed = ", ".join(entry.label for entry in self._accounts) or "none"
            raise AuthenticatorError(
                f"cannot rename {old_name!r}: {len(found)} entries carry that name (it holds: {listed})"
            )
        renamed = dataclasses.replace(found[0], name=new_name)
        self._accounts[self._accounts.index(found[0])] = renamed
        return renamed

    def remove(self, account_name: str, *, name: str | None = None) -> None:
        self._accounts.remove(self.account(account_name, name=name))

    # -- codes -------------------------------------------------------------------------------------------

    def code_for(self, account_name: str, *, name: str | None = None) -> str:
        """A code for the account that this authenticator (and its ledger) has never given before."""
        entry = self.account(account_name, name=name)
        key = ledger_key(entry.secret)
        period = entry.period
        # the longest legitimate wait: up to the boundary, plus the look-around steps already used
        budget_s = float(period * (self.look_around + 2))
        waited_s = 0.0
        while True:
            with self._ledger.holding():
                now = self._clock()
                current = int(now // period)
                last = self._ledger.last_step(key)
                step = current if last is None else max(current, last + 1)
                if self.look_around == 0 and step == current and period - now % period < BOUNDARY_MARGIN_S:
                    step = current + 1
                if step <= current + self.look_around:
                    self._ledger.record(key, step)
                    return entry.totp().generate_otp(step)
            # waited for outside the ledger, so other accounts (and other workers) are not held up
            if last is not None and last >= current:
                reason = f"its steps up to {last} are used and look-around {self.look_around} accepts no later one"
            else:
                reason = f"under {BOUNDARY_MARGIN_S:.0f} s left in the step and look-around 0"
            waited_s += self._wait_until((step - self.look_around) * period, budget_s - waited_s, entry, reason)

    def _wait_until(self, moment: float, budget_s: float, entry: AuthenticatorAccount, reason: str) -> float:
        """Wait until the clock reaches `moment`; the budget, not the clock (which may jump), bounds it."""
        log.info(
            "authenticator: waiting %.1f s for the next time step of %s (%s)",
            moment - self._clock(),
            entry.label,
            reason,
        )
        waited_s = 0.0
        # Condition wait on the clock with a deadline, not a fixed sleep: it ends at the boundary.
        while (now := self._clock()) < moment:
            if waited_s >= budget_s:
                raise AuthenticatorError(
                    f"no usable time step for {entry.label} after waiting {waited_s:.0f} s ({reason}); "
                    "is the system clock jumping?"
                )
            pause_s = min(moment - now, 1.0)
            self._pause(pause_s)
            waited_s += pause_s
        return waited_s
