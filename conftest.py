"""Root of the suite: registers the suite's plugin and step modules (pytest-bdd needs them here) and overrides
pytest-playwright's browser fixtures (a conftest's fixtures win over a plugin's). The plugin is imported inside
the fixtures: a module imported before pytest registers it would miss pytest's assertion rewriting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright

if TYPE_CHECKING:
    from support.config import UatConfig

pytest_plugins = [
    "fixtures.options",
    "fixtures.run",
    "fixtures.selection",
    "fixtures.shards",
    "fixtures.outcomes",
    "fixtures.accessibility",
    "fixtures.browser",
    "fixtures.users",
    "fixtures.mail",
    "fixtures.api_keys",
    "fixtures.evidence",
    "fixtures.masking",
    "fixtures.reporting",
    "fixtures.verdicts",
    "fixtures.leftovers",
    "fixtures.interruptions",
    "steps.invitation",
    "steps.onboarding",
    "steps.sign_in",
    "steps.portal",
    "steps.vamreg",
    "steps.production",
    "steps.api_keys",
    "steps.security",
    "steps.accessibility",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, uat_config: UatConfig) -> dict:
    from fixtures.browser import with_launch_args

    return with_launch_args(browser_type_launch_args, uat_config)


@pytest.fixture(scope="session")
def browser(
    launch_browser: Callable[[], Browser], playwright: Playwright, browser_type_launch_args: dict, uat_config: UatConfig
) -> Iterator[Browser]:
    """Chromium launched here, on a Playwright browser server (UAT_BROWSER_ENDPOINT) or on a Selenium Grid
    (UAT_SELENIUM_GRID_URL)."""
    from fixtures.browser import session_browser

    yield from session_browser(uat_config, playwright, browser_type_launch_args, launch_browser)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, uat_config: UatConfig) -> dict:
    from fixtures.browser import with_context_options

    return with_context_options(browser_context_args, uat_config)


@pytest.fixture
def context(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    from fixtures.evidence import traced_context
    from fixtures.verdicts import watch_network

    watch_network(context, request)
    yield from traced_context(context, request)
