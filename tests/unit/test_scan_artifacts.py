"""The artifact scan, adversarially: a corpus plants each kind of secret (password, Base32 and raw TOTP key, API key,
session cookie) as real producers write it (urllib, base64 at every offset and MIME-wrapped, quopri and the email
package, html and MarkupSafe, json, UTF-16, hex) and in each container a run leaves (trace zip with a form post and a
screencast frame, HTML with a data: QR code, quoted-printable mail, log line, junit.xml, nested zip, gzip, the one-file
report's base64); the scan finds every one, and nothing in the same corpus built from values nobody registered."""

from __future__ import annotations

import base64
import gzip
import html
import io
import json
import os
import quopri
import re
import secrets as std_secrets
import signal
import stat
import zipfile
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, quote_plus
from xml.etree import ElementTree

import markupsafe
import pytest
import segno
from PIL import Image

from cli import scan_artifacts as scan_command
from support.leaks import scan as artifact_scan
from support.leaks.scan import KnownSecret, Scanner, needles_for
from support.reporting.run_secrets import RunSecretsRecorder
from support.secrets import Secret, forget_all_secrets, register_secret, register_totp_secret
from tests.suite_selftest.runner import PASSWORD as SELFTEST_PASSWORD
from tests.suite_selftest.runner import SelftestRun, standard_runs

# a password with what breaks naive encoders: * (Chromium keeps it, quote escapes it), ~, space, & < " ' + / = %, é
PASSWORD = "Ab1*Xy#z9!~ &<\"'+/=%é-Pw"
TOTP_BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TOTP_RAW = base64.b32decode(TOTP_BASE32)  # b"Hello!\xde\xad\xbe\xef..." -- no text
API_KEY = "famhp_0a1b2c3d_" + "Qk9PTS1hcGkta2V5LXNlY3JldC1wYXJ0LTAx_x-y"
SESSION_COOKIE = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiI0ZjljMmUxYiJ9.c2lnbmF0dXJlLW9mLXRoZS1zZXNzaW9u"
KINDS = {
    "password": PASSWORD.encode(),
    "Base32 TOTP key": TOTP_BASE32.encode(),
    "raw TOTP key": TOTP_RAW,
    "API key": API_KEY.encode(),
    "session cookie": SESSION_COOKIE.encode(),
}


def decoys() -> dict[str, bytes]:
    """Values like the secrets that nobody registered, without a secret's shape (no otpauth:// URI, which is always a
    leak): the clean corpus."""
    return {
        "decoy password": f"Zq{std_secrets.token_urlsafe(12)}*#~ &é".encode(),
        "decoy Base32 key": base64.b32encode(std_secrets.token_bytes(20)).rstrip(b"="),
        "decoy raw key": std_secrets.token_bytes(20),
        "decoy API key": f"key-{std_secrets.token_hex(20)}".encode(),
        "decoy session cookie": base64.urlsafe_b64encode(std_secrets.token_bytes(48)).rstrip(b"="),
    }


@pytest.fixture
def run_secrets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The run's secrets as a run records them: wrapped, registered (the TOTP key in all its forms), on disk."""
    forget_all_secrets()
    Secret(PASSWORD)
    Secret(API_KEY)
    register_totp_secret(TOTP_BASE32)
    register_secret(SESSION_COOKIE)
    folder = tmp_path_factory.mktemp("outside-the-artifacts") / "run-secrets"
    RunSecretsRecorder(folder, "main").record()
    yield folder
    forget_all_secrets()


