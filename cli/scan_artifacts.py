"""`uat scan-artifacts`: fails when a secret the run used shows up anywhere in reports/ or the Playwright output:
plain, URL-, HTML- or JSON-encoded, in binary files, inside zip files (traces) and base64 blobs (one-file report)."""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import gzip
import hashlib
import hmac
import html
import io
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from support.paths import PROJECT_ROOT, REPORTS, RUN_SECRETS, TEST_RESULTS
from support.reporting.run_secrets import RUN_SECRETS_ENV, run_secrets_dir

try:
    import ahocorasick
except ImportError:  # the scan still works, one search per secret form (minutes instead of seconds on a full run)
    ahocorasick = None

DEFAULT_PATHS = (REPORTS, TEST_RESULTS)

# CI passes credentials as UAT_* variables; the scan looks for them even when the run died before recording them.
SECRET_VARIABLE = re.compile(r"^UAT_\w*(PASSWORD|SECRET|TOKEN|API_KEY)$")
MIN_SECRET_LENGTH = 4  # as support.secrets: shorter values would only produce noise
MAX_NESTING = 4  # zip in base64 in html, and so on
_BASE32 = re.compile(r"^[A-Z2-7]+=*$")
_BASE32_GROUPED = re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$")
# base64 runs long enough to hide a secret (a 4-byte secret needs 8 characters; shorter runs are words)
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]{16,}={0,2}")
_FINGERPRINT_KEY = os.urandom(16)
_TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".jsonl", ".txt", ".xml", ".csv", ".md", ".log", ".trace"}


@dataclass(frozen=True)
class KnownSecret:
    """A secret as the report names it: never its value, only where it came from, its length and a fingerprint."""

    value: bytes
    origin: str

    def describe(self) -> str:
        # keyed per scan: tells the secrets of one report apart, yet gives nothing to test guesses against
        fingerprint = hmac.new(_FINGERPRINT_KEY, self.value, hashlib.sha256).hexdigest()[:8]
        return f"{self.origin}, {len(self.value)} bytes, fingerprint {fingerprint}"


@dataclass(frozen=True)
class Needle:
    data: bytes
    secret: KnownSecret
    form: str


@dataclass(frozen=True)
class Finding:
    location: str
    needle: Needle
    occurrences: int
    first_offset: int

    def describe(self) -> str:
        return (
            f"{self.location}: secret ({self.needle.secret.describe()}) as {self.needle.form}, "
            f"{self.occurrences} occurrence{'s' if self.occurrences != 1 else ''} from byte {self.first_offset}"
        )


@dataclass
class ScanStats:
    files: int = 0
    bytes: int = 0
    archive_members: int = 0
    decoded_blobs: int = 0
    unreadable: list[str] = field(default_factory=list)


# ---- which secrets, in which forms ---------------------------------------------------------------------------
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
        if SECRET_VARIABLE.match(name) and len(value) >= MIN_SECRET_LENGTH:
            found.append(KnownSecret(value.encode(), f"${name}"))
            if "TOTP" in name:
                found += _totp_forms(value, f"${name}")
    return found


def _totp_forms(base32_key: str, origin: str) -> list[KnownSecret]:
    """A TOTP key as an authenticator or Keycloak shows it: Base32 plain, grouped by 4, and the raw key."""
    compact = re.sub(r"\s+", "", base32_key).upper().rstrip("=")
    forms = [KnownSecret(compact.encode(), origin)]
    forms.append(KnownSecret(" ".join(compact[i : i + 4] for i in range(0, len(compact), 4)).encode(), origin))
    with contextlib.suppress(binascii.Error, ValueError):  # not Base32: the plain forms are all there is
        forms.append(KnownSecret(base64.b32decode(compact + "=" * (-len(compact) % 8)), f"raw key of {origin}"))
    return forms


def encoded_forms(secret: KnownSecret) -> Iterator[Needle]:
    """Every form in which an artifact can carry the value: as typed, in a URL or form post, in HTML, in JSON."""
    yield Needle(secret.value, secret, "plain text")
    try:
        text = secret.value.decode("utf-8")
    except UnicodeDecodeError:
        return  # a raw key that is no text is only found as it is
    yield Needle(quote(text, safe="").encode(), secret, "URL-encoded text")
    yield Needle(quote_plus(text).encode(), secret, "form-encoded text")
    yield Needle(html.escape(text).encode(), secret, "HTML-escaped text")
    yield Needle(json.dumps(text)[1:-1].encode(), secret, "JSON-escaped text")
    yield Needle(json.dumps(text, ensure_ascii=False)[1:-1].encode(), secret, "JSON-escaped text")
    if _BASE32.match(text) or _BASE32_GROUPED.match(text):
        yield Needle(text.lower().encode(), secret, "lower-case Base32")


