"""Secrets recognised by their shape, for the ones nobody registered: an API key shown before a step could wrap it, a
TOTP enrolment URI (`otpauth://…?secret=…`, what the QR code says). Masking, the trace scrub and the scan use them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

API_KEY_PATTERN_ENV = "UAT_API_KEY_PATTERN"
# FAMHP Connect's keys on the reference stack: "famhp_" + 8 hex digits (the prefix the list shows) + "_" + the secret
# part (stack/apps/services/api_keys.py). A deployment whose keys look different sets UAT_API_KEY_PATTERN.
DEFAULT_API_KEY_PATTERN = r"famhp_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}"
# the URI an authenticator enrols from, as text or URL-encoded, with a Base32 secret long enough to be a real key
OTPAUTH_URI = re.compile(
    rb"otpauth(?:://|%3A%2F%2F)[ht]otp(?:/|%2F)[^\s\"'<>]*?(?:[?&]|%3F|%26)secret(?:=|%3D)[A-Za-z2-7]{16,}",
    re.IGNORECASE,
)


class DetectorError(ValueError):
    """A configured detector pattern is not a usable regular expression."""


@dataclass(frozen=True)
class Detector:
    name: str
    pattern: re.Pattern[bytes]


def api_key_pattern(environ: Mapping[str, str]) -> re.Pattern[bytes]:
    text = environ.get(API_KEY_PATTERN_ENV, "").strip() or DEFAULT_API_KEY_PATTERN
    try:
        pattern = re.compile(text.encode("utf-8"))
    except re.error as error:
        raise DetectorError(f"{API_KEY_PATTERN_ENV}={text!r} is not a regular expression: {error}") from None
    if pattern.match(b""):
        raise DetectorError(f"{API_KEY_PATTERN_ENV}={text!r} matches the empty string: it would mask everything")
    return pattern


def detectors(environ: Mapping[str, str] | None = None) -> tuple[Detector, ...]:
    environ = os.environ if environ is None else environ
    return (
        Detector("API key (by its format)", api_key_pattern(environ)),
        Detector("otpauth:// URI (a TOTP key)", OTPAUTH_URI),
    )


def find_shapes(data: bytes, found_by: tuple[Detector, ...]) -> list[tuple[Detector, int, int]]:
    """(detector, first offset, count) of every detector that matches the data."""
    found = []
    for detector in found_by:
        matches = [match.start() for match in detector.pattern.finditer(data)]
        if matches:
            found.append((detector, matches[0], len(matches)))
    return found


def mask_shapes(data: bytes, found_by: tuple[Detector, ...], mask: bytes) -> tuple[bytes, int]:
    replaced = 0
    for detector in found_by:
        data, count = detector.pattern.subn(mask, data)
        replaced += count
    return data, replaced
