"""The virtual authenticator: QR and manual-key enrolment, renaming, and codes that are never reused and
are always inside the server's look-around window."""

from __future__ import annotations

import base64
import io
import secrets as std_secrets
import threading
from pathlib import Path

import pyotp
import pytest
import segno
from PIL import Image

from support.authenticator import (
    AuthenticatorError,
    EnrolmentError,
    EnrolmentMismatch,
    VirtualAuthenticator,
)
from support.otp_ledger import SharedStepLedger, StepLedger
from support.secrets import known_secret_bytes, known_secrets


class FakeClock:
    """Unix time that moves only when told to; its pause advances it instead of waiting."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.paused = 0.0

    def __call__(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.paused += seconds
        self.now += seconds


def keycloak_like_key() -> tuple[str, str]:
    """A Keycloak-style key: printable raw text, shown to users in Base32."""
    raw = std_secrets.token_hex(10)
    return raw, base64.b32encode(raw.encode()).decode().rstrip("=")


def qr_png(uri: str, *, border: int = 4) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="png", scale=6, border=border)
    return buffer.getvalue()


def enrolled(authenticator: VirtualAuthenticator, account: str = "jane@famhp-uat.test") -> str:
    _, key = keycloak_like_key()
    authenticator.enrol_from_manual_key(key, "FAMHPExternals", account)
    return account


# -- enrolment ---------------------------------------------------------------------------------------------


def test_qr_round_trip() -> None:
    raw, key = keycloak_like_key()
    uri = pyotp.TOTP(key).provisioning_uri(name="jane+x1@famhp-uat.test", issuer_name="FAMHPExternals")
    authenticator = VirtualAuthenticator()

    account = authenticator.enrol_from_qr(
        qr_png(uri), expected_issuer="FAMHPExternals", expected_account="jane+x1@famhp-uat.test"
    )

    assert (account.name, account.issuer, account.account_name) == (
        "FAMHPExternals",
        "FAMHPExternals",
        "jane+x1@famhp-uat.test",
    )
    assert (account.digits, account.period, account.algorithm) == (6, 30, "SHA1")
    assert account.secret.reveal() == key
    assert pyotp.TOTP(key).verify(authenticator.code_for("jane+x1@famhp-uat.test"), valid_window=1)
    assert {key, raw} <= known_secrets() and raw.encode() in known_secret_bytes()


def test_qr_on_a_larger_screenshot_with_other_content() -> None:
    _, key = keycloak_like_key()
    uri = pyotp.TOTP(key).provisioning_uri(name="jane@famhp-uat.test", issuer_name="FAMHPExternals")
    page = Image.new("RGB", (900, 700), "white")
    page.paste(Image.open(io.BytesIO(qr_png(uri))).convert("RGB"), (420, 180))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    assert VirtualAuthenticator().enrol_from_qr(buffer.getvalue()).account_name == "jane@famhp-uat.test"


def test_a_qr_code_for_someone_else_is_refused() -> None:
    _, key = keycloak_like_key()
    uri = pyotp.TOTP(key).provisioning_uri(name="jane@famhp-uat.test", issuer_name="FAMHPExternals")
    authenticator = VirtualAuthenticator()
    with pytest.raises(EnrolmentMismatch, match="issuer 'FAMHPExternals', expected 'UAT-FAMHPExternals'"):
        authenticator.enrol_from_qr(qr_png(uri), expected_issuer="UAT-FAMHPExternals")
    assert authenticator.accounts == ()


def test_a_picture_without_a_qr_code_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
    with pytest.raises(EnrolmentError, match=r"exactly one QR code .* found 0"):
        VirtualAuthenticator().enrol_from_qr(buffer.getvalue())


def test_an_hotp_qr_code_is_refused() -> None:
    uri = pyotp.HOTP(pyotp.random_base32()).provisioning_uri(name="jane", issuer_name="X", initial_count=0)
    with pytest.raises(EnrolmentError, match="not a time-based"):
        VirtualAuthenticator().enrol_from_qr(qr_png(uri))


def test_manual_key_in_groups_of_four() -> None:
    _, key = keycloak_like_key()
    grouped = " ".join(key[i : i + 4] for i in range(0, len(key), 4)).lower()
    authenticator = VirtualAuthenticator()
    account = authenticator.enrol_from_manual_key(grouped, "FAMHPExternals", "jane@famhp-uat.test")
    assert account.secret.reveal() == key
    assert pyotp.TOTP(key).verify(authenticator.code_for("jane@famhp-uat.test"), valid_window=1)
    assert grouped.upper() in known_secrets()


def test_a_mistyped_manual_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(EnrolmentError) as excinfo:
        VirtualAuthenticator().enrol_from_manual_key("MFRG GZD1 0000", "FAMHPExternals", "jane")
    assert "MFRG" not in str(excinfo.value)


# -- accounts ----------------------------------------------------------------------------------------------


def test_rename_as_the_user_guide_advises() -> None:
    clock = FakeClock(1_800_000_000.0)
    authenticator = VirtualAuthenticator(ledger=StepLedger(), clock=clock, pause=clock.pause)
    account = enrolled(authenticator)
    first = authenticator.code_for(account)

    renamed = authenticator.rename("FAMHPExternals", "UAT-FAMHPExternals")

    assert renamed.name == "UAT-FAMHPExternals" and renamed.issuer == "FAMHPExternals"
    assert renamed.label == "UAT-FAMHPExternals (jane@famhp-uat.test)"
    assert authenticator.account(account, name="UAT-FAMHPExternals") == renamed
    assert authenticator.code_for(account) != first  # same key, so still no reuse after a rename
    with pytest.raises(AuthenticatorError, match="cannot rename 'FAMHPExternals': 0 entries"):
        authenticator.rename("FAMHPExternals", "again")


def test_the_same_account_twice_needs_a_name() -> None:
    authenticator = VirtualAuthenticator()
    enrolled(authenticator)
    enrolled(authenticator)
    with pytest.raises(AuthenticatorError, match=r"2 entries for 'jane@famhp-uat\.test'"):
        authenticator.code_for("jane@famhp-uat.test")
    with pytest.raises(AuthenticatorError, match=r"no account 'bob@x\.test'"):
        authenticator.code_for("bob@x.test")


# -- codes -------------------------------------------------------------------------------------------------


def test_no_code_is_reused_within_one_step() -> None:
    step_start = 1_800_000_010 * 30
    clock = FakeClock(step_start + 3.0)
    authenticator = VirtualAuthenticator(look_around=1, ledger=StepLedger(), clock=clock, pause=clock.pause)
    account = enrolled(authenticator)
    totp = authenticator.account(account).totp()

    handed: list[tuple[str, float]] = []
    for _ in range(12):
        code = authenticator.code_for(account)
        handed.append((code, clock.now))
        # what the server does: accept within look-around 1 at the moment the code arrives
        assert totp.verify(code, for_time=clock.now, valid_window=1)

    steps = [next(s for s in range(-3, 30) if totp.at(step_start + s * 30) == code) for code, _ in handed]
    assert steps == sorted(set(steps)), "every call must use a later time step than the one before"
    # the first two calls are immediate (this step, then the next one that look-around accepts)
    assert handed[0][1] == handed[1][1] == step_start + 3.0


def test_the_next_step_is_used_instead_of_sleeping() -> None:
    clock = FakeClock(1_800_000_000 * 30 + 12.0)
    authenticator = VirtualAuthenticator(look_around=1, ledger=StepLedger(), clock=clock, pause=clock.pause)
    account = enrolled(authenticator)
    totp = authenticator.account(account).totp()

    first, second = authenticator.code_for(account), authenticator.code_for(account)

    assert clock.paused == 0.0
    assert first == totp.at(clock.now) and second == totp.at(clock.now + 30)
    assert totp.verify(second, for_time=clock.now, valid_window=1)


def test_with_real_time_two_calls_give_two_valid_codes() -> None:
    authenticator = VirtualAuthenticator(look_around=1, ledger=StepLedger())
    account = enrolled(authenticator)
    totp = authenticator.account(account).totp()
    codes = [authenticator.code_for(account), authenticator.code_for(account)]
    assert all(totp.verify(code, valid_window=1) for code in codes)
    # two steps, so two different codes (unless two steps share a code: one chance in a million)
    assert codes[0] != codes[1]


def test_look_around_zero_waits_for_the_boundary() -> None:
    step_start = 1_800_000_000 * 30
    clock = FakeClock(step_start + 10.0)
    authenticator = VirtualAuthenticator(look_around=0, ledger=StepLedger(), clock=clock, pause=clock.pause)
    account = enrolled(authenticator)
    totp = authenticator.account(account).totp()

    first = authenticator.code_for(account)
    second = authenticator.code_for(account)

    assert clock.paused == pytest.approx(20.0)
    assert clock.now == pytest.approx(step_start + 30)
    assert totp.verify(first, for_time=step_start + 10.0) and totp.verify(second, for_time=clock.now)


def test_look_around_zero_avoids_the_last_second_of_a_step() -> None:
    step_start = 1_800_000_000 * 30
    clock = FakeClock(step_start + 29.5)
    authenticator = VirtualAuthenticator(look_around=0, ledger=StepLedger(), clock=clock, pause=clock.pause)
    account = enrolled(authenticator)
    code = authenticator.code_for(account)
    assert clock.now >= step_start + 30
    assert authenticator.account(account).totp().verify(code, for_time=clock.now)


def test_a_clock_that_never_reaches_the_boundary_ends_in_an_error_not_a_hang() -> None:
    clock = FakeClock(1_800_000_000 * 30 + 5.0)
    pauses: list[float] = []
    # the clock stands still, as if the system clock had been set back: the wait budget must end it
    authenticator = VirtualAuthenticator(look_around=0, ledger=StepLedger(), clock=clock, pause=pauses.append)
    account = enrolled(authenticator)
    authenticator.code_for(account)
    with pytest.raises(AuthenticatorError, match=r"no usable time step .* is the system clock jumping"):
        authenticator.code_for(account)
    assert sum(pauses) == pytest.approx(60.0)


def test_workers_sharing_an_account_never_get_the_same_step(tmp_path: Path) -> None:
    ledger_file = tmp_path / "totp-steps.json"
    raw, key = keycloak_like_key()
    clock = FakeClock(1_800_000_000 * 30 + 1.0)
    workers = [
        VirtualAuthenticator(ledger=SharedStepLedger(ledger_file), clock=clock, pause=clock.pause) for _ in range(3)
    ]
    for worker in workers:
        worker.enrol_from_manual_key(key, "FAMHPExternals", "olivia.admin@acme-pharma.test")
    codes: list[str] = []
    lock = threading.Lock()

    def take_code(worker: VirtualAuthenticator) -> None:
        code = worker.code_for("olivia.admin@acme-pharma.test")
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=take_code, args=(worker,)) for worker in workers[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(codes)) == 2
    assert key not in ledger_file.read_text() and raw not in ledger_file.read_text()
