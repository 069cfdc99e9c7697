"""The remote-browser client's pure parts: camelCase launch options, the grid environment, errors that name the
cause and the fix (from Playwright's real error texts), and the bounded close of a grid browser."""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.remote_browsers import (
    LAUNCH_OPTIONS_HEADER,
    SELENIUM_REMOTE_CAPABILITIES,
    SELENIUM_REMOTE_URL,
    ChromiumLaunch,
    RemoteBrowser,
    RemoteBrowserError,
    SeleniumGridCloseHang,
    browser_server_connect_options,
    explain_browser_server_error,
    explain_grid_launch_error,
    launch_on_selenium_grid,
    selenium_grid_environment,
)

LAUNCH = ChromiumLaunch(executable_path="/usr/bin/chromium", args=("--no-sandbox", "--disable-gpu"))

# Playwright 1.65's own error texts, as recorded on this machine
VERSION_MISMATCH = """BrowserType.connect: WebSocket error: ws://localhost:3600/ 428 Precondition Required
╔════════════════════════════════════════════════════╗
║ Playwright version mismatch:                       ║
║   - server version: v1.65                          ║
║   - client version: v1.64                          ║
╚════════════════════════════════════════════════════╝"""
REFUSED = """BrowserType.connect: WebSocket error: connect ECONNREFUSED 127.0.0.1:3699
Call log:
  - <ws connecting> ws://localhost:3699/"""
OWN_BUILD_MISSING = (
    "BrowserType.connect: Executable doesn't exist at /root/.cache/ms-playwright/chromium_headless_shell-1255/"
    "chrome-headless-shell-linux64/chrome-headless-shell\n╔════╗\n║ Looks like Playwright was just installed"
)
GRID_REFUSED = "BrowserType.launch: connect ECONNREFUSED 127.0.0.1:4699\nCall log:\n  - <selenium> connecting to http://localhost:4699/"


def test_launch_options_are_camel_case_as_the_server_reads_them() -> None:
    options = LAUNCH.server_launch_options()
    assert options == {
        "executablePath": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu"],
        "headless": True,
    }
    assert "executablePath" not in ChromiumLaunch().server_launch_options()


def test_connect_options_carry_the_launch_options_header() -> None:
    options = browser_server_connect_options("ws://localhost:3000/", LAUNCH, timeout_s=12)
    assert options["endpoint"] == "ws://localhost:3000/"
    assert options["timeout"] == 12_000
    assert json.loads(options["headers"][LAUNCH_OPTIONS_HEADER])["executablePath"] == "/usr/bin/chromium"


@pytest.mark.parametrize("endpoint", ["http://localhost:3000/", "localhost:3000", "ws://"])
def test_a_browser_server_endpoint_must_be_a_websocket_url(endpoint: str) -> None:
    with pytest.raises(RemoteBrowserError, match=r"UAT_BROWSER_ENDPOINT.*ws:// or wss://"):
        browser_server_connect_options(endpoint, LAUNCH)


def test_a_version_mismatch_names_both_versions_and_the_fix() -> None:
    explained = explain_browser_server_error("ws://localhost:3600/", LAUNCH, VERSION_MISMATCH)
    assert "runs Playwright 1.65, this client 1.64 (HTTP 428)" in explained
    assert "install playwright==1.65.*" in explained


def test_a_refused_connection_says_to_start_a_server() -> None:
    explained = explain_browser_server_error("ws://localhost:3699/", LAUNCH, REFUSED)
    assert explained.startswith("no browser server answers at ws://localhost:3699/")
    assert "uat browsers up" in explained


def test_a_server_that_ignores_executable_path_needs_unsafe() -> None:
    explained = explain_browser_server_error("ws://h:3000/", LAUNCH, OWN_BUILD_MISSING)
    assert "ignored executablePath /usr/bin/chromium" in explained and "--unsafe" in explained
    explained = explain_browser_server_error("ws://h:3000/", ChromiumLaunch(), OWN_BUILD_MISSING)
    assert "has no browser at /root/.cache/ms-playwright/" in explained


def test_the_grid_environment_names_the_grid_and_keeps_playwrights_browser_options() -> None:
    assert selenium_grid_environment("http://localhost:4444") == {SELENIUM_REMOTE_URL: "http://localhost:4444"}
    env = selenium_grid_environment("http://grid:4444", {"platformName": "linux"})
    assert json.loads(env[SELENIUM_REMOTE_CAPABILITIES]) == {"platformName": "linux"}
    with pytest.raises(RemoteBrowserError, match=r"must not contain goog:chromeOptions.*stereotype"):
        selenium_grid_environment("http://grid:4444", {"goog:chromeOptions": {"binary": "/usr/bin/chromium"}})
    with pytest.raises(RemoteBrowserError, match="UAT_SELENIUM_GRID_URL"):
        selenium_grid_environment("ws://grid:4444")


def test_a_grid_launch_without_the_variable_is_refused_before_any_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SELENIUM_REMOTE_URL, "http://other:4444")
    with pytest.raises(RemoteBrowserError, match=r"SELENIUM_REMOTE_URL is 'http://other:4444', not 'http://grid:4444'"):
        launch_on_selenium_grid(None, "http://grid:4444", LAUNCH)  # type: ignore[arg-type]  # refused before use


def test_grid_launch_errors_tell_a_local_launch_from_an_absent_grid() -> None:
    assert "on this machine, not on the Selenium Grid" in explain_grid_launch_error("http://g:4444", OWN_BUILD_MISSING)
    assert explain_grid_launch_error("http://localhost:4699", GRID_REFUSED).startswith("no Selenium Grid answers")


# ---- the bounded close, against a grid /status that keeps (or frees) the session -----------------------------


class _Grid:
    """/status of a grid whose only session is freed after `polls_until_free` answers (never when None)."""

    def __init__(self, session_id: str, polls_until_free: int | None) -> None:
        self.session_id = session_id
        self.remaining = polls_until_free

    def status(self) -> dict:
        holds = self.remaining is None or self.remaining > 0
        if self.remaining:
            self.remaining -= 1
        session = {"sessionId": self.session_id, "capabilities": {}} if holds else None
        return {"value": {"ready": True, "message": "ready", "nodes": [{"slots": [{"session": session}]}]}}


@pytest.fixture
def grid() -> Iterator[tuple[_Grid, str]]:
    state = _Grid("abc123", None)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(state.status()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _ClosableBrowser:
    closed = False

    def close(self) -> None:
        self.closed = True


def test_a_freed_grid_session_closes_without_warning(grid: tuple[_Grid, str]) -> None:
    state, url = grid
    state.remaining = 3
    browser = _ClosableBrowser()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = RemoteBrowser(browser, "selenium-grid", url, "abc123").close(deadline_s=5)  # type: ignore[arg-type]
    assert browser.closed and not report.hung
    assert report.release_s is not None and report.release_s < 5


def test_a_held_grid_session_warns_with_the_session_and_the_time(grid: tuple[_Grid, str]) -> None:
    _, url = grid
    with pytest.warns(SeleniumGridCloseHang, match=r"still holds session abc123 0\.\d s after browser.close\(\)"):
        report = RemoteBrowser(_ClosableBrowser(), "selenium-grid", url, "abc123").close(deadline_s=0.5)  # type: ignore[arg-type]
    assert report.hung and report.release_s is None