class Needles:
    """Every form of every secret, searched in one pass (Aho-Corasick, pyahocorasick) rather than once per form:
    a full run's reports hold hundreds of megabytes and the run hundreds of secret forms."""

    def __init__(self, needles: Iterable[Needle]) -> None:
        # longest first: a secret inside a longer one is reported once, as the longer one
        self.items = sorted(needles, key=lambda needle: len(needle.data), reverse=True)
        self._automaton: Any = None
        if ahocorasick is not None and self.items:
            automaton = ahocorasick.Automaton()
            for index, needle in enumerate(self.items):
                automaton.add_word(needle.data.decode("latin-1"), index)  # latin-1 maps each byte to one char
            automaton.make_automaton()
            self._automaton = automaton

    def __len__(self) -> int:
        return len(self.items)

    def occurrences(self, data: bytes) -> list[tuple[Needle, int, int]]:
        """(needle, first offset, count) of each needle found, longest needles first."""
        if self._automaton is None:
            found = []
            for needle in self.items:
                offset = data.find(needle.data)
                if offset >= 0:
                    found.append((needle, offset, data.count(needle.data)))
            return found
        first: dict[int, int] = {}
        counts: dict[int, int] = {}
        for end, index in self._automaton.iter(data.decode("latin-1")):
            counts[index] = counts.get(index, 0) + 1
            first.setdefault(index, end - len(self.items[index].data) + 1)
        return [(self.items[index], first[index], counts[index]) for index in sorted(first)]


def needles_for(secrets: Iterable[KnownSecret]) -> Needles:
    unique: dict[bytes, Needle] = {}
    for secret in secrets:
        if len(secret.value) < MIN_SECRET_LENGTH:
            continue
        for needle in encoded_forms(secret):
            unique.setdefault(needle.data, needle)
    return Needles(unique.values())


# ---- scanning -------------------------------------------------------------------------------------------------
def scan_bytes(data: bytes, location: str, needles: Needles, stats: ScanStats, depth: int = 0) -> list[Finding]:
    findings = []
    reported: list[tuple[int, int]] = []
    for needle, offset, count in needles.occurrences(data):
        if any(start <= offset < end for start, end in reported):
            continue  # the same spot already reported as a longer form
        reported.append((offset, offset + len(needle.data)))
        findings.append(Finding(location, needle, count, offset))
    if depth >= MAX_NESTING:
        return findings
    if data[:4] == b"PK\x03\x04":
        findings += _scan_zip(data, location, needles, stats, depth)
    elif data[:2] == b"\x1f\x8b":
        try:
            findings += scan_bytes(gzip.decompress(data), f"{location}!gunzip", needles, stats, depth + 1)
        except (OSError, EOFError):
            stats.unreadable.append(f"{location} (broken gzip)")
    if _looks_textual(location, data):
        findings += _scan_base64_blobs(data, location, needles, stats, depth)
    return findings


def _scan_zip(data: bytes, location: str, needles: Needles, stats: ScanStats, depth: int) -> list[Finding]:
    findings = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if member.is_dir():
                    continue
                stats.archive_members += 1
                content = archive.read(member)
                findings += scan_bytes(content, f"{location}!{member.filename}", needles, stats, depth + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        stats.unreadable.append(f"{location} ({error})")
    return findings


def _looks_textual(location: str, data: bytes) -> bool:
    suffix = Path(location.rsplit("!", 1)[-1]).suffix.lower()
    return suffix in _TEXT_SUFFIXES or (bool(data) and b"\x00" not in data[:1024])


def _scan_base64_blobs(data: bytes, location: str, needles: Needles, stats: ScanStats, depth: int) -> list[Finding]:
    """The one-file Allure report carries every attachment base64-encoded inside its HTML."""
    findings = []
    for match in _BASE64_RUN.finditer(data):
        blob = match.group()
        if len(blob) % 4:
            continue
        try:
            decoded = base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError):
            continue
        stats.decoded_blobs += 1
        findings += scan_bytes(decoded, f"{location}!base64@{match.start()}", needles, stats, depth + 1)
    return findings


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(item for item in path.rglob("*") if item.is_file() and not item.is_symlink())


