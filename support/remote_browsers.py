"""Browsers that run outside the test process: on a Playwright browser server or on a Selenium Grid, driven by
this process's Playwright. A library (no pytest): the suite's fixtures pick the engine from configuration.

- Browser server (`playwright run-server --unsafe`): `BrowserType.connect` with the launch options in the
  `x-playwright-launch-options` header, camelCase (the server ignores pytest-playwright's snake_case keys).
  Client and server must share Playwright's major.minor.
- Selenium Grid 4: Playwright's driver reads SELENIUM_REMOTE_URL when it starts, so it must be in the environment
  before `sync_playwright()` starts; `chromium.launch()` then opens a grid session and drives it over CDP. The
  grid's stereotype picks the Chromium binary (`executable_path` is ignored).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from importlib.metadata import version as package_version
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Playwright
from playwright.sync_api import Error as PlaywrightError

LAUNCH_OPTIONS_HEADER = "x-playwright-launch-options"
SELENIUM_REMOTE_URL = "SELENIUM_REMOTE_URL"
SELENIUM_REMOTE_CAPABILITIES = "SELENIUM_REMOTE_CAPABILITIES"
# Playwright merges SELENIUM_REMOTE_CAPABILITIES shallowly: one of these keys would replace its own options
# (its args, --remote-debugging-port=0 and --headless among them)
BROWSER_OPTION_KEYS = ("goog:chromeOptions", "ms:edgeOptions")
# a grid answers Playwright's DELETE /session within a second; a hang lasts ~30 s (measured on 4.47.0)
CLOSE_DEADLINE_S = 10.0
_POLL_S = 0.1  # poll interval of the deadline-bound wait for the grid to free a session


class RemoteBrowserError(RuntimeError):
    """A remote browser could not be reached or used; the message names the engine, the address and the fix."""


class SeleniumGridCloseHang(UserWarning):
    """A closed browser's grid session outlived the close deadline: the grid's DELETE /session hangs."""


@dataclass(frozen=True)
class ChromiumLaunch:
    """How to start Chromium wherever it runs. On a browser server `executable_path` is a path on the server's
    machine; on a Selenium Grid the grid's stereotype names the binary and `executable_path` is not used."""

    executable_path: str | None = None
    args: tuple[str, ...] = ()
    headless: bool = True
    slow_mo_ms: float = 0  # the client slows its own calls (--slowmo); never sent to the server

    def server_launch_options(self) -> dict[str, object]:
        """The launch options as `playwright run-server` reads them: camelCase keys."""
        options: dict[str, object] = {"args": list(self.args), "headless": self.headless}
        if self.executable_path:
            options["executablePath"] = self.executable_path
        return options


@dataclass(frozen=True)
class CloseReport:
    """How a remote browser's close went: seconds in `browser.close()`, then until the grid freed its session."""

    engine: str
    close_s: float
    release_s: float | None = None  # grid only: None when the session outlived the deadline
    session_id: str | None = None

    @property
    def hung(self) -> bool:
        return self.engine == "selenium-grid" and self.release_s is None


@dataclass
class RemoteBrowser:
    """A connected `Browser` and what closing it cleanly needs (the grid session it holds)."""

    browser: Browser
    engine: str  # "browser-server" or "selenium-grid"
    address: str
    grid_session_id: str | None = None

    def close(self, deadline_s: float = CLOSE_DEADLINE_S) -> CloseReport:
        """Close the browser; on a grid, wait (bounded) until the grid has freed the session.

        Playwright's `browser.close()` may return before its own DELETE /session is answered. If Playwright
        stops meanwhile, its driver sends that DELETE again, and the grid holds the second one ~30 s. Waiting
        here until the session is gone prevents that; past the deadline a SeleniumGridCloseHang warning names
        the session and the time instead of hiding it."""
        started = time.monotonic()
        self.browser.close()
        close_s = time.monotonic() - started
        if self.engine != "selenium-grid" or self.grid_session_id is None:
            return CloseReport(self.engine, close_s)
        deadline = started + deadline_s
        while time.monotonic() < deadline:
            if self.grid_session_id not in grid_sessions(self.address):
                return CloseReport(self.engine, close_s, time.monotonic() - started, self.grid_session_id)
            time.sleep(_POLL_S)
        warnings.warn(
            SeleniumGridCloseHang(
                f"Selenium Grid at {self.address} still holds session {self.grid_session_id} "
                f"{time.monotonic() - started:.1f} s after browser.close() (deadline {deadline_s:.0f} s): its "
                "DELETE /session hangs. Stopping Playwright now repeats that DELETE and may wait ~30 s more; "
                "the grid frees the slot by its session timeout."
            ),
            stacklevel=2,
        )
        return CloseReport(self.engine, close_s, None, self.grid_session_id)