# ---- producers: how real software writes a value -----------------------------------------------------------------
def _text(value: bytes) -> str | None:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def producers(value: bytes) -> dict[str, bytes]:
    """The value as each real encoder writes it, inside the text around it that a real artifact has."""
    around = b"The quick brown fox jumps over the lazy dog; " * 3
    out = {
        "plain": value,
        "quote_from_bytes": quote_from_bytes(value, safe="").encode(),
        "hex": (b"0xfeed" + value).hex().encode(),
        "HEX": (b"0xfeed" + value).hex().upper().encode(),
        "quopri": quopri.encodestring(around + value + around),
        "MIME base64": base64.encodebytes(around + value + around),  # 76-character lines: the value is cut
    }
    for offset in range(3):
        data = b"x" * offset + value + b" trailing text"
        out[f"base64 at offset {offset}"] = base64.b64encode(data)
        out[f"base64url at offset {offset}"] = base64.urlsafe_b64encode(data).rstrip(b"=")
    text = _text(value)
    if text is None:
        return out
    out |= {
        "Chromium form post": f"password={quote_plus(text, safe='*').replace('~', '%7E')}&remember=on".encode(),
        "urllib quote": quote(text, safe="").encode(),
        "urllib quote (path)": f"/reset/{quote(text)}".encode(),
        "urllib quote_plus": quote_plus(text).encode(),
        "encodeURIComponent": quote(text, safe="!~*'()").encode(),
        "lower-case percent hex": re.sub("%[0-9A-F]{2}", lambda hexa: hexa.group().lower(), quote(text, "")).encode(),
        "html.escape": f'<input value="{html.escape(text)}">'.encode(),
        "MarkupSafe": f"<p>{markupsafe.escape(text)}</p>".encode(),
        "json": json.dumps({"value": text}).encode(),
        "json, not ASCII": json.dumps({"value": text}, ensure_ascii=False).encode(),
        "UTF-16 with BOM": f"value: {text}".encode("utf-16"),
        "UTF-16-BE": f"value: {text}".encode("utf-16-be"),
    }
    message = EmailMessage()
    message.set_content(f"Your password: {text}\n" + "x" * 70 + text + "\n", cte="quoted-printable")
    out["email package, quoted-printable"] = message.as_bytes()
    return out


# ---- containers: where a run puts it -------------------------------------------------------------------------------
def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _qr(text: str, kind: str = "png") -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5, border=4)
    if kind == "png":
        return buffer.getvalue()
    frame = Image.new("RGB", (1280, 900), "white")
    frame.paste(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), (500, 300))
    out = io.BytesIO()
    frame.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _qr_text(kind: str, value: bytes) -> str:
    text = _text(value) or base64.b32encode(value).decode().rstrip("=")  # a raw key shows as Base32
    if kind.endswith("TOTP key"):  # what the enrolment QR code carries
        return f"otpauth://totp/FAMHPExternals:jane%40example.org?secret={text}&issuer=FAMHPExternals"
    return text


def containers(kind: str, value: bytes) -> dict[str, bytes]:
    text = _text(value) or base64.b32encode(value).decode().rstrip("=")  # a raw key shows as Base32 in text
    post = quote_plus(text, safe="*").replace("~", "%7E")
    network = json.dumps({"type": "resource-snapshot", "snapshot": {"request": {"postData": {"params": [
        {"name": "password", "value": text}]}}}})  # fmt: skip
    junit = ElementTree.Element("testsuite")
    case = ElementTree.SubElement(junit, "testcase", name="test_sign_in")
    ElementTree.SubElement(case, "failure", message=f"assert '{text}' == 'x'").text = f"where '{text}' = reveal()"
    mail = EmailMessage()
    mail["Subject"] = "Confirm your invitation"
    mail.set_content("Initial password: " + "-" * 60 + text + "\n", cte="quoted-printable")
    attachment = json.dumps({"steps": [{"name": "sign in", "parameters": [{"value": text}]}]}).encode() * 3
    return {
        "trace.zip (form post body)": _zip({"trace.network": network.encode(), "resources/3f2a.dat": post.encode()}),
        "trace.zip (screencast frame)": _zip({"screencast/page@1-1795.jpeg": _qr(_qr_text(kind, value), "jpeg")}),
        "page.html (data: QR code)": (
            f'<img id="kc-totp-secret-qr-code" src="data:image/png;base64, '
            f'{base64.b64encode(_qr(_qr_text(kind, value))).decode()}">'
        ).encode(),
        "mail.eml (quoted-printable)": mail.as_bytes(),
        "run.log (log line)": b"2026-05-04 10:00:01 INFO uat: signing in with " + value + b"\n",
        "junit.xml": ElementTree.tostring(junit),
        "nested.zip": _zip({"inner.zip": _zip({"evidence/step.txt": b"typed " + value})}),
        "log.gz": gzip.compress(b"debug: " + value),
        "index.html (one-file report)": b'<script>d("data/attachments/1.json","'
        + base64.b64encode(attachment)
        + b'")</script>',
    }