def scan_paths(paths: Iterable[Path], needles: Needles, stats: ScanStats | None = None) -> list[Finding]:
    stats = stats if stats is not None else ScanStats()
    findings: list[Finding] = []
    for path in iter_files(paths):
        try:
            data = path.read_bytes()
        except OSError as error:
            stats.unreadable.append(f"{path} ({error})")
            continue
        stats.files += 1
        stats.bytes += len(data)
        findings += scan_bytes(data, _shown(path), needles, stats)
    return findings


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


# ---- the command ------------------------------------------------------------------------------------------------
@dataclass
class ScanOutcome:
    paths: list[Path]
    findings: list[Finding]
    stats: ScanStats
    secrets: list[KnownSecret]
    problem: str | None = None  # why the scan could not judge the artifacts

    @property
    def clean(self) -> bool:
        return not self.findings and self.problem is None


def run_scan(
    paths: Iterable[Path], environ: Mapping[str, str], secrets_dir: Path | None = None, forget: bool = True
) -> ScanOutcome:
    """Scan the artifacts for the run's secrets (recorded + from the environment); forget the recorded secrets
    afterwards unless told not to (they were stored in clear only so that this scan can look for them)."""
    directory = secrets_dir if secrets_dir is not None else run_secrets_dir(environ)
    secrets = load_run_secrets(directory) + environment_secrets(environ)
    paths = [Path(path) for path in paths]
    existing = [path for path in paths if path.exists()]
    stats = ScanStats()
    if not secrets:
        problem = (
            f"no secrets to look for: the run recorded none in {directory} and no UAT_*PASSWORD/SECRET/TOKEN/API_KEY "
            "variable is set (did the run load fixtures.reporting?)"
        )
        # a run that recorded, but handled no secret (a read-only run without credentials), is clean
        recorded = directory.is_dir() and any(directory.glob("*.json"))
        return ScanOutcome(paths, [], stats, secrets, problem if any(iter_files(existing)) and not recorded else None)
    findings = scan_paths(existing, needles_for(secrets), stats)
    if forget and directory.is_dir():
        shutil.rmtree(directory)
    return ScanOutcome(paths, findings, stats, secrets)


def describe_outcome(outcome: ScanOutcome) -> str:
    stats = outcome.stats
    where = ", ".join(_shown(path) for path in outcome.paths)
    lines = [
        f"artifact scan of {where}: {stats.files} files ({stats.bytes / 1_048_576:.1f} MB), "
        f"{stats.archive_members} archive members, {stats.decoded_blobs} base64 blobs, "
        f"for {len(outcome.secrets)} secret values in every encoded form"
    ]
    lines += [f"  could not read {item}" for item in stats.unreadable]
    if outcome.problem:
        lines.append(f"CANNOT SCAN: {outcome.problem}")
    elif outcome.findings:
        lines.append(f"LEAK: {len(outcome.findings)} secret occurrence(s) in the artifacts:")
        lines += [f"  {finding.describe()}" for finding in outcome.findings]
        lines.append(
            "Mask the value where the artifact is made (fixtures/secrets.py: Secret, mask_text; "
            "fixtures/evidence.py: SECRET_SELECTORS, scrub_trace) and delete the leaked files."
        )
    else:
        lines.append("clean: no secret found")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat scan-artifacts",
        description="Fail when any secret the run used appears in its artifacts (reports/, test-results/).",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: reports/ test-results/)")
    parser.add_argument("--secrets-dir", type=Path, help=f"the run's recorded secrets (default ${RUN_SECRETS_ENV} "
                        f"or {_shown(RUN_SECRETS)})")  # fmt: skip
    parser.add_argument("--keep-secrets", action="store_true", help="do not delete the recorded secrets after the scan")
    args = parser.parse_args(argv)
    paths = args.paths or list(DEFAULT_PATHS)
    outcome = run_scan(paths, os.environ, args.secrets_dir, forget=not args.keep_secrets)
    print(describe_outcome(outcome))
    if outcome.problem:
        return 2
    return 1 if outcome.findings else 0


if __name__ == "__main__":
    sys.exit(main())
