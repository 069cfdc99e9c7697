"""Root of the suite: registers the suite's plugin and step modules (pytest-bdd needs them here) and points
Playwright at a Chromium this machine has."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext

from fixtures.browser import launch_args

pytest_plugins = [
    "fixtures.plugin",
    "fixtures.reporting",
    "steps.invitation",
    "steps.onboarding",
    "steps.sign_in",
    "steps.portal",
    "steps.vamreg",
    "steps.production",
    "steps.api_keys",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, **launch_args(os.environ.get("UAT_BROWSER_EXECUTABLE"))}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/Brussels",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def context(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    from fixtures.plugin import traced_context  # imported late: pytest registers the plugin first

    yield from traced_context(context, request)