# ---- Playwright browser server ---------------------------------------------------------------------------------


def browser_server_connect_options(endpoint: str, launch: ChromiumLaunch, timeout_s: float = 30) -> dict:
    """Keyword arguments of `BrowserType.connect`; also a valid pytest-playwright `connect_options` (its header
    entries win over the plugin's own snake_case launch options)."""
    _require_url(endpoint, ("ws", "wss"), "the browser server endpoint (UAT_BROWSER_ENDPOINT)")
    options: dict = {
        "endpoint": endpoint,
        "headers": {LAUNCH_OPTIONS_HEADER: json.dumps(launch.server_launch_options())},
        "timeout": timeout_s * 1000,
    }
    if launch.slow_mo_ms:
        options["slow_mo"] = launch.slow_mo_ms
    return options


def connect_to_browser_server(
    playwright: Playwright, endpoint: str, launch: ChromiumLaunch, timeout_s: float = 30
) -> RemoteBrowser:
    options = browser_server_connect_options(endpoint, launch, timeout_s)
    try:
        browser = playwright.chromium.connect(**options)
    except PlaywrightError as exc:
        raise RemoteBrowserError(explain_browser_server_error(endpoint, launch, str(exc))) from exc
    return RemoteBrowser(browser, "browser-server", endpoint)


def explain_browser_server_error(endpoint: str, launch: ChromiumLaunch, message: str) -> str:
    """What went wrong connecting to a browser server, and the fix, from Playwright's error text."""
    first_line = _first_line(message)
    mismatch = re.search(r"server version: v(\d+\.\d+).*?client version: v(\d+\.\d+)", message, re.S)
    if mismatch or " 428 " in message:
        server, client = mismatch.groups() if mismatch else ("another version", package_version("playwright"))
        return (
            f"the browser server at {endpoint} runs Playwright {server}, this client {client} "
            "(HTTP 428): client and server must share major.minor. "
            f"Fix: install playwright=={server}.* here, or run the server from this client's Playwright "
            "(`uat browsers up` does)."
        )
    if _unreachable(message):
        return (
            f"no browser server answers at {endpoint} ({first_line}). "
            "Fix: start one (`uat browsers up`), or correct UAT_BROWSER_ENDPOINT."
        )
    missing = re.search(r"Executable doesn't exist at (\S+)", message)
    if missing:
        if launch.executable_path and missing.group(1) != launch.executable_path:
            return (
                f"the browser server at {endpoint} ignored executablePath {launch.executable_path} and looked for "
                f"its own browser build at {missing.group(1)}: it runs without --unsafe. "
                "Fix: start it with `playwright run-server --unsafe` (`uat browsers up` does)."
            )
        return (
            f"the browser server at {endpoint} has no browser at {missing.group(1)}. "
            "Fix: pass the Chromium path of the server's machine (`uat browsers status --json`: chromium_executable)."
        )
    return f"could not connect to the browser server at {endpoint}: {message.strip()}"


# ---- Selenium Grid ---------------------------------------------------------------------------------------------


def selenium_grid_environment(grid_url: str, capabilities: dict | None = None) -> dict[str, str]:
    """The variables Playwright's driver must find when it starts, to launch Chromium on the grid."""
    _require_url(grid_url, ("http", "https"), "the Selenium Grid URL (UAT_SELENIUM_GRID_URL)")
    env = {SELENIUM_REMOTE_URL: grid_url}
    if capabilities:
        clashing = [key for key in BROWSER_OPTION_KEYS if key in capabilities]
        if clashing:
            raise RemoteBrowserError(
                f"SELENIUM_REMOTE_CAPABILITIES must not contain {', '.join(clashing)}: Playwright merges it over its "
                "own options shallowly, so its Chromium arguments (--remote-debugging-port=0, --headless) would be "
                "lost. Name the binary in the grid's stereotype instead."
            )
        env[SELENIUM_REMOTE_CAPABILITIES] = json.dumps(capabilities)
    return env


def export_selenium_grid_environment(grid_url: str) -> None:
    """Put the grid's variables into this process's environment, before anything starts Playwright (the suite
    does it in pytest_configure; pytest-xdist workers inherit the environment)."""
    os.environ.update(selenium_grid_environment(grid_url))


