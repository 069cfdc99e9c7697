"""`uat browsers up|down|status`: a Playwright browser server and a Selenium Grid on loopback, for trying the suite
with browsers that run outside the test process; same care as the stack (health, clear errors, nothing left)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from importlib.metadata import version as package_version
from pathlib import Path

from stack import provision
from stack.chromium import Executable, find_chromedriver, find_chromium, require_same_major
from stack.errors import StackError
from stack.health import HealthCheck, wait_until_healthy
from stack.manager import Service
from stack.process import Launched, is_ours, require_free_ports, save_json, start, stop, stop_all
from stack.settings import SELENIUM_GRID_VERSION, BrowserPorts, state_dir

Log = Callable[[str], None]

BROWSER_SERVER = "browser-server"
SELENIUM_GRID = "selenium-grid"
# Selenium 4 runs on Java 11+; the machine's Debian JDK first
GRID_JAVA_MAJORS = (17, 21, 25, 11)
# The grid stops a session that saw no WebDriver/CDP traffic for this long (it also reaps a killed client's
# session); measured on 4.47: a CDP-only client idle longer than this loses its browser.
GRID_SESSION_TIMEOUT_S = 300


def _say(message: str) -> None:
    print(f"[browsers] {message}", flush=True)


def playwright_driver() -> tuple[str, str]:
    """The node and cli.js inside the installed `playwright` package: server and client share one version."""
    # the package's own resolver (honours PLAYWRIGHT_NODEJS_PATH); no public API exposes it
    from playwright._impl._driver import compute_driver_executable

    node, cli = compute_driver_executable()
    return str(node), str(cli)


def grid_config(port: int, chromium: Path, chromedriver: Path, sessions: int) -> str:
    """Standalone grid: loopback only, no driver discovery, one Chromium slot type whose binary is ours."""
    stereotype = json.dumps({"browserName": "chrome", "goog:chromeOptions": {"binary": str(chromium)}})
    return (
        "[server]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n\n"
        "[node]\n"
        "detect-drivers = false\n"
        f"max-sessions = {sessions}\n"
        f"session-timeout = {GRID_SESSION_TIMEOUT_S}\n\n"
        "[[node.driver-configuration]]\n"
        'display-name = "Chromium"\n'
        f"webdriver-executable = {json.dumps(str(chromedriver))}\n"
        f"max-sessions = {sessions}\n"
        f"stereotype = {json.dumps(stereotype)}\n"
    )


class LocalBrowsers:
    """This checkout's browser services; state, config and logs live in .stack/browsers/."""

    def __init__(self, log: Log = _say) -> None:
        self.log = log
        self.dir = state_dir() / "browsers"
        self.state_file = self.dir / "state.json"

    # ---- state -------------------------------------------------------------------------------
    def _state(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def processes(self) -> list[Launched]:
        """The processes the last `up` started (running or not)."""
        return [Launched.from_json(p) for p in (self._state() or {}).get("processes", [])]

    # ---- checks before anything starts ---------------------------------------------------------
    def _preflight(self, ports: BrowserPorts) -> tuple[Executable, Executable, provision.Java]:
        """Every problem that stops `up`, in one message, before anything is downloaded or started."""
        problems: list[str] = []
        found: dict[str, object] = {}
        for name, finder in (
            ("chromium", find_chromium),
            ("chromedriver", find_chromedriver),
            (
                "java",
                lambda: provision.find_java(GRID_JAVA_MAJORS, needed_by=f"Selenium Grid {SELENIUM_GRID_VERSION}"),
            ),
        ):
            try:
                found[name] = finder()
            except StackError as exc:
                problems.append(str(exc))
        chromium, chromedriver = found.get("chromium"), found.get("chromedriver")
        if isinstance(chromium, Executable) and isinstance(chromedriver, Executable):
            try:
                require_same_major(chromium, chromedriver)
            except StackError as exc:
                problems.append(str(exc))
        try:
            require_free_ports(
                {"Playwright browser server": ports.browser_server, "Selenium Grid": ports.selenium_grid},
                starting="the browser services",
            )
        except StackError as exc:
            problems.append(str(exc))
        if problems:
            raise StackError("\n".join(f"- {p}" for p in problems) if len(problems) > 1 else problems[0])
        java = found["java"]
        assert isinstance(chromium, Executable) and isinstance(chromedriver, Executable)
        assert isinstance(java, provision.Java)
        return chromium, chromedriver, java

    # ---- services ----------------------------------------------------------------------------
    def _services(
        self, ports: BrowserPorts, chromium: Executable, chromedriver: Executable, java: provision.Java
    ) -> list[Service]:
        node, cli = playwright_driver()
        grid_lib = provision.ensure_selenium_grid(self.log)
        config = self.dir / "selenium-grid.toml"
        sessions = os.cpu_count() or 1

        def write_grid_config() -> None:
            config.write_text(grid_config(ports.selenium_grid, chromium.path, chromedriver.path, sessions))

        return [
            Service(
                name=BROWSER_SERVER,
                # --unsafe: honour the client's executablePath and args (else the server looks for a Playwright
                # browser build, which is not installed); acceptable on loopback only
                cmd=[node, cli, "run-server", "--port", str(ports.browser_server), "--host", "127.0.0.1", "--unsafe"],
                # the server launches browsers with Playwright's own code, which obeys SELENIUM_REMOTE_URL too:
                # a variable meant for a grid client would send this server's browsers to the grid
                env={k: v for k, v in os.environ.items() if not k.startswith("SELENIUM_REMOTE_")},
                cwd=self.dir,
                marker=f"{cli} run-server --port {ports.browser_server}",
                ports={"Playwright browser server": ports.browser_server},
                health=HealthCheck(BROWSER_SERVER, (f"http://localhost:{ports.browser_server}/",)),
            ),
            Service(
                name=SELENIUM_GRID,
                cmd=[
                    str(java.executable),
                    "-Xmx512m",
                    "-cp",
                    f"{grid_lib}/*",
                    "org.openqa.selenium.grid.Main",
                    "standalone",
                    "--config",
                    str(config),
                ],
                env=dict(os.environ),
                cwd=self.dir,
                marker=str(config),
                ports={"Selenium Grid": ports.selenium_grid},
                health=HealthCheck(SELENIUM_GRID, (f"http://localhost:{ports.selenium_grid}/readyz",)),
                prepare=write_grid_config,
            ),
        ]

    # ---- commands ----------------------------------------------------------------------------
    def up(self, timeout_s: float = 120) -> dict:
        state = self._state()
        running = [p for p in self.processes() if is_ours(p)]
        if state and running:
            checks = [HealthCheck(c["service"], tuple(c["urls"])) for c in state["health"]]
            if len(running) == len(state["processes"]) and all(c.passes() for c in checks):
                self.log("the browser services are already running and healthy; nothing to do")
                return self.status()
            self.log("restarting: the previous browser services are incomplete or unhealthy")
            self.down()
        started_at = time.monotonic()
        ports = BrowserPorts.from_environment()
        chromium, chromedriver, java = self._preflight(ports)
        self.dir.mkdir(parents=True, exist_ok=True)
        services = self._services(ports, chromium, chromedriver, java)
        versions = {
            "playwright": package_version("playwright"),
            "selenium_grid": SELENIUM_GRID_VERSION,
            "chromium": chromium.version,
            "chromedriver": chromedriver.version,
            "java": str(java.major),
        }
        launched: dict[str, Launched] = {}
        try:
            for service in services:
                service.prepare()
                launched[service.name] = start(
                    service.name,
                    service.cmd,
                    env=service.env,
                    cwd=service.cwd,
                    log_path=self.dir / "logs" / f"{service.name}.log",
                    marker=service.marker,
                )
                self._save(ports, chromium, versions, services, launched)
            timings = wait_until_healthy([s.health for s in services], launched, timeout_s, self.log)
        except BaseException:
            self.log("start failed; stopping what was started")
            for item in launched.values():
                stop(item)
            self.state_file.unlink(missing_ok=True)
            raise
        healthy_after = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        self.log(f"browser services up in {time.monotonic() - started_at:.1f} s (healthy after: {healthy_after})")
        return self.status()

    def _save(
        self,
        ports: BrowserPorts,
        chromium: Executable,
        versions: dict[str, str],
        services: list[Service],
        launched: dict[str, Launched],
    ) -> None:
        save_json(
            self.state_file,
            {
                "ports": ports.__dict__,
                "chromium_executable": str(chromium.path),
                "versions": versions,
                "processes": [item.to_json() for item in launched.values()],
                "health": [{"service": s.health.service, "urls": list(s.health.urls)} for s in services],
            },
        )

    def down(self) -> list[str]:
        stopped = stop_all(self.processes(), self.log)
        self.state_file.unlink(missing_ok=True)
        if not stopped:
            self.log("no browser service was running")
        return stopped

    def status(self) -> dict:
        state = self._state()
        checks = {c["service"]: HealthCheck(c["service"], tuple(c["urls"])) for c in (state or {}).get("health", [])}
        services = {}
        for item in self.processes():
            alive = is_ours(item)
            check = checks.get(item.name)
            services[item.name] = {
                "pid": item.pid,
                "running": alive,
                "healthy": alive and check is not None and check.passes(),
                "health_url": check.urls[0] if check else None,
                "log": item.log,
            }
        ports = BrowserPorts(**state["ports"]) if state else None
        return {
            "running": bool(services) and all(s["running"] for s in services.values()),
            "healthy": bool(services) and all(s["healthy"] for s in services.values()),
            # what a client needs (UAT_BROWSER_ENDPOINT, UAT_SELENIUM_GRID_URL); null while nothing runs
            "browser_endpoint": f"ws://localhost:{ports.browser_server}/" if ports else None,
            "selenium_grid_url": f"http://localhost:{ports.selenium_grid}" if ports else None,
            # the path a browser-server client sends as executablePath (a path on the server's machine)
            "chromium_executable": (state or {}).get("chromium_executable"),
            "versions": (state or {}).get("versions", {}),
            "services": services,
        }
