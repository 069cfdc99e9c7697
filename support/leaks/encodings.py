"""The one list of encodings in which an artifact can carry a secret. Masking (logs, HTML, e-mails), the trace scrub
and the artifact scan all take a secret's forms from `encoded_forms`, so what the scan looks for is exactly what the
scrub removes: a form added here is removed and looked for everywhere at once.

Each encoding is written the way the software that produces it writes it (checked against the real producer in
tests/unit/test_leak_encodings.py): Chromium's form posts keep `*` and escape `~`, Python's `quote` does the
opposite, `encodeURIComponent` keeps `!'()*~`, Jinja2 writes `&#39;`, Python's `html.escape` writes `&#x27;`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Derived forms shorter than this (a base64 fragment of a 4-character secret) would match by chance.
MIN_DERIVED_LENGTH = 8

_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Encoding:
    """One way of writing a value: its name in scan findings, and every form it gives a value."""

    name: str
    forms: Callable[[bytes], Iterable[bytes]]
    text_only: bool = False  # needs the value to be UTF-8 text (HTML, JSON, UTF-16)


@dataclass(frozen=True)
class Form:
    data: bytes
    encoding: str


# ---- percent-encodings: which bytes each producer leaves as they are --------------------------------------------
def _percent(value: bytes, safe: bytes, space: bytes | None = None) -> bytes:
    out = bytearray()
    for byte in value:
        if byte in safe:
            out.append(byte)
        elif byte == 0x20 and space is not None:
            out += space
        else:
            out += b"%%%02X" % byte
    return bytes(out)


def _both_hex_cases(encoded: bytes) -> Iterator[bytes]:
    yield encoded
    yield _lower_percent_hex(encoded)  # %2a: some encoders (and hand-built URLs) write lower-case hex


def _lower_percent_hex(encoded: bytes) -> bytes:
    parts = encoded.split(b"%")
    return parts[0] + b"".join(b"%" + part[:2].lower() + part[2:] for part in parts[1:])


def _percent_encoding(safe: bytes, space: bytes | None = None) -> Callable[[bytes], Iterator[bytes]]:
    def forms(value: bytes) -> Iterator[bytes]:
        yield from _both_hex_cases(_percent(value, _ALNUM + safe, space))

    return forms


# ---- base64: a secret inside a longer encoded text, at each of the three byte offsets ---------------------------
def _base64_cores(encode: Callable[[bytes], bytes]) -> Callable[[bytes], Iterator[bytes]]:
    """The characters that depend on the secret alone, wherever it starts in the encoded data: a secret at byte
    offset 0, 1 or 2 of a 3-byte group gives three different runs of characters, each found in any longer text."""

    def forms(value: bytes) -> Iterator[bytes]:
        for offset in range(3):
            data = bytes(offset) + value
            encoded = encode(data)
            whole, rest = divmod(len(data), 3)
            start = (0, 2, 3)[offset]  # the first characters mix in the bytes before the secret
            end = whole * 4 + (0, 1, 2)[rest]  # the last one mixes in the bytes after it
            yield encoded[start:end]

    return forms


# ---- quoted-printable (e-mail bodies) ----------------------------------------------------------------------------
def _quoted_printable(value: bytes) -> Iterator[bytes]:
    for options in ({"quotetabs": False}, {"quotetabs": True}, {"header": True}):  # header: encoded words, space as _
        # at the end of a line a trailing space is written =20, inside a line as it is; no soft line breaks (=\n):
        # the scan decodes a quoted-printable body before it searches
        for encoded in (binascii.b2a_qp(value, **options), binascii.b2a_qp(value + b"x", **options)[:-1]):
            yield encoded.replace(b"=\r\n", b"").replace(b"=\n", b"")


# ---- HTML and XML entities, as each producer writes them ---------------------------------------------------------
_ENTITY_STYLES: tuple[dict[str, str], ...] = (
    {"&": "&amp;", "<": "&lt;", ">": "&gt;"},  # text nodes (DOM serialisation, XML text)
    {"&": "&amp;", '"': "&quot;"},  # attribute values, DOM serialisation before Chromium 138
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"},  # attributes: Chromium 138+, ElementTree (junit.xml)
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"},  # Python html.escape
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"},  # Jinja2 / MarkupSafe, Go html/template
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"},  # FreeMarker (Keycloak's themes)
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"},  # XML, XHTML
)


_NON_ASCII_REFERENCES: tuple[Callable[[str], str], ...] = (
    lambda char: char,  # UTF-8 documents keep it
    lambda char: f"&#{ord(char)};",  # an ASCII serialiser (ElementTree's default, junit.xml): &#233;
    lambda char: f"&#x{ord(char):x};",  # &#xe9;
)


def _html_entities(value: bytes) -> Iterator[bytes]:
    text = value.decode("utf-8")
    for style in _ENTITY_STYLES:
        for reference in _NON_ASCII_REFERENCES:
            yield "".join(style.get(char) or (reference(char) if ord(char) > 127 else char) for char in text).encode()


# ---- JSON string escapes -----------------------------------------------------------------------------------------
_HTML_SAFE_JSON = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}  # Go, Jackson's HTML-safe mode


def _json_escapes(value: bytes) -> Iterator[bytes]:
    text = value.decode("utf-8")
    for ensure_ascii in (True, False):
        escaped = json.dumps(text, ensure_ascii=ensure_ascii)[1:-1]
        yield escaped.encode("utf-8")
        yield escaped.replace("/", "\\/").encode("utf-8")  # PHP, some Java writers
        yield "".join(_HTML_SAFE_JSON.get(char, char) for char in escaped).encode("utf-8")


def _utf16(value: bytes) -> Iterator[bytes]:
    text = value.decode("utf-8")
    yield text.encode("utf-16-le")
    yield text.encode("utf-16-be")


def _hex(value: bytes) -> Iterator[bytes]:
    yield value.hex().encode("ascii")
    yield value.hex().upper().encode("ascii")


ENCODINGS: tuple[Encoding, ...] = (
    Encoding("plain", lambda value: [value]),
    # WHATWG application/x-www-form-urlencoded, as Chromium posts a form: keeps * - . _, escapes ~, space as +
    Encoding("browser form encoding", _percent_encoding(b"*-._", space=b"+")),
    Encoding("URL-encoded (Python quote)", _percent_encoding(b"-._~")),
    Encoding("URL path (Python quote, / kept)", _percent_encoding(b"-._~/")),
    Encoding("form-encoded (Python quote_plus)", _percent_encoding(b"-._~", space=b"+")),
    Encoding("encodeURIComponent", _percent_encoding(b"-_.!~*'()")),
    Encoding("encodeURI", _percent_encoding(b"-_.!~*'();/?:@&=+$,#")),
    Encoding("base64", _base64_cores(base64.b64encode)),
    Encoding("base64url", _base64_cores(base64.urlsafe_b64encode)),
    Encoding("quoted-printable", _quoted_printable),
    Encoding("HTML entities", _html_entities, text_only=True),
    Encoding("JSON escapes", _json_escapes, text_only=True),
    Encoding("UTF-16", _utf16, text_only=True),
    Encoding("hex", _hex),
)


def _is_text(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def encoded_forms(value: bytes) -> list[Form]:
    """Every form of the value in every encoding, each distinct form once (under the first encoding that gives it:
    "plain" for a form that is the value itself), derived forms only when long enough to mean something."""
    text = _is_text(value)
    forms: dict[bytes, Form] = {}
    for encoding in ENCODINGS:
        if encoding.text_only and not text:
            continue
        for data in encoding.forms(value):
            if data == value or len(data) >= MIN_DERIVED_LENGTH:
                forms.setdefault(data, Form(data, encoding.name))
    return list(forms.values())


def encoding_names() -> list[str]:
    return [encoding.name for encoding in ENCODINGS]
