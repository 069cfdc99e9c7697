"""The artifact scan finds planted secrets in every form an artifact can carry them (plain, URL-encoded, in a zip,
in base64, raw TOTP bytes in a binary) without ever printing one, and passes on clean output."""

from __future__ import annotations

import base64
import gzip
import io
import json
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from cli import scan_artifacts
from cli.scan_artifacts import KnownSecret, ScanStats, needles_for, scan_bytes, scan_paths
from tests.suite_selftest.runner import PASSWORD, SelftestRun, standard_runs

SECRET_PASSWORD = "Plant3d#Pass word/+&=42"
TOTP_BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TOTP_RAW = base64.b32decode(TOTP_BASE32)  # b"Hello!\xde\xad\xbe\xef..." -- not all printable


def record_run_secrets(directory: Path, texts: list[str], raw: list[bytes] = ()) -> Path:  # type: ignore[assignment]
    directory.mkdir(parents=True, exist_ok=True)
    payload = {"texts": texts, "raw_base64": [base64.b64encode(value).decode() for value in raw]}
    (directory / "main-1.json").write_text(json.dumps(payload))
    return directory


@pytest.fixture
def secrets_dir(tmp_path: Path) -> Path:
    grouped = " ".join(TOTP_BASE32[i : i + 4] for i in range(0, len(TOTP_BASE32), 4))
    return record_run_secrets(tmp_path / "run-secrets", [SECRET_PASSWORD, TOTP_BASE32, grouped], [TOTP_RAW])


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "clean.txt").write_text("nothing to see here\n")
    return folder


def scan(artifacts: Path, secrets_dir: Path) -> scan_artifacts.ScanOutcome:
    return scan_artifacts.run_scan([artifacts], {}, secrets_dir, forget=False)


def forms_found(outcome: scan_artifacts.ScanOutcome) -> set[str]:
    return {finding.needle.form for finding in outcome.findings}


