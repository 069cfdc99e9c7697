"""Evidence without secrets: screenshots with every secret-bearing element painted over, and Playwright traces
rewritten with every known secret replaced."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

from playwright.sync_api import Page

from pages.masking import secret_locators
from support.secrets import known_secret_bytes

MASK_COLOR = "#1f2d3d"
MASK = b"***"


def masked_screenshot(page: Page) -> bytes:
    """A full-page screenshot with every secret-bearing element painted over."""
    return page.screenshot(
        full_page=True,
        mask=secret_locators(page),
        mask_color=MASK_COLOR,
        animations="disabled",
        caret="hide",
    )


def _secret_forms() -> set[bytes]:
    """Each secret as typed, and as a form post or URL carries it (the trace's network log)."""
    forms: set[bytes] = set()
    for secret in known_secret_bytes():
        forms.add(secret)
        try:
            text = secret.decode()
        except UnicodeDecodeError:
            continue
        forms.add(quote_plus(text).encode())
        forms.add(quote(text, safe="").encode())
    return forms


def scrub_trace(trace_zip: Path) -> int:
    """Rewrites a Playwright trace with every known secret replaced by ***; returns how many were found.

    Traces record typed values and DOM snapshots of password fields in clear (Playwright has no redaction),
    so a trace is only kept after this pass."""
    secrets = sorted(_secret_forms(), key=len, reverse=True)
    found = 0
    scrubbed = trace_zip.with_suffix(".scrubbed.zip")
    with zipfile.ZipFile(trace_zip) as source, zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            for secret in secrets:
                if secret in data:
                    found += data.count(secret)
                    data = data.replace(secret, MASK)
            target.writestr(item, data)
    scrubbed.replace(trace_zip)
    return found
