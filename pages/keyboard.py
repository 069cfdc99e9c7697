"""Reaching a control as a person who uses no mouse does: Tab moves the focus from control to control until it is
on the one wanted; a control the focus never reaches is a keyboard trap (WCAG 2.1.1, 2.1.2)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

MAX_TABS = 40  # more stops than any screen of the journey has controls


class KeyboardTrapError(AssertionError):
    """The focus never reached a control with Tab: the screen cannot be used without a mouse."""


def tab_to(page: Page, target: Locator, what: str, max_presses: int = MAX_TABS) -> int:
    """Press Tab until `target` has the focus; returns how many presses it took."""
    target.wait_for()
    for presses in range(max_presses + 1):
        if target.evaluate("element => element === document.activeElement"):
            return presses
        page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : 'nothing'; }"
    )
    raise KeyboardTrapError(
        f"{what} cannot be reached with the keyboard: not focused after {max_presses} presses of Tab "
        f"(the focus is on {focused}) at {page.url}"
    )