def test_clean_artifacts_pass(artifacts: Path, secrets_dir: Path) -> None:
    (artifacts / "page.html").write_text("<input type=password value='***'>")
    (artifacts / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    outcome = scan(artifacts, secrets_dir)
    assert outcome.clean and outcome.stats.files == 3


def test_a_plain_secret_in_a_text_file_is_found(artifacts: Path, secrets_dir: Path) -> None:
    (artifacts / "step.log").write_text(f"typed {SECRET_PASSWORD} into #password\n")
    outcome = scan(artifacts, secrets_dir)
    assert [finding.location.rsplit("/", 1)[-1] for finding in outcome.findings] == ["step.log"]
    assert forms_found(outcome) == {"plain text"}


@pytest.mark.parametrize(
    ("encoded", "form"),
    [
        (quote(SECRET_PASSWORD, safe=""), "URL-encoded text"),
        (quote_plus(SECRET_PASSWORD), "form-encoded text"),
        ("Plant3d#Pass word/+&amp;=42", "HTML-escaped text"),
    ],
)
def test_an_encoded_secret_is_found(artifacts: Path, secrets_dir: Path, encoded: str, form: str) -> None:
    (artifacts / "trace.network").write_text(f'{{"postData": "username=a%40b.c&password={encoded}"}}')
    assert form in forms_found(scan(artifacts, secrets_dir))


def test_a_secret_inside_a_zip_is_found_with_the_member_named(artifacts: Path, secrets_dir: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as trace:
        trace.writestr("trace.trace", '{"type":"action","value":"ok"}')
        trace.writestr("resources/3f2a.dat", f"password={quote_plus(SECRET_PASSWORD)}")
    (artifacts / "test-results").mkdir()
    (artifacts / "test-results" / "trace.zip").write_bytes(buffer.getvalue())
    outcome = scan(artifacts, secrets_dir)
    assert [finding.location.split("!", 1)[1] for finding in outcome.findings] == ["resources/3f2a.dat"]
    assert outcome.stats.archive_members == 2


def test_a_secret_inside_base64_inside_html_is_found(artifacts: Path, secrets_dir: Path) -> None:
    """How the one-file Allure report carries attachments."""
    attachment = base64.b64encode(f"e-mail body: your password is {SECRET_PASSWORD}".encode()).decode()
    (artifacts / "index.html").write_text(f'<script>d("data/attachments/1.attach","{attachment}")</script>')
    outcome = scan(artifacts, secrets_dir)
    assert outcome.findings and "!base64@" in outcome.findings[0].location


def test_a_zip_in_base64_in_html_is_opened_too(artifacts: Path, secrets_dir: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as trace:
        trace.writestr("page@1.html", f"<input value='{SECRET_PASSWORD}'>")
    (artifacts / "index.html").write_text(f'd("a.zip","{base64.b64encode(buffer.getvalue()).decode()}")')
    locations = [finding.location for finding in scan(artifacts, secrets_dir).findings]
    assert any(location.endswith("!base64@11!page@1.html") for location in locations), locations


def test_a_secret_in_a_gzip_file_is_found(artifacts: Path, secrets_dir: Path) -> None:
    (artifacts / "log.gz").write_bytes(gzip.compress(f"password={SECRET_PASSWORD}".encode()))
    assert scan(artifacts, secrets_dir).findings[0].location.endswith("log.gz!gunzip")


def test_totp_keys_are_found_in_base32_grouped_lower_case_and_raw_in_a_binary(
    artifacts: Path, secrets_dir: Path
) -> None:
    grouped = " ".join(TOTP_BASE32[i : i + 4] for i in range(0, len(TOTP_BASE32), 4))
    (artifacts / "config-totp.html").write_text(f"<span id='kc-totp-secret-key'>{grouped}</span>")
    (artifacts / "otpauth.txt").write_text(f"otpauth://totp/x?secret={TOTP_BASE32.lower()}")
    (artifacts / "dump.bin").write_bytes(b"\x00\x01" + TOTP_RAW + b"\xff")
    outcome = scan(artifacts, secrets_dir)
    by_file = {finding.location.rsplit("/", 1)[-1]: finding.needle.form for finding in outcome.findings}
    assert by_file == {"config-totp.html": "plain text", "otpauth.txt": "lower-case Base32", "dump.bin": "plain text"}


def test_findings_never_show_the_secret(artifacts: Path, secrets_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (artifacts / "leak.txt").write_text(SECRET_PASSWORD)
    code = scan_artifacts.main([str(artifacts), f"--secrets-dir={secrets_dir}", "--keep-secrets"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "LEAK: 1 secret occurrence(s)" in printed and "fingerprint" in printed
    assert SECRET_PASSWORD not in printed and quote(SECRET_PASSWORD, safe="") not in printed


def test_the_command_passes_on_clean_output_and_forgets_the_secrets(
    artifacts: Path, secrets_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert scan_artifacts.main([str(artifacts), f"--secrets-dir={secrets_dir}"]) == 0
    assert "clean: no secret found" in capsys.readouterr().out
    assert not secrets_dir.exists()


def test_without_any_secret_to_look_for_the_scan_refuses_to_pass(
    artifacts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert scan_artifacts.main([str(artifacts), f"--secrets-dir={tmp_path / 'none'}"]) == 2
    assert "CANNOT SCAN" in capsys.readouterr().out


def test_ci_credentials_in_the_environment_are_looked_for_too(artifacts: Path, tmp_path: Path) -> None:
    (artifacts / "junit.xml").write_text("<failure>login as qa-admin with Ci#Secret-Password-7</failure>")
    environ = {
        "UAT_ORG_ADMIN_PASSWORD": "Ci#Secret-Password-7",
        "UAT_ORG_ADMIN_TOTP_SECRET": TOTP_BASE32,
        "UAT_RUN_SECRETS_DIR": str(tmp_path / "none"),  # a folder, not a secret
        "UAT_PORTAL_URL": "https://uat.example/portal",
    }
    outcome = scan_artifacts.run_scan([artifacts], environ, None, forget=False)
    assert [finding.needle.secret.origin for finding in outcome.findings] == ["$UAT_ORG_ADMIN_PASSWORD"]
    origins = {secret.origin for secret in outcome.secrets}
    assert origins == {"$UAT_ORG_ADMIN_PASSWORD", "$UAT_ORG_ADMIN_TOTP_SECRET", "raw key of $UAT_ORG_ADMIN_TOTP_SECRET"}


def test_a_secret_inside_a_longer_one_is_reported_once() -> None:
    needles = needles_for([KnownSecret(b"Outer#Secret-123456", "a"), KnownSecret(b"Secret-123456", "b")])
    findings = scan_bytes(b"x Outer#Secret-123456 x", "f", needles, ScanStats())
    assert [finding.needle.secret.origin for finding in findings] == ["a"]


def test_short_values_are_not_looked_for() -> None:
    assert len(needles_for([KnownSecret(b"abc", "too short")])) == 0


def test_without_pyahocorasick_the_scan_finds_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = [KnownSecret(b"Outer#Secret-123456", "a"), KnownSecret(b"Other#Secret-99", "b")]
    data = b"x Outer#Secret-123456 x Other%23Secret-99 Outer#Secret-123456"
    with_automaton = scan_bytes(data, "f", needles_for(secrets), ScanStats())
    monkeypatch.setattr(scan_artifacts, "ahocorasick", None)
    without = scan_bytes(data, "f", needles_for(secrets), ScanStats())
    assert with_automaton == without
    assert [(f.needle.form, f.occurrences, f.first_offset) for f in without] == [
        ("plain text", 2, 2),
        ("URL-encoded text", 1, 24),
    ]


def test_a_large_artifact_tree_is_scanned_quickly(tmp_path: Path) -> None:
    """About a full run's worth: 200 secrets against 20 MB of screenshots and HTML."""
    secrets = [KnownSecret(f"Password#{index:04d}-xyzzy".encode(), "run") for index in range(200)]
    for index in range(20):
        (tmp_path / f"shot-{index}.png").write_bytes(bytes(range(256)) * 4096)
    stats = ScanStats()
    started = time.monotonic()
    assert scan_paths([tmp_path], needles_for(secrets), stats) == []
    assert stats.bytes == 20 * 1_048_576
    assert time.monotonic() - started < 30


# ---- on the self-test project's real output ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs() -> dict[str, SelftestRun]:
    return standard_runs()


def test_the_leak_scenario_is_caught_in_its_allure_results(runs: dict[str, SelftestRun]) -> None:
    outcome = scan_artifacts.run_scan([runs["all"].results], {}, runs["all"].secrets, forget=False)
    assert len(outcome.findings) == 1
    assert outcome.findings[0].needle.secret.value == PASSWORD.encode()
    assert outcome.findings[0].location.endswith("-attachment.attach")


def test_a_run_without_the_leak_is_clean(runs: dict[str, SelftestRun]) -> None:
    outcome = scan_artifacts.run_scan([runs["quarantined"].results], {}, runs["quarantined"].secrets, forget=False)
    assert outcome.clean and len(outcome.secrets) == 1
