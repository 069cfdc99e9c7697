"""Which Chromium to drive: Playwright's own when installed, else Debian's, with flags for a closed network."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

# without these, Chromium keeps calling Google services that a closed network refuses
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


def playwright_chromium_installed() -> bool:
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    return any(cache.glob("chromium-*/chrome-linux*/chrome"))


def chromium_executable(configured: str | None = None) -> str | None:
    """None means 'let Playwright use its own browser'."""
    if configured:
        return configured
    if playwright_chromium_installed():
        return None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        "no Chromium found: Playwright's browser is not installed and neither is Debian's chromium. "
        "Fix: `make install` (installs Debian chromium) or set UAT_BROWSER_EXECUTABLE."
    )


# Ctrl-C and SIGTERM reach a browser launched here too: it must outlive them, because the run's clean-up still uses it
OUTLIVES_SIGNALS: dict[str, Any] = {"handle_sigint": False, "handle_sigterm": False}


def launch_args(configured_executable: str | None = None) -> dict[str, Any]:
    executable = chromium_executable(configured_executable)
    args: dict[str, Any] = {"args": CHROMIUM_ARGS, **OUTLIVES_SIGNALS}
    if executable:
        args["executable_path"] = executable
    return args
