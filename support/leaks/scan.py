"""The artifact scan: every secret the run used, in every encoding of support.leaks.encodings, and every
secret-shaped value (support.leaks.detectors), looked for in every file a run leaves: inside zip and gzip files,
base64 blobs (plain, URL-safe, MIME-wrapped), quoted-printable mail bodies, and the QR codes of every picture."""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from support.leaks.blobs import base64_runs, decode_base64, looks_textual
from support.leaks.detectors import Detector, DetectorError, detectors, find_shapes
from support.leaks.encodings import ENCODINGS, encoded_forms
from support.leaks.pictures import image_format, qr_texts
from support.leaks.search import Needle, Needles
from support.paths import PROJECT_ROOT, REPORTS, STACK_STATE, TEST_RESULTS
from support.reporting.run_secrets import remove_run_secrets, run_secrets_dir
from support.secrets import MIN_REGISTERED_LENGTH, totp_key_forms

# the run's artifacts, its console log (CI writes it into reports/) and the reference stack's logs
DEFAULT_PATHS = (REPORTS, TEST_RESULTS, STACK_STATE / "logs")
# CI passes credentials as UAT_* variables; the scan looks for them even when the run died before recording them.
SECRET_VARIABLE = re.compile(r"^UAT_\w*(PASSWORD|SECRET|TOKEN|API_KEY)$")
MAX_NESTING = 4  # zip in base64 in html, and so on
_REPEATS_FROM = 4096  # contents this long are scanned once however often they occur
_QUOTED_PRINTABLE = re.compile(rb"=\r?\n|quoted-printable", re.IGNORECASE)
_FINGERPRINT_KEY = os.urandom(16)