def plant(folder: Path, values: dict[str, bytes]) -> list[Path]:
    planted = []
    for kind, value in values.items():
        kind_folder = folder / kind.replace(" ", "-")
        for index, (how, data) in enumerate({**producers(value), **containers(kind, value)}.items()):
            path = kind_folder / f"{index:02d}-{how.replace(' ', '-').replace('/', '-')}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            planted.append(path)
    return planted


def files_found(outcome: artifact_scan.ScanOutcome) -> set[str]:
    return {finding.location.split("!", 1)[0] for finding in outcome.findings}


def test_every_kind_is_found_in_every_encoding_and_container(tmp_path: Path, run_secrets: Path) -> None:
    planted = plant(tmp_path / "artifacts", KINDS)
    outcome = artifact_scan.run_scan([tmp_path / "artifacts"], {}, run_secrets, forget=False)
    missed = sorted(str(path.relative_to(tmp_path)) for path in planted if str(path) not in files_found(outcome))
    assert not missed, f"{len(missed)} of {len(planted)} planted secrets not found: {missed}"
    # a screencast frame and a data: image per kind (both TOTP kinds show the same enrolment QR code)
    assert outcome.stats.images == outcome.stats.qr_codes == 2 * (len(KINDS) - 1)


def test_the_same_corpus_without_the_run_s_secrets_is_clean(tmp_path: Path, run_secrets: Path) -> None:
    planted = plant(tmp_path / "artifacts", decoys())
    outcome = artifact_scan.run_scan([tmp_path / "artifacts"], {}, run_secrets, forget=False)
    assert outcome.clean, artifact_scan.describe_outcome(outcome)
    assert outcome.stats.files == len(planted) and outcome.stats.qr_codes == 2 * len(KINDS)


@pytest.mark.parametrize(
    "leak",
    [
        b"created famhp_9f8e7d6c_" + b"Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1eg12345",
        b"otpauth://totp/FAMHPExternals:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=FAMHPExternals",
        b"next=otpauth%3A%2F%2Ftotp%2FX%3Fsecret%3DGEZDGNBVGY3TQOJQGEZDGNBV",
    ],
    ids=["API key", "otpauth URI", "URL-encoded otpauth URI"],
)
def test_secrets_nobody_registered_are_found_by_their_shape(tmp_path: Path, run_secrets: Path, leak: bytes) -> None:
    (tmp_path / "step.log").write_bytes(b"INFO " + leak + b"\n")
    outcome = artifact_scan.run_scan([tmp_path / "step.log"], {}, run_secrets, forget=False)
    assert [finding.form for finding in outcome.findings] == ["its own shape"]
    assert leak.decode() not in artifact_scan.describe_outcome(outcome)


def test_a_qr_code_with_a_secret_is_found_in_a_screenshot(tmp_path: Path, run_secrets: Path) -> None:
    (tmp_path / "screenshot.png").write_bytes(_qr(f"otpauth://totp/X?secret={TOTP_BASE32}"))
    outcome = artifact_scan.run_scan([tmp_path], {}, run_secrets, forget=False)
    assert [finding.location.rsplit("!", 1)[-1] for finding in outcome.findings] == ["QR code 1"] * 2
    assert {finding.form for finding in outcome.findings} == {"QR code text (plain)", "QR code text (its own shape)"}


