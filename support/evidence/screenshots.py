"""Screenshots with every secret-bearing element painted over (the page objects' `secret_locators()`)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.masking import secret_locators
from support.leaks.pictures import MASK_COLOR

MASK_CSS_COLOR = "#{:02x}{:02x}{:02x}".format(*MASK_COLOR)


def masked_screenshot(page: Page) -> bytes:
    """A full-page screenshot with every secret-bearing element painted over."""
    return page.screenshot(
        full_page=True,
        mask=secret_locators(page),
        mask_color=MASK_CSS_COLOR,
        animations="disabled",
        caret="hide",
    )
