"""Unit tests drive this machine's Chromium directly: they test the suite's helpers, need no target deployment
and no configuration of one (the suite's own `browser` fixtures read the target's settings to choose an engine)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from fixtures.browser import CONTEXT_OPTIONS
from support.browser import launch_args


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig: pytest.Config) -> dict[str, Any]:
    return {"headless": not pytestconfig.getoption("--headed"), **launch_args()}


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[[], Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {**CONTEXT_OPTIONS, "locale": "en-GB"}