def fingerprint(value: bytes) -> str:
    # keyed per scan: tells the secrets of one report apart, yet gives nothing to test guesses against
    return hmac.new(_FINGERPRINT_KEY, value, hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class KnownSecret:
    """A secret as the report names it: never its value, only where it came from, its length and a fingerprint."""

    value: bytes
    origin: str

    def describe(self) -> str:
        return f"{self.origin}, {len(self.value)} bytes, fingerprint {fingerprint(self.value)}"


@dataclass(frozen=True)
class Finding:
    location: str
    what: str  # the secret (never its value) or the detector that recognised it
    form: str  # the encoding it was found in
    occurrences: int
    first_offset: int
    secret: KnownSecret | None = None

    def describe(self) -> str:
        count = f"{self.occurrences} occurrence{'s' if self.occurrences != 1 else ''}"
        return f"{self.location}: {self.what} as {self.form}, {count} from byte {self.first_offset}"


@dataclass
class ScanStats:
    files: int = 0
    bytes: int = 0
    archive_members: int = 0
    decoded_blobs: int = 0
    images: int = 0  # pictures decoded with the QR reader, each distinct picture once
    repeats: int = 0  # files, members and blobs with content already scanned (their findings are repeated)
    qr_codes: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # on a shared machine the wall time says more about the others than about the scan
    image_seconds: float = 0.0
    image_cpu_seconds: float = 0.0
    unreadable: list[str] = field(default_factory=list)


# ---- which secrets -------------------------------------------------------------------------------------------------
def load_run_secrets(directory: Path) -> list[KnownSecret]:
    """The secrets every test process of the run recorded (support.reporting.run_secrets.RunSecretsRecorder)."""
    secrets: list[KnownSecret] = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        payload = json.loads(path.read_text(encoding="utf-8"))
        secrets += [KnownSecret(text.encode(), "recorded by the run") for text in payload.get("texts", [])]
        secrets += [
            KnownSecret(base64.b64decode(raw), "raw TOTP key recorded by the run")
            for raw in payload.get("raw_base64", [])
        ]
    return secrets


def environment_secrets(environ: Mapping[str, str]) -> list[KnownSecret]:
    found = []
    for name, value in sorted(environ.items()):
        if SECRET_VARIABLE.match(name) and len(value) >= MIN_REGISTERED_LENGTH:
            found.append(KnownSecret(value.encode(), f"${name}"))
            if "TOTP" in name:
                texts, raw = totp_key_forms(value)
                found += [KnownSecret(text.encode(), f"${name}") for text in texts if text != value]
                if raw is not None:
                    found.append(KnownSecret(raw, f"raw key of ${name}"))
    return found


def needles_for(secrets: Iterable[KnownSecret]) -> Needles:
    return Needles(
        Needle(form.data, form.encoding, secret)
        for secret in secrets
        if len(secret.value) >= MIN_REGISTERED_LENGTH
        for form in encoded_forms(secret.value)
    )


# ---- scanning --------------------------------------------------------------------------------------------------------
class Scanner:
    """One scan: the needles and detectors, what was read, and what each distinct content held. A run repeats most
    of its bytes: a trace is in test-results/, attached in the Allure results, copied into the report folder and
    base64-encoded into the one-file report; each content is scanned once and its findings repeated for its copies."""

    def __init__(self, needles: Needles, found_by: tuple[Detector, ...] = ()) -> None:
        self.needles = needles
        self.detectors = found_by
        self.stats = ScanStats()
        self._qr_cache: dict[bytes, list[str]] = {}
        self._scanned: dict[bytes, tuple[str, list[Finding], int]] = {}  # sha1: first location, findings, depth

    def scan_paths(self, paths: Iterable[Path]) -> list[Finding]:
        started, cpu_started = time.perf_counter(), time.process_time()
        findings: list[Finding] = []
        for path in iter_files(paths):
            try:
                data = path.read_bytes()
            except OSError as error:
                self.stats.unreadable.append(f"{path} ({error})")
                continue
            self.stats.files += 1
            self.stats.bytes += len(data)
            findings += self.scan_bytes(data, shown(path))
        self.stats.seconds += time.perf_counter() - started
        self.stats.cpu_seconds += time.process_time() - cpu_started
        return findings

    def scan_bytes(self, data: bytes, location: str, depth: int = 0) -> list[Finding]:
        if len(data) < _REPEATS_FROM:
            return self._scan_content(data, location, depth)
        key = hashlib.sha1(data).digest()
        earlier = self._scanned.get(key)
        if earlier is not None and earlier[2] <= depth:  # scanned before, at least as deep into its nesting
            self.stats.repeats += 1
            first, findings, _ = earlier
            return [replace(finding, location=location + finding.location[len(first) :]) for finding in findings]
        findings = self._scan_content(data, location, depth)
        self._scanned[key] = (location, findings, depth)
        return findings

    def _scan_content(self, data: bytes, location: str, depth: int) -> list[Finding]:
        findings = self._search(data, location)
        if depth >= MAX_NESTING:
            return findings
        if image_format(data):
            return findings + self._scan_picture(data, location)
        if data[:4] == b"PK\x03\x04":
            findings += self._scan_zip(data, location, depth)
        elif data[:2] == b"\x1f\x8b":
            try:
                findings += self.scan_bytes(gzip.decompress(data), f"{location}!gunzip", depth + 1)
            except (OSError, EOFError):
                self.stats.unreadable.append(f"{location} (broken gzip)")
        if looks_textual(location, data):
            findings += self._scan_base64_blobs(data, location, depth)
            if _QUOTED_PRINTABLE.search(data):
                found = {finding.secret for finding in findings}
                decoded = binascii.a2b_qp(data)
                view = self.scan_bytes(decoded, f"{location}!quoted-printable", depth + 1) if decoded != data else []
                findings += [finding for finding in view if finding.secret is None or finding.secret not in found]
        return findings

    def _search(self, data: bytes, location: str) -> list[Finding]:
        findings: list[Finding] = []
        spans: list[tuple[int, int]] = []
        for needle, offset, count in self.needles.occurrences(data):
            if any(start <= offset < end for start, end in spans):
                continue  # the same spot already reported as a longer form
            spans.append((offset, offset + len(needle.data)))
            secret: KnownSecret = needle.secret
            findings.append(Finding(location, f"secret ({secret.describe()})", needle.encoding, count, offset, secret))
        for detector, offset, count in find_shapes(data, self.detectors):
            if any(start <= offset < end for start, end in spans):
                continue  # a registered secret that also has the shape
            match = detector.pattern.search(data, offset)
            value = match.group() if match else b""
            what = f"{detector.name}, {len(value)} bytes, fingerprint {fingerprint(value)}"
            findings.append(Finding(location, what, "its own shape", count, offset))
        return findings

    def _scan_picture(self, data: bytes, location: str) -> list[Finding]:
        key = hashlib.sha1(data).digest()
        texts = self._qr_cache.get(key)
        if texts is None:
            started, cpu_started = time.perf_counter(), time.process_time()
            texts = self._qr_cache[key] = qr_texts(data)
            self.stats.image_seconds += time.perf_counter() - started
            self.stats.image_cpu_seconds += time.process_time() - cpu_started
            self.stats.images += 1
            self.stats.qr_codes += len(texts)
        findings = []
        for number, text in enumerate(texts, start=1):
            for finding in self._search(text.encode("utf-8"), f"{location}!QR code {number}"):
                findings.append(Finding(**{**finding.__dict__, "form": f"QR code text ({finding.form})"}))
        return findings

    def _scan_zip(self, data: bytes, location: str, depth: int) -> list[Finding]:
        findings = []
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.infolist():
                    if member.is_dir():
                        continue
                    self.stats.archive_members += 1
                    findings += self.scan_bytes(archive.read(member), f"{location}!{member.filename}", depth + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as error:
            self.stats.unreadable.append(f"{location} ({error})")
        return findings

    def _scan_base64_blobs(self, data: bytes, location: str, depth: int) -> list[Finding]:
        """The one-file Allure report carries every attachment base64-encoded in its HTML, pages carry data: images,
        mails carry MIME-wrapped attachments; each blob is decoded and scanned like a file."""
        findings = []
        for match in base64_runs(data):
            decoded = decode_base64(match.group())
            if decoded is None or len(decoded) < MIN_REGISTERED_LENGTH:
                continue
            self.stats.decoded_blobs += 1
            findings += self.scan_bytes(decoded, f"{location}!base64@{match.start()}", depth + 1)
        return findings


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(item for item in path.rglob("*") if item.is_file() and not item.is_symlink())


def shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


# ---- one scan of a run -----------------------------------------------------------------------------------------------
@dataclass
class ScanOutcome:
    paths: list[Path]
    findings: list[Finding]
    stats: ScanStats
    secrets: list[KnownSecret]
    forms: int = 0  # encoded forms looked for
    detectors: int = 0
    problem: str | None = None  # why the scan could not judge the artifacts

    @property
    def clean(self) -> bool:
        return not self.findings and self.problem is None


def run_scan(
    paths: Iterable[Path], environ: Mapping[str, str], secrets_dir: Path | None = None, forget: bool = True
) -> ScanOutcome:
    """Scan the artifacts for the run's secrets (recorded + from the environment) and for secret-shaped values.
    The recorded secrets are deleted when the scan ends, however it ends, unless told not to: they were stored in
    clear only so that this scan could look for them."""
    directory = secrets_dir if secrets_dir is not None else run_secrets_dir(environ)
    paths = [Path(path) for path in paths]
    try:
        secrets = load_run_secrets(directory) + environment_secrets(environ)
        try:
            found_by = detectors(environ)
        except DetectorError as error:
            return ScanOutcome(paths, [], ScanStats(), secrets, problem=str(error))
        # a run that recorded but handled no secret (a read-only run without credentials) is still scanned for
        # secret-shaped values; only a run that recorded nothing at all cannot be judged
        recorded = directory.is_dir() and any(directory.glob("*.json"))
        if not secrets and not recorded:
            problem = (
                f"no secrets to look for: the run recorded none in {directory} and no UAT_*PASSWORD/SECRET/TOKEN/"
                "API_KEY variable is set (did the run load fixtures.reporting?)"
            )
            existing = [path for path in paths if path.exists()]
            return ScanOutcome(paths, [], ScanStats(), secrets, problem=problem if any(iter_files(existing)) else None)
        scanner = Scanner(needles_for(secrets), found_by)
        findings = scanner.scan_paths(path for path in paths if path.exists())
        return ScanOutcome(paths, findings, scanner.stats, secrets, len(scanner.needles), len(found_by))
    finally:
        if forget:
            remove_run_secrets(directory)


def describe_outcome(outcome: ScanOutcome) -> str:
    stats = outcome.stats
    where = ", ".join(shown(path) for path in outcome.paths)
    megabytes = stats.bytes / 1_048_576
    lines = [
        f"artifact scan of {where}: {stats.files} files ({megabytes:.1f} MB), {stats.archive_members} archive "
        f"members, {stats.decoded_blobs} base64 blobs, {stats.images} images decoded ({stats.qr_codes} QR codes); "
        f"{stats.repeats} repeated contents scanned once",
        f"  looked for {len(outcome.secrets)} secret values in {len(ENCODINGS)} encodings ({outcome.forms} forms) "
        f"and {outcome.detectors} shape detectors",
    ]
    if stats.seconds and stats.cpu_seconds:
        lines.append(
            f"  took {stats.seconds:.1f} s, {stats.cpu_seconds:.1f} s of CPU ({megabytes / stats.seconds:.1f} MB/s; "
            f"{megabytes / stats.cpu_seconds:.1f} MB per CPU second), load average {_load_average()}"
        )
    if stats.images and stats.image_seconds and stats.image_cpu_seconds:
        lines.append(
            f"  images: {stats.image_seconds:.1f} s, {stats.image_cpu_seconds:.1f} s of CPU "
            f"({stats.images / stats.image_seconds:.0f} images/s; {stats.images / stats.image_cpu_seconds:.0f} per "
            "CPU second)"
        )
    lines += [f"  could not read {item}" for item in stats.unreadable]
    if outcome.problem:
        lines.append(f"CANNOT SCAN: {outcome.problem}")
    elif outcome.findings:
        lines.append(f"LEAK: {len(outcome.findings)} secret occurrence(s) in the artifacts:")
        lines += [f"  {finding.describe()}" for finding in outcome.findings]
        lines.append(
            "Mask the value where the artifact is made (support.secrets: Secret, mask_text; the page object's "
            "secret_locators(); support.evidence: the trace scrub), delete the leaked files, and rotate the secret."
        )
    else:
        lines.append("clean: no secret found")
    return "\n".join(lines)


def _load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def record_verdict(outcome: ScanOutcome, marker: Path) -> None:
    """Leave `marker` (default reports/scan-clean.txt) only after a clean scan: CI publishes the evidence only when
    it is there, so a scan that found a secret, could not run, or never ran publishes nothing but the summary."""
    marker.unlink(missing_ok=True)
    if outcome.clean:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(describe_outcome(outcome) + "\n", encoding="utf-8")


def withdraw_verdict(marker: Path) -> None:
    """Forget the previous scan's verdict before anything new is scanned (a stale marker would publish)."""
    marker.unlink(missing_ok=True)