def test_each_picture_is_decoded_once(tmp_path: Path, run_secrets: Path) -> None:
    """The Allure report repeats every screenshot of its results; the one-file report once more in base64."""
    picture = _qr("https://portal.example/help")
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(picture)
    scanner = Scanner(needles_for([KnownSecret(PASSWORD.encode(), "test")]))
    assert scanner.scan_paths([tmp_path]) == []
    assert (scanner.stats.files, scanner.stats.images, scanner.stats.qr_codes) == (3, 1, 1)


def test_a_content_met_again_is_scanned_once_and_reported_at_each_copy(tmp_path: Path, run_secrets: Path) -> None:
    """A trace is in test-results/, in the Allure results, in the report folder and base64 in the one-file report."""
    trace = _zip({"trace.trace": b"x" * 5000 + b'{"value":"' + API_KEY.encode() + b'"}'})
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "trace.zip").write_bytes(trace)
    (tmp_path / "copy.zip").write_bytes(trace)
    (tmp_path / "single.html").write_bytes(b'd("t.zip","' + base64.b64encode(trace) + b'")')
    scanner = Scanner(needles_for([KnownSecret(API_KEY.encode(), "test")]))
    locations = [finding.location for finding in scanner.scan_paths([tmp_path])]
    assert [location.split(str(tmp_path) + "/", 1)[1] for location in locations] == [
        "a/trace.zip!trace.trace",
        "copy.zip!trace.trace",
        "single.html!base64@11!trace.trace",
    ]
    assert scanner.stats.repeats == 2  # the member, met twice more (the small zips around it are read again)


# ---- the command -----------------------------------------------------------------------------------------------------
def test_findings_never_show_the_secret(tmp_path: Path, run_secrets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "leak.txt").write_text(quote_plus(PASSWORD))
    marker = tmp_path / "scan-clean.txt"
    marker.write_text("left over from an earlier scan")
    argv = [str(tmp_path / "reports"), f"--secrets-dir={run_secrets}", "--keep-secrets", f"--clean-marker={marker}"]
    assert scan_command.main(argv) == 1
    printed = capsys.readouterr().out
    assert "LEAK: 1 secret occurrence(s)" in printed and "fingerprint" in printed
    assert PASSWORD not in printed and quote_plus(PASSWORD) not in printed
    assert not marker.exists(), "a scan that found a secret must not leave the marker CI publishes on"


def test_a_clean_scan_leaves_the_marker_and_forgets_the_secrets(
    tmp_path: Path, run_secrets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "clean.txt").write_text("nothing to see here\n")
    marker = tmp_path / "scan-clean.txt"
    argv = [str(tmp_path / "reports"), f"--secrets-dir={run_secrets}", f"--clean-marker={marker}"]
    assert scan_command.main(argv) == 0
    printed = capsys.readouterr().out
    assert "clean: no secret found" in printed and "14 encodings" in printed and "images decoded" in printed
    assert marker.read_text().startswith("artifact scan of")
    assert not run_secrets.exists()


def test_without_any_secret_to_look_for_the_scan_refuses_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "clean.txt").write_text("nothing to see here\n")
    marker = tmp_path / "scan-clean.txt"
    argv = [str(tmp_path / "reports"), f"--secrets-dir={tmp_path / 'none'}", f"--clean-marker={marker}"]
    assert scan_command.main(argv) == 2
    assert "CANNOT SCAN" in capsys.readouterr().out and not marker.exists()


def test_a_broken_api_key_pattern_stops_the_scan(tmp_path: Path, run_secrets: Path) -> None:
    outcome = artifact_scan.run_scan([tmp_path], {"UAT_API_KEY_PATTERN": "famhp_("}, run_secrets, forget=False)
    assert outcome.problem and "UAT_API_KEY_PATTERN" in outcome.problem and not outcome.clean