def grid_status(grid_url: str, timeout_s: float = 5) -> dict:
    """The grid's /status `value`; a RemoteBrowserError when it does not answer or is not ready."""
    url = grid_url.rstrip("/") + "/status"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            value = json.load(response)["value"]
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        raise RemoteBrowserError(
            f"no Selenium Grid answers at {grid_url} ({url}: {exc}). "
            "Fix: start one (`uat browsers up`), or correct UAT_SELENIUM_GRID_URL."
        ) from exc
    if not value.get("ready"):
        raise RemoteBrowserError(f"the Selenium Grid at {grid_url} is not ready: {value.get('message')}")
    return value


def grid_sessions(grid_url: str) -> dict[str, dict]:
    """Session id -> capabilities of every session the grid holds now."""
    sessions = {}
    for node in grid_status(grid_url).get("nodes", []):
        for slot in node.get("slots", []):
            session = slot.get("session")
            if session:
                sessions[session["sessionId"]] = session.get("capabilities", {})
    return sessions


def launch_on_selenium_grid(
    playwright: Playwright, grid_url: str, launch: ChromiumLaunch, timeout_s: float = 60
) -> RemoteBrowser:
    """Chromium on the grid, through Playwright's SELENIUM_REMOTE_URL support (set before Playwright started)."""
    configured = os.environ.get(SELENIUM_REMOTE_URL)
    if configured is None or configured.rstrip("/") != grid_url.rstrip("/"):
        raise RemoteBrowserError(
            f"SELENIUM_REMOTE_URL is {configured!r}, not {grid_url!r}: Playwright's driver reads it once, when "
            "sync_playwright() starts. Fix: put selenium_grid_environment(grid_url) into os.environ before that."
        )
    grid_status(grid_url)
    try:
        browser = playwright.chromium.launch(
            args=list(launch.args), headless=launch.headless, slow_mo=launch.slow_mo_ms, timeout=timeout_s * 1000
        )
    except PlaywrightError as exc:
        raise RemoteBrowserError(explain_grid_launch_error(grid_url, str(exc))) from exc
    session_id = _grid_session_of(browser, grid_url)
    if session_id is None:
        browser.close()
        raise RemoteBrowserError(
            f"Playwright launched Chromium on this machine, not on the Selenium Grid at {grid_url}: its driver "
            "started before SELENIUM_REMOTE_URL was set. Fix: set it before sync_playwright() starts."
        )
    return RemoteBrowser(browser, "selenium-grid", grid_url, session_id)


def explain_grid_launch_error(grid_url: str, message: str) -> str:
    """What went wrong launching Chromium through the grid, and the fix, from Playwright's error text."""
    first_line = _first_line(message)
    if "<selenium>" not in message and "Selenium" not in message:
        return (
            f"Playwright tried to launch Chromium on this machine, not on the Selenium Grid at {grid_url} "
            f"({first_line}): its driver started before SELENIUM_REMOTE_URL was set. "
            "Fix: set it before sync_playwright() starts."
        )
    if _unreachable(message):
        return (
            f"no Selenium Grid answers at {grid_url} ({first_line}). "
            "Fix: start one (`uat browsers up`), or correct UAT_SELENIUM_GRID_URL."
        )
    return f"the Selenium Grid at {grid_url} could not start Chromium: {message.strip()}"


def _grid_session_of(browser: Browser, grid_url: str) -> str | None:
    """The grid session running this browser: its --user-data-dir is the profile ChromeDriver reports."""
    cdp = browser.new_browser_cdp_session()
    try:
        arguments = cdp.send("Browser.getBrowserCommandLine")["arguments"]
    finally:
        cdp.detach()
    profile = next((a.split("=", 1)[1] for a in arguments if a.startswith("--user-data-dir=")), None)
    if profile is None:
        return None
    for session_id, capabilities in grid_sessions(grid_url).items():
        if any(isinstance(v, dict) and v.get("userDataDir") == profile for v in capabilities.values()):
            return session_id
    return None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "(no message)"


def _unreachable(message: str) -> bool:
    """Playwright's error text for an address where nothing listens or that does not resolve."""
    return any(cause in message for cause in ("ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT"))


def _require_url(url: str, schemes: tuple[str, ...], what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        raise RemoteBrowserError(f"{what} {url!r} is not a {' or '.join(s + '://' for s in schemes)}host:port URL")
