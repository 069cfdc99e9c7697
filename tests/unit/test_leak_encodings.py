"""The one list of encodings matches the software that writes secrets into artifacts: Chromium's form posts, its
encodeURIComponent / encodeURI and DOM serialisation (checked in a real Chromium), Python's urllib, base64 (a secret at
any offset of a longer text), quoted-printable, html, MarkupSafe and json."""

from __future__ import annotations

import base64
import binascii
import html
import json
import quopri
import random
import string
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import markupsafe
import pytest
from playwright.sync_api import Browser, Page, Route

from support.leaks.encodings import ENCODINGS, MIN_DERIVED_LENGTH, encoded_forms

# every printable ASCII character, a space, and characters outside ASCII (two and four UTF-8 bytes)
EVERY_CHARACTER = string.printable.strip() + " é€😀"
PASSWORD = "Ab1*Xy#z9!~ &<\"'+/=%é-Pw"


def forms(value: str | bytes, encoding: str | None = None) -> set[bytes]:
    data = value.encode() if isinstance(value, str) else value
    return {form.data for form in encoded_forms(data) if encoding is None or form.encoding == encoding}


def contains_a_form(text: bytes, value: str | bytes) -> bool:
    return any(form in text for form in forms(value))


# ---- Chromium, the browser the suite drives (pytest-playwright's `browser`, with the suite's launch options) ------
@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page: a document keeps the character set it was made with, and a form posts in it."""
    page = browser.new_page()
    yield page
    page.close()


def _submitted(page: Page, method: str, value: str) -> bytes:
    """What Chromium sends when a user submits a form with `value` in a password field."""
    sent: list[bytes] = []

    def capture(route: Route) -> None:
        request = route.request
        sent.append(request.post_data_buffer or request.url.split("?", 1)[1].encode())
        route.fulfill(body="ok")

    page.route("http://form.test/**", capture)
    page.set_content(
        f'<meta charset="utf-8"><form method="{method}" action="http://form.test/submit">'
        '<input type="password" name="password"><button>Sign in</button></form>'
    )
    page.fill("input[name=password]", value)
    page.click("button")
    page.wait_for_url("http://form.test/submit*")
    page.unroute("http://form.test/**")
    return sent[0]


@pytest.mark.browser
@pytest.mark.parametrize("method", ["post", "get"])
def test_chromium_form_submissions_are_in_the_list(page: Page, method: str) -> None:
    body = _submitted(page, method, EVERY_CHARACTER)
    value = body.split(b"=", 1)[1]
    assert value in forms(EVERY_CHARACTER, "browser form encoding")
    # neither of Python's encoders writes what Chromium posts: it keeps *, escapes ~
    assert b"*" in value and b"%7E" in value
    assert value.decode() not in (quote_plus(EVERY_CHARACTER), quote(EVERY_CHARACTER, safe=""))


@pytest.mark.browser
@pytest.mark.parametrize("function", ["encodeURIComponent", "encodeURI"])
def test_javascript_uri_encoders_are_in_the_list(page: Page, function: str) -> None:
    encoded = page.evaluate(f"value => {function}(value)", EVERY_CHARACTER)
    assert encoded.encode() in forms(EVERY_CHARACTER, function)


@pytest.mark.browser
def test_chromium_dom_serialisation_is_in_the_list(page: Page) -> None:
    """What `page.content()` gives the page HTML attachment: attribute values and text as the DOM serialises them."""
    page.set_content('<meta charset="utf-8"><input id="field"><p id="text"></p>')
    page.evaluate(
        "value => { document.getElementById('field').setAttribute('value', value);"
        " document.getElementById('text').textContent = value; }",
        PASSWORD,
    )
    serialised = page.content().encode()
    attribute = serialised.split(b'value="', 1)[1].split(b'"></p>', 1)[0]
    text = serialised.split(b'<p id="text">', 1)[1].split(b"</p>", 1)[0]
    assert attribute.split(b'">', 1)[0] in forms(PASSWORD) and text in forms(PASSWORD)


# ---- Python's producers ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "produce",
    [
        lambda v: quote(v, safe=""),
        lambda v: quote(v),
        lambda v: quote_plus(v),
        lambda v: html.escape(v),
        lambda v: html.escape(v, quote=False),
        lambda v: str(markupsafe.escape(v)),
        lambda v: json.dumps(v),
        lambda v: json.dumps(v, ensure_ascii=False),
        lambda v: json.dumps(v).replace("/", "\\/"),
    ],
    ids=["quote", "quote-path", "quote_plus", "html.escape", "html.escape-text", "markupsafe", "json", "json-utf8",
         "json-slash"],
)  # fmt: skip
def test_python_encoders_are_in_the_list(produce) -> None:  # type: ignore[no-untyped-def]
    for value in (PASSWORD, EVERY_CHARACTER):
        assert contains_a_form(produce(value).encode(), value), produce(value)


def test_quoted_printable_bodies_are_in_the_list() -> None:
    for value in (PASSWORD.encode(), "Grüße = Ärger; ".encode() * 8, bytes(range(32, 256))):
        encoded = quopri.encodestring(b"short line " + value, quotetabs=False)
        unbroken = encoded.replace(b"=\n", b"")  # the scan joins soft line breaks before it searches
        assert contains_a_form(unbroken, value)


def test_a_secret_is_found_in_base64_at_every_offset_and_alphabet() -> None:
    """A secret inside an encoded attachment starts at any byte: each of the three offsets gives other characters."""
    generator = random.Random(20260504)
    for _ in range(200):
        secret = bytes(generator.randrange(256) for _ in range(generator.randrange(8, 40)))  # ours have 12 or more
        before = bytes(generator.randrange(256) for _ in range(generator.randrange(0, 7)))
        after = bytes(generator.randrange(256) for _ in range(generator.randrange(0, 7)))
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(before + secret + after)
            assert contains_a_form(encoded, secret), (len(before), len(secret), len(after))


def test_utf16_and_hex_are_in_the_list() -> None:
    for produced in (f"x{PASSWORD}".encode("utf-16"), f"x{PASSWORD}".encode("utf-16-be")):
        assert contains_a_form(produced, PASSWORD)
    assert contains_a_form(binascii.hexlify(b"\x00" + PASSWORD.encode()), PASSWORD)
    assert contains_a_form(binascii.hexlify(b"\x00" + PASSWORD.encode()).upper(), PASSWORD)


def test_every_encoding_gives_text_a_form_and_bytes_only_the_byte_encodings() -> None:
    text = {form.encoding for form in encoded_forms(PASSWORD.encode())}
    assert text == {encoding.name for encoding in ENCODINGS}
    raw = {form.encoding for form in encoded_forms(b"\xde\xad\xbe\xef\x00\x01\xfe\xff\x10\x20")}
    assert {"plain", "URL-encoded (Python quote)", "base64", "base64url", "quoted-printable", "hex"} <= raw
    assert not raw & {encoding.name for encoding in ENCODINGS if encoding.text_only}
    assert all(len(form.data) >= MIN_DERIVED_LENGTH for form in encoded_forms(b"abcd") if form.data != b"abcd")
