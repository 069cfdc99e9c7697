"""`uat browsers` without starting anything: the grid's configuration, Chromium/ChromeDriver versions, ports, and
one message naming every problem before anything starts."""

from __future__ import annotations

import json
import socket
import tomllib
from pathlib import Path

import pytest

from stack import provision
from stack.browsers import LocalBrowsers, grid_config
from stack.chromium import Executable, parse_version, require_same_major
from stack.errors import StackError
from stack.settings import BrowserPorts


def test_the_grid_runs_standalone_on_loopback_with_our_chromium_and_driver() -> None:
    config = tomllib.loads(grid_config(4444, Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver"), 2))
    assert config["server"] == {"host": "127.0.0.1", "port": 4444}
    assert config["node"]["detect-drivers"] is False
    (driver,) = config["node"]["driver-configuration"]
    assert driver["webdriver-executable"] == "/usr/bin/chromedriver"
    stereotype = json.loads(driver["stereotype"])
    assert stereotype == {"browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium"}}


def test_versions_are_read_from_what_the_tools_print() -> None:
    assert parse_version("Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)\n") == "156.0.8078.108"
    assert parse_version("ChromeDriver 156.0.8078.108 (730482a9-refs/branch-heads/8078@{#2244})") == "156.0.8078.108"
    assert parse_version("no version here") is None


def test_a_chromedriver_of_another_major_is_named_with_both_versions() -> None:
    chromium = Executable(Path("/usr/bin/chromium"), "156.0.8078.108")
    require_same_major(chromium, Executable(Path("/usr/bin/chromedriver"), "156.0.8078.99"))
    with pytest.raises(StackError, match=r"Chromium 156\.0\.8078\.108 but .* ChromeDriver 150\.0\.7871\.100.*Fix"):
        require_same_major(chromium, Executable(Path("/usr/bin/chromedriver"), "150.0.7871.100"))


def test_ports_default_clear_of_the_stack_and_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAMHP_UAT_BROWSER_SERVER_PORT", raising=False)
    monkeypatch.delenv("FAMHP_UAT_SELENIUM_GRID_PORT", raising=False)
    assert BrowserPorts.from_environment() == BrowserPorts(browser_server=3000, selenium_grid=4444)
    monkeypatch.setenv("FAMHP_UAT_SELENIUM_GRID_PORT", "4644")
    assert BrowserPorts.from_environment().selenium_grid == 4644
    monkeypatch.setenv("FAMHP_UAT_BROWSER_SERVER_PORT", "ws")
    with pytest.raises(ValueError, match="FAMHP_UAT_BROWSER_SERVER_PORT='ws' is not a TCP port number"):
        BrowserPorts.from_environment()


def test_every_problem_is_named_in_one_message_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    monkeypatch.setenv("FAMHP_UAT_CHROMEDRIVER", str(tmp_path / "chromedriver"))
    monkeypatch.setenv("FAMHP_UAT_SELENIUM_GRID_PORT", str(taken))
    try:
        with pytest.raises(StackError) as failed:
            LocalBrowsers(log=lambda _: None).up()
    finally:
        holder.close()
    message = str(failed.value)
    assert f"FAMHP_UAT_CHROMEDRIVER={tmp_path / 'chromedriver'} is not an executable file" in message
    assert f"port {taken} (Selenium Grid) is held by" in message
    assert not (tmp_path / "browsers").exists()


def test_missing_maven_for_the_grid_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAMHP_UAT_CACHE", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StackError, match=r"Maven \(mvn\) is not installed; it fetches Selenium Grid.*apt-get"):
        provision.ensure_selenium_grid(log=lambda _: None)


def test_no_java_for_the_grid_names_the_grid() -> None:
    with pytest.raises(StackError, match=r"Selenium Grid 4\.47\.0 needs Java 99"):
        provision.find_java(acceptable=(99,), needed_by="Selenium Grid 4.47.0")
