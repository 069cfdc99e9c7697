"""`uat browsers`: the local Playwright browser server and Selenium Grid start, serve a Playwright client that
fills a form with screenshot and trace on either engine, refuse a taken port, and leave no process behind."""

from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from stack import browsers as browsers_module
from stack.browsers import LocalBrowsers
from stack.errors import StackError
from stack.process import Launched, group_members, is_ours
from stack.settings import PROJECT_ROOT
from support.browser import CHROMIUM_ARGS
from support.remote_browsers import (
    ChromiumLaunch,
    RemoteBrowser,
    RemoteBrowserError,
    browser_server_connect_options,
    connect_to_browser_server,
    explain_browser_server_error,
    launch_on_selenium_grid,
    selenium_grid_environment,
)

pytestmark = [pytest.mark.stack, pytest.mark.browser]

FORM_PAGE = b"""<!doctype html>
<html lang="en"><head><title>Contact form</title></head>
<body><main><h1>Contact</h1>
<form id="contact"><label for="name">Your name</label> <input id="name" name="name">
<button type="submit">Send</button></form>
<p role="status" id="result"></p></main>
<script>
document.getElementById("contact").addEventListener("submit", (event) => {
  event.preventDefault();
  document.getElementById("result").textContent = "Thank you, " + document.getElementById("name").value;
});
</script></body></html>"""


class _FormHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(FORM_PAGE)))
        self.end_headers()
        self.wfile.write(FORM_PAGE)

    def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows failures, not access logs
        pass


@pytest.fixture(scope="module")
def form_url() -> Iterator[str]:
    """A page with a form, served on loopback by this test process (the browsers run on this machine too)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FormHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browsers() -> Iterator[dict]:
    """The running browser services, or ones this module starts and stops (the machine is left as found)."""
    services = LocalBrowsers(log=lambda message: print(f"[browsers] {message}", flush=True))
    found_running = services.status()["healthy"]
    if not found_running:
        services.up()
    yield services.status()
    if not found_running:
        services.down()


def _launch() -> ChromiumLaunch:
    return ChromiumLaunch(executable_path=LocalBrowsers().status()["chromium_executable"], args=tuple(CHROMIUM_ARGS))


def _descendants(root: int) -> dict[int, str]:
    """pid -> command line of every live descendant of a process, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                try:
                    found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                frontier.append(pid)
    return found


