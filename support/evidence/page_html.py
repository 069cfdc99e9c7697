"""Page HTML for the report without secrets: the screen's secret elements (its page object's `secret_locators()`:
the QR code, the manual key, a new API key) taken out, every data: image that holds a QR code blanked, and every
known or secret-shaped value masked."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.masking import secret_locators
from support.leaks.pictures import blank_data_images, qr_texts
from support.secrets import MASK, mask_text

REMOVED_ELEMENT = f"<!-- {MASK} a secret element of this screen was removed -->"


def page_html_without_secrets(page: Page) -> str:
    """The page's HTML as the browser serialises it, with its secret elements removed and the rest scrubbed."""
    html = page.content()
    for locator in secret_locators(page):
        for element in locator.all():
            outer = element.evaluate("element => element.outerHTML")
            if outer:
                html = html.replace(outer, REMOVED_ELEMENT)
    return scrub_html(html)


def scrub_html(html: str) -> str:
    """HTML with every QR-code data: image blanked and every known or secret-shaped value masked."""
    data, _ = blank_data_images(html.encode("utf-8"), lambda image: bool(qr_texts(image)))
    return mask_text(data.decode("utf-8"))