def test_ci_credentials_in_the_environment_are_looked_for_too(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text("<failure>login as qa-admin with Ci#Secret-Password-7</failure>")
    environ = {
        "UAT_ORG_ADMIN_PASSWORD": "Ci#Secret-Password-7",
        "UAT_ORG_ADMIN_TOTP_SECRET": TOTP_BASE32,
        "UAT_RUN_SECRETS_DIR": str(tmp_path / "none"),  # a folder, not a secret
        "UAT_PORTAL_URL": "https://uat.example/portal",
    }
    outcome = artifact_scan.run_scan([tmp_path], environ, None, forget=False)
    assert [finding.secret.origin for finding in outcome.findings if finding.secret] == ["$UAT_ORG_ADMIN_PASSWORD"]
    origins = {secret.origin for secret in outcome.secrets}
    assert origins == {"$UAT_ORG_ADMIN_PASSWORD", "$UAT_ORG_ADMIN_TOTP_SECRET", "raw key of $UAT_ORG_ADMIN_TOTP_SECRET"}


# ---- the recorded secrets: private, and deleted however the scan ends -----------------------------------------------
def test_the_recorded_secrets_are_private_even_in_a_folder_that_was_not(tmp_path: Path) -> None:
    folder = tmp_path / "run-secrets"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    forget_all_secrets()
    Secret(PASSWORD)
    recorder = RunSecretsRecorder(folder, "gw1")
    recorder.record()
    forget_all_secrets()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(recorder.path.stat().st_mode) == 0o600


def _failing_scan(error: BaseException) -> Callable[..., object]:
    def scan_paths(self: Scanner, paths: object) -> object:
        raise error

    return scan_paths


@pytest.mark.parametrize("error", [RuntimeError("disk gone"), KeyboardInterrupt()], ids=["error", "interrupt"])
def test_the_recorded_secrets_are_deleted_when_the_scan_breaks(
    tmp_path: Path, run_secrets: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    (tmp_path / "a.txt").write_text("x")
    monkeypatch.setattr(Scanner, "scan_paths", _failing_scan(error))
    with pytest.raises(type(error)):
        artifact_scan.run_scan([tmp_path / "a.txt"], {}, run_secrets)
    assert not run_secrets.exists()


def test_the_recorded_secrets_are_deleted_when_the_scan_is_terminated(
    tmp_path: Path, run_secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancelled CI job sends SIGTERM: `uat scan-artifacts` turns it into a normal exit that cleans up."""
    (tmp_path / "a.txt").write_text("x")
    previous = signal.getsignal(signal.SIGTERM)

    def terminated(self: Scanner, paths: object) -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the scan")

    monkeypatch.setattr(Scanner, "scan_paths", terminated)
    try:
        with pytest.raises(SystemExit) as stopped:
            scan_command.main([str(tmp_path / "a.txt"), f"--secrets-dir={run_secrets}", f"--clean-marker={tmp_path}/m"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.code == 128 + signal.SIGTERM and not run_secrets.exists()


# ---- on the self-test project's real output ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs() -> dict[str, SelftestRun]:
    return standard_runs()


def test_the_leak_scenario_is_caught_in_its_allure_results(runs: dict[str, SelftestRun]) -> None:
    outcome = artifact_scan.run_scan([runs["all"].results], {}, runs["all"].secrets, forget=False)
    assert len(outcome.findings) == 1
    assert outcome.findings[0].secret and outcome.findings[0].secret.value == SELFTEST_PASSWORD.encode()
    assert outcome.findings[0].location.endswith("-attachment.attach")


def test_a_run_without_the_leak_is_clean(runs: dict[str, SelftestRun]) -> None:
    outcome = artifact_scan.run_scan([runs["quarantined"].results], {}, runs["quarantined"].secrets, forget=False)
    assert outcome.clean and len(outcome.secrets) == 1
