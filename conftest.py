"""Root of the suite: registers the step modules and the shared fixtures (pytest-bdd needs them here)."""

from __future__ import annotations

import os

import pytest

from fixtures.browser import launch_args

pytest_plugins: list[str] = []


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, **launch_args(os.environ.get("UAT_BROWSER_EXECUTABLE"))}
