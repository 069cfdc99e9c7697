"""Reading a run's files as the scan must: which base64 runs to decode (long, plausible ones) and which contents
are text."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

# Base64 runs decoded and scanned like files: long ones (attachments of the one-file report, data: images, MIME
# bodies with their lines joined, zips), standard or URL-safe. A secret inside a shorter run is found without decoding,
# by the base64 forms of support.leaks.encodings; decoding every short run would decode every word of a stylesheet.
MIN_DECODED_RUN = 64
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{%d,}={0,2}(?:\r?\n[A-Za-z0-9+/_-]{4,}={0,2})*" % MIN_DECODED_RUN)
_UPPER = re.compile(rb"[A-Z]")
_LOWER = re.compile(rb"[a-z]")
_TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".jsonl", ".txt", ".xml", ".csv", ".md", ".log", ".trace", ".eml"}


def base64_runs(data: bytes) -> Iterator[re.Match[bytes]]:
    for match in _BASE64_RUN.finditer(data):
        if _plausible_base64(match.group()):
            yield match


def _plausible_base64(run: bytes) -> bool:
    """Base64 of 48 bytes or more has upper- and lower-case letters (but for a chance of 1 in 10^14), uses one
    alphabet, and has few - or _ (1 in 32 characters on average); paths, hex digests and CSS custom properties
    (--pf-v5-c-button--hover--Color) are not decoded."""
    if _UPPER.search(run) is None or _LOWER.search(run) is None:
        return False
    url_safe = run.count(b"-") + run.count(b"_")
    return url_safe == 0 or (b"+" not in run and b"/" not in run and url_safe * 8 <= len(run))


def decode_base64(blob: bytes) -> bytes | None:
    compact = re.sub(rb"\s+", b"", blob).rstrip(b"=")
    if len(compact) % 4 == 1:
        return None
    padded = compact + b"=" * (-len(compact) % 4)
    try:
        if b"-" in compact or b"_" in compact:
            return base64.b64decode(padded.replace(b"-", b"+").replace(b"_", b"/"), validate=True)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def looks_textual(location: str, data: bytes) -> bool:
    name = location.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return suffix in _TEXT_SUFFIXES or (bool(data) and b"\x00" not in data[:1024])
