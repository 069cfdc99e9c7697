"""Reaching controls without a mouse: Tab moves the focus until it is on the control; a control Tab never reaches
is named as a keyboard trap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.keyboard import KeyboardTrapError, tab_to

FORM = """<main><input id="first" autofocus><button id="show" type="button">Show</button><input id="second">
<div id="clickable" onclick="this.dataset.done = 1">only a mouse reaches me</div>
<button id="save">Save</button></main>"""


def test_tab_reaches_a_control_and_says_how_many_presses_it_took(page: Page) -> None:
    page.set_content(FORM)
    page.locator("#first").focus()
    assert tab_to(page, page.locator("#second"), "the second field") == 2
    assert tab_to(page, page.locator("#save"), "the save button") == 1


def test_a_control_tab_never_reaches_is_a_keyboard_trap(page: Page) -> None:
    page.set_content(FORM)
    with pytest.raises(
        KeyboardTrapError, match=r"the clickable text cannot be reached with the keyboard: .* 5 presses"
    ):
        tab_to(page, page.locator("#clickable"), "the clickable text", max_presses=5)