def _browser_processes_under(pid: int) -> list[int]:
    """Chromium main processes (not its helpers) below a service: proof of where a browser runs."""
    return [child for child, cmd in _descendants(pid).items() if cmd.split(" ")[0].endswith("/chromium")]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def in_a_thread_of_its_own(test: Callable[..., None]) -> Callable[..., None]:
    """Run the test in a thread without an event loop: a stack test that used pytest-playwright's page before holds
    this thread's loop, and Playwright's sync API refuses to start a second driver beside it."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(test, *args, **kwargs).result()

    return run


def _fill_the_form_with_evidence(remote: RemoteBrowser, url: str, out: Path) -> tuple[Path, Path]:
    context = remote.browser.new_context()
    context.tracing.start(screenshots=True, snapshots=True)
    page: Page = context.new_page()
    page.goto(url)
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Thank you, Ada Lovelace")
    screenshot = out / "form.png"
    page.screenshot(path=screenshot)
    trace = out / "trace.zip"
    context.tracing.stop(path=trace)
    context.close()
    return screenshot, trace


def _assert_evidence(screenshot: Path, trace: Path) -> None:
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with zipfile.ZipFile(trace) as archive:
        names = archive.namelist()
        events = archive.read("trace.trace").decode()
    assert "trace.network" in names
    assert any(name.startswith("resources/") for name in names), names  # screencast frames and snapshots
    assert "Ada Lovelace" in events  # the fill is recorded, as the suite's evidence needs


def test_status_json_names_what_a_client_needs(browsers: dict) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "browsers", "status", "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    info = json.loads(out)
    assert info["healthy"] is True
    assert info["browser_endpoint"].startswith("ws://localhost:")
    assert info["selenium_grid_url"].startswith("http://localhost:")
    assert Path(info["chromium_executable"]).is_file()
    versions = info["versions"]
    assert versions["chromium"].split(".")[0] == versions["chromedriver"].split(".")[0]
    assert versions["selenium_grid"] == "4.47.0"


def test_up_twice_keeps_one_set_of_processes(browsers: dict) -> None:
    before = {name: svc["pid"] for name, svc in browsers["services"].items()}
    LocalBrowsers(log=lambda _: None).up()
    after = {name: svc["pid"] for name, svc in LocalBrowsers().status()["services"].items()}
    assert after == before


@in_a_thread_of_its_own
def test_a_client_fills_a_form_through_the_browser_server(browsers: dict, form_url: str, tmp_path: Path) -> None:
    server_pid = browsers["services"]["browser-server"]["pid"]
    with sync_playwright() as playwright:
        remote = connect_to_browser_server(playwright, browsers["browser_endpoint"], _launch())
        assert _browser_processes_under(server_pid), "the browser should run under the browser server"
        screenshot, trace = _fill_the_form_with_evidence(remote, form_url, tmp_path)
        report = remote.close()
    assert report.engine == "browser-server"
    _assert_evidence(screenshot, trace)


@in_a_thread_of_its_own
def test_a_client_fills_a_form_through_the_selenium_grid(
    browsers: dict, form_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid_pid = browsers["services"]["selenium-grid"]["pid"]
    for name, value in selenium_grid_environment(browsers["selenium_grid_url"]).items():
        monkeypatch.setenv(name, value)
    with sync_playwright() as playwright:
        remote = launch_on_selenium_grid(playwright, browsers["selenium_grid_url"], _launch())
        assert _browser_processes_under(grid_pid), "the browser should run under the grid (chromedriver)"
        screenshot, trace = _fill_the_form_with_evidence(remote, form_url, tmp_path)
        report = remote.close()
    assert report.session_id and not report.hung, report
    _assert_evidence(screenshot, trace)


@in_a_thread_of_its_own
def test_a_playwright_started_before_the_grid_url_is_refused(browsers: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELENIUM_REMOTE_URL", raising=False)
    with sync_playwright() as playwright:
        monkeypatch.setenv("SELENIUM_REMOTE_URL", browsers["selenium_grid_url"])  # too late for this driver
        with pytest.raises(RemoteBrowserError, match=r"before sync_playwright\(\) starts"):
            launch_on_selenium_grid(playwright, browsers["selenium_grid_url"], _launch())


@in_a_thread_of_its_own
def test_a_client_of_another_playwright_version_is_told_both_versions(browsers: dict) -> None:
    options = browser_server_connect_options(browsers["browser_endpoint"], _launch(), timeout_s=15)
    options["headers"]["User-Agent"] = "Playwright/1.0.0 (x64; debian 12) python/3.11"  # what an old client sends
    with sync_playwright() as playwright, pytest.raises(PlaywrightError) as refused:
        playwright.chromium.connect(**options)
    explained = explain_browser_server_error(browsers["browser_endpoint"], _launch(), str(refused.value))
    server = ".".join(browsers["versions"]["playwright"].split(".")[:2])
    assert f"runs Playwright {server}, this client 1.0" in explained


def test_a_held_port_fails_up_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    monkeypatch.setenv("FAMHP_UAT_BROWSER_SERVER_PORT", str(taken))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setenv("FAMHP_UAT_SELENIUM_GRID_PORT", str(probe.getsockname()[1]))
    try:
        with pytest.raises(StackError, match=rf"port {taken} \(Playwright browser server\) is held by"):
            LocalBrowsers(log=lambda _: None).up()
    finally:
        holder.close()
    assert not (tmp_path / "browsers" / "state.json").exists()
    assert LocalBrowsers().processes() == []


def test_a_failed_up_names_the_service_and_leaves_nothing_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    for name in ("BROWSER_SERVER", "SELENIUM_GRID"):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            monkeypatch.setenv(f"FAMHP_UAT_{name}_PORT", str(probe.getsockname()[1]))
    started: list[Launched] = []

    def start_and_remember(*args: Any, **kwargs: Any) -> Launched:  # the real start, its result noted
        started.append(real_start(*args, **kwargs))
        return started[-1]

    real_start = browsers_module.start
    monkeypatch.setattr(browsers_module, "start", start_and_remember)
    with pytest.raises(StackError, match=r"did not become healthy within 0 s .*Last lines of "):
        LocalBrowsers(log=lambda _: None).up(timeout_s=0.2)  # neither service can be ready this fast
    assert {item.name for item in started} == {"browser-server", "selenium-grid"}
    assert [item.name for item in started if is_ours(item) or group_members(item.pid)] == []
    assert not (tmp_path / "browsers" / "state.json").exists()


@in_a_thread_of_its_own
def test_down_leaves_no_process_even_with_a_browser_open(
    browsers: dict, form_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = LocalBrowsers(log=lambda _: None)
    started = services.processes()
    for name, value in selenium_grid_environment(browsers["selenium_grid_url"]).items():
        monkeypatch.setenv(name, value)
    with sync_playwright() as playwright:
        server = connect_to_browser_server(playwright, browsers["browser_endpoint"], _launch())
        grid = launch_on_selenium_grid(playwright, browsers["selenium_grid_url"], _launch())
        for remote in (server, grid):
            remote.browser.new_page().goto(form_url)
        browser_pids = [pid for item in started for pid in _browser_processes_under(item.pid)]
        assert len(browser_pids) >= 2
        services.down()
        assert [item.name for item in started if is_ours(item)] == []
        assert [pid for item in started for pid in group_members(item.pid)] == []  # chromedriver, chromium too
        assert [pid for pid in browser_pids if _alive(pid)] == []
    assert services.status()["services"] == {}
    services.up()  # the module's fixture stops what it started


@in_a_thread_of_its_own
def test_a_grid_variable_in_the_environment_does_not_reach_the_browser_server(
    browsers: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELENIUM_REMOTE_URL", browsers["selenium_grid_url"])
    services = LocalBrowsers(log=lambda _: None)
    services.down()
    info = services.up()
    monkeypatch.delenv("SELENIUM_REMOTE_URL")
    with sync_playwright() as playwright:
        remote = connect_to_browser_server(playwright, info["browser_endpoint"], _launch())
        assert _browser_processes_under(info["services"]["browser-server"]["pid"]), "not under the browser server"
        assert not _browser_processes_under(info["services"]["selenium-grid"]["pid"]), "sent to the grid"
        remote.close()
