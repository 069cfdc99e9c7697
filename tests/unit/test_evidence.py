"""Evidence without secrets, on real Chromium output: a Playwright trace of a sign-in with a password that Chromium
posts with `*` unencoded, a session cookie, a TOTP set-up screen (QR code as a data: image, the manual key) and a new
API key nobody registered is full of secrets before the scrub and clean after it, still a trace, with the frames of
the other screens kept; the page HTML attachment leaves out the screen's secret elements."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.sync_api import Browser, Page, Route

from support.evidence.cookies import register_trace_cookies
from support.evidence.page_html import page_html_without_secrets, scrub_html
from support.evidence.traces import scrub_trace
from support.leaks.detectors import detectors
from support.leaks.scan import KnownSecret, Scanner, needles_for
from support.secrets import Secret, forget_all_secrets, known_secrets, register_totp_secret

pytestmark = pytest.mark.browser

PASSWORD = "Ab1*Xy#z9!~Pw-2026"  # Chromium posts it as Ab1*Xy%23z9%21%7EPw-2026: neither quote nor quote_plus
TOTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
GROUPED_KEY = " ".join(TOTP_KEY[i : i + 4] for i in range(0, len(TOTP_KEY), 4))
OTPAUTH = f"otpauth://totp/FAMHPExternals:jane%40example.org?secret={TOTP_KEY}&issuer=FAMHPExternals"
API_KEY = "famhp_1a2b3c4d_" + "S2V5LXNlY3JldC1ub2JvZHktcmVnaXN0ZXJlZC0wMQ"  # shown before any step could wrap it
SESSION = "c2Vzc2lvbi10b2tlbi1vZi10aGUtc2lnbmVkLWluLXVzZXI"
ORIGIN = "https://portal.test"


def _qr_png(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=4)
    return base64.b64encode(buffer.getvalue()).decode()


def _screen(title: str, body: str) -> str:
    return f'<!doctype html><meta charset="utf-8"><title>{title}</title><body><h1>{title}</h1>{body}</body>'


SCREENS = {
    ("GET", "/sign-in"): _screen(
        "Sign in", '<form method="post" action="/sign-in"><input id="password" name="password" type="password">'
        '<button id="kc-login">Sign in</button></form>'
    ),
    ("POST", "/sign-in"): _screen(
        "Mobile authenticator set-up",
        f'<img id="kc-totp-secret-qr-code" alt="QR code" src="data:image/png;base64, {_qr_png(OTPAUTH)}">'
        f'<p>Unable to scan? <span id="kc-totp-secret-key">{GROUPED_KEY}</span></p>'
        '<form method="post" action="/totp"><input id="totp" name="totp"><button id="saveTOTPBtn">Submit</button>'
        "</form>",
    ),
    ("POST", "/totp"): _screen(
        "API key created",
        f'<section><label for="key">Your new API key</label><output id="key"><code>{API_KEY}</code></output>'
        '</section><a id="done" href="/done">Done</a>',
    ),
    ("GET", "/done"): _screen("Your applications", "<p>FAMHP Connect</p><p>VAMREG</p>"),
}  # fmt: skip


@pytest.fixture
def registry() -> Iterator[None]:
    forget_all_secrets()
    Secret(PASSWORD)
    register_totp_secret(TOTP_KEY)
    yield
    forget_all_secrets()


def _serve(route: Route) -> None:
    request = route.request
    path = request.url.removeprefix(ORIGIN).split("?", 1)[0]
    route.fulfill(status=200, content_type="text/html; charset=utf-8", body=SCREENS[(request.method, path)])


@pytest.fixture
def trace(browser: Browser, registry: None, tmp_path: Path) -> Path:
    """A sign-in recorded as `--uat-trace` records it: screenshots and DOM snapshots."""
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    context.add_cookies([{"name": "session", "value": SESSION, "url": ORIGIN}])
    context.route(f"{ORIGIN}/**", _serve)
    context.tracing.start(screenshots=True, snapshots=True, sources=False)
    page = context.new_page()
    page.goto(f"{ORIGIN}/sign-in")
    page.fill("#password", PASSWORD)
    page.click("#kc-login")
    page.locator("#kc-totp-secret-qr-code").wait_for()
    page.fill("#totp", "123456")
    page.click("#saveTOTPBtn")
    page.get_by_label("Your new API key").wait_for()
    page.click("#done")
    page.get_by_role("heading", name="Your applications").wait_for()
    path = tmp_path / "trace.zip"
    context.tracing.stop(path=str(path))
    context.close()
    return path


def _scan(path: Path) -> Scanner:
    secrets = [KnownSecret(value.encode(), "test") for value in (*known_secrets(), SESSION)]
    scanner = Scanner(needles_for(secrets), detectors({}))
    scanner.findings = scanner.scan_paths([path])  # type: ignore[attr-defined]
    return scanner


def _frames(path: Path) -> list[Image.Image]:
    with zipfile.ZipFile(path) as archive:
        events = [json.loads(line) for line in archive.read("trace.trace").splitlines()]
        return [Image.open(io.BytesIO(archive.read(e["file"]))) for e in events if e["type"] == "screencast-frame"]


def _blank(image: Image.Image) -> bool:
    return all(low == high for low, high in image.convert("RGB").getextrema())


def test_a_trace_is_full_of_secrets_before_the_scrub(trace: Path) -> None:
    """The test plants what the scrub must remove: without it, each of these is in the trace."""
    forms = {(finding.what.split(",")[0], finding.form) for finding in _scan(trace).findings}  # type: ignore[attr-defined]
    assert ("secret (test", "browser form encoding") in forms, forms  # the password as Chromium posts it
    assert ("API key (by its format)", "its own shape") in forms
    assert ("otpauth:// URI (a TOTP key)", "QR code text (its own shape)") in forms  # data: image and frames
    assert {form for what, form in forms if what == "secret (test"} >= {"plain", "QR code text (plain)"}


def test_after_the_scrub_the_trace_is_clean_and_still_a_trace(trace: Path) -> None:
    frames_before = _frames(trace)
    scrub = scrub_trace(trace)
    scanner = _scan(trace)
    assert scanner.findings == [], [finding.describe() for finding in scanner.findings]  # type: ignore[attr-defined]
    assert scanner.stats.qr_codes == 0 and scanner.stats.images >= 1
    assert SESSION in known_secrets(), "the trace's session cookie is registered, so every later artifact is checked"
    assert scrub.replaced > 0 and scrub.pictures >= 1 and scrub.secret_screens == 2
    frames = _frames(trace)
    assert [frame.size for frame in frames] == [frame.size for frame in frames_before]
    assert 0 < scrub.frames < scrub.frames_total == len(frames)
    # the sign-in screen's frames are kept; from the set-up screen on they are blanked, up to the first snapshot of
    # the screen after the API key's (where this test ends)
    shown = [index for index, frame in enumerate(frames) if not _blank(frame)]
    assert shown and shown == [index for index in shown if index < len(frames) - scrub.frames]
    with zipfile.ZipFile(trace) as archive:
        for name in ("trace.trace", "trace.network"):
            assert all(json.loads(line) for line in archive.read(name).splitlines())


# ---- page HTML ---------------------------------------------------------------------------------------------------
@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    yield page
    page.close()


def test_the_page_html_leaves_out_the_qr_code_and_the_manual_key(page: Page, registry: None) -> None:
    page.set_content(SCREENS[("POST", "/sign-in")])
    attached = page_html_without_secrets(page)
    assert "kc-totp-secret-qr-code" not in attached and "kc-totp-secret-key" not in attached
    assert "a secret element of this screen was removed" in attached and 'id="saveTOTPBtn"' in attached


def test_the_page_html_leaves_out_a_new_api_key(page: Page, registry: None) -> None:
    page.set_content(SCREENS[("POST", "/totp")])
    attached = page_html_without_secrets(page)
    assert API_KEY not in attached and '<output id="key">' not in attached and "Done" in attached


def test_html_scrub_blanks_qr_images_and_masks_what_is_left(registry: None) -> None:
    html = f'<img src="data:image/png;base64, {_qr_png(OTPAUTH)}"><p>{GROUPED_KEY} {API_KEY}</p>'
    scrubbed = scrub_html(html)
    assert _qr_png(OTPAUTH) not in scrubbed and GROUPED_KEY not in scrubbed and API_KEY not in scrubbed
    assert scrubbed.count("***") == 2 and 'src="data:image/png;base64, ' in scrubbed


# ---- session cookies ---------------------------------------------------------------------------------------------
def test_every_cookie_a_trace_recorded_is_registered(registry: None) -> None:
    network = "\n".join(
        json.dumps({"type": "resource-snapshot", "snapshot": exchange})
        for exchange in (
            {"request": {"cookies": [{"name": "AUTH_SESSION_ID", "value": "YzRhOGQ0ZjEtYmEzNC00Zjc1"}]}},
            {"response": {"headers": [{"name": "Set-Cookie", "value": 'KC_AUTH="S2V5Y2xvYWstaWRlbnRpdHk="; Path=/'}]}},
            {"request": {"headers": [{"name": "Cookie", "value": "KEYCLOAK_LOCALE=en; app=cG9ydGFsLXNlc3Npb24tMDE"}]}},
        )
    )  # fmt: skip
    register_trace_cookies(network.encode())
    registered = known_secrets()
    assert {"YzRhOGQ0ZjEtYmEzNC00Zjc1", "S2V5Y2xvYWstaWRlbnRpdHk=", "cG9ydGFsLXNlc3Npb24tMDE"} <= registered
    assert "en" not in registered and "Path=/" not in registered
