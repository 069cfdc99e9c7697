"""Benchmark: what a remote browser costs per page action, side by side in one run — Chromium launched by this
process (local), on the Playwright browser server, and on the Selenium Grid — plus how often and how long the
grid's close hangs, with and without the client's bounded close.

    .venv/bin/uat browsers up
    .venv/bin/python bench/remote_browsers.py [--rounds 3] [--scenarios 3] [--cycles 10] [--hang-samples 6]

Each round runs every engine once, in rotated order, each with a fresh `sync_playwright()` (the grid needs
SELENIUM_REMOTE_URL in the driver's environment). An engine run: open the browser, then `--scenarios` times a
scenario-like unit (new context with tracing, `--cycles` × 4 page actions on a form page this process serves on
loopback — goto, fill, click, expect — one screenshot, trace saved, context closed), then close and stop.
CPU-seconds come from /proc (utime+stime+cutime+cstime) over the live process trees of this process (its
Playwright driver, and a local Chromium), the browser server and the grid (ChromeDriver, grid Chromium), sampled
around the scenarios; ratios are of medians against local within the same run.

Close hang: `--hang-samples` pairs on the grid, alternating: plain (`browser.close()`, then stop Playwright) and
handled (`RemoteBrowser.close()` waits until the grid has freed the session, then stop). A stop slower than 5 s
counts as a hang. Nothing here talks beyond loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from bench._browser import CHROMIUM_ARGS
from bench._common import header, load_average, median, process_tree, uat
from support.remote_browsers import (
    SELENIUM_REMOTE_URL,
    ChromiumLaunch,
    RemoteBrowser,
    SeleniumGridCloseHang,
    connect_to_browser_server,
    launch_on_selenium_grid,
    selenium_grid_environment,
)

ENGINES = ("local", "browser-server", "selenium-grid")
ACTIONS_PER_CYCLE = 4
HANG_THRESHOLD_S = 5.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = b"""<!doctype html><html lang="en"><head><title>Bench form</title></head><body><main>
<form id="f"><label for="n">Your name</label> <input id="n"> <button type="submit">Send</button></form>
<p role="status" id="r"></p></main><script>
document.getElementById("f").addEventListener("submit", (e) => { e.preventDefault();
  document.getElementById("r").textContent = "Thank you, " + document.getElementById("n").value; });
</script></body></html>"""


# ---- CPU of process trees -----------------------------------------------------------------------------------


def _cpu_with_reaped_children(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_cpu(roots: dict[str, int]) -> dict[str, float]:
    """CPU-seconds so far per named root, over its live tree; a reaped child's time lives on in its parent."""
    return {name: sum(_cpu_with_reaped_children(p) for p in process_tree([pid])) for name, pid in roots.items()}


# ---- the page and the engines -------------------------------------------------------------------------------


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def playwright_for(engine: str, grid_url: str) -> Iterator[Playwright]:
    """A fresh Playwright; for the grid with SELENIUM_REMOTE_URL in its driver's environment only."""
    if engine == "selenium-grid":
        os.environ.update(selenium_grid_environment(grid_url))
    try:
        manager = sync_playwright()
        playwright = manager.start()
    finally:
        os.environ.pop(SELENIUM_REMOTE_URL, None)  # the driver has read it; later engines must not see it
    try:
        yield playwright
    finally:
        manager.__exit__(None, None, None)


def open_browser(engine: str, playwright: Playwright, status: dict, launch: ChromiumLaunch) -> RemoteBrowser:
    if engine == "browser-server":
        return connect_to_browser_server(playwright, status["browser_endpoint"], launch)
    if engine == "selenium-grid":
        os.environ[SELENIUM_REMOTE_URL] = status["selenium_grid_url"]  # launch_on_selenium_grid checks it
        try:
            return launch_on_selenium_grid(playwright, status["selenium_grid_url"], launch)
        finally:
            os.environ.pop(SELENIUM_REMOTE_URL, None)
    browser = playwright.chromium.launch(executable_path=launch.executable_path, args=list(launch.args))
    return RemoteBrowser(browser, "local", "this process")


# ---- one engine run -------------------------------------------------------------------------------------------


@dataclass
class Run:
    engine: str
    open_s: float = 0.0
    action_s: list[float] = field(default_factory=list)  # per action, averaged over each cycle
    context_s: list[float] = field(default_factory=list)
    screenshot_s: list[float] = field(default_factory=list)
    trace_s: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU-seconds per root during the scenarios
    scenarios_s: float = 0.0
    close_s: float = 0.0
    release_s: float | None = None
    stop_s: float = 0.0


def scenario(browser: Browser, url: str, cycles: int, out: Path, run: Run) -> None:
    started = time.perf_counter()
    context = browser.new_context()
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    run.context_s.append(time.perf_counter() - started)
    for i in range(cycles):
        t = time.perf_counter()
        page.goto(url)
        page.get_by_label("Your name").fill(f"Ada {i}")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("status")).to_have_text(f"Thank you, Ada {i}")
        run.action_s.append((time.perf_counter() - t) / ACTIONS_PER_CYCLE)
    t = time.perf_counter()
    page.screenshot(path=out / "shot.png")
    run.screenshot_s.append(time.perf_counter() - t)
    t = time.perf_counter()
    context.tracing.stop(path=out / "trace.zip")
    run.trace_s.append(time.perf_counter() - t)
    context.close()


def run_engine(engine: str, status: dict, launch: ChromiumLaunch, url: str, args: argparse.Namespace) -> Run:
    run = Run(engine)
    roots = {
        "client": os.getpid(),
        "browser-server": status["services"]["browser-server"]["pid"],
        "selenium-grid": status["services"]["selenium-grid"]["pid"],
    }
    with TemporaryDirectory() as tmp, playwright_for(engine, status["selenium_grid_url"]) as playwright:
        t = time.perf_counter()
        remote = open_browser(engine, playwright, status, launch)
        run.open_s = time.perf_counter() - t
        before = tree_cpu(roots)
        t = time.perf_counter()
        for _ in range(args.scenarios):
            scenario(remote.browser, url, args.cycles, Path(tmp), run)
        run.scenarios_s = time.perf_counter() - t
        after = tree_cpu(roots)
        run.cpu = {name: after[name] - before[name] for name in roots}
        report = remote.close()
        run.close_s, run.release_s = report.close_s, report.release_s
        stop_started = time.perf_counter()
    run.stop_s = time.perf_counter() - stop_started
    return run


# ---- the close hang ---------------------------------------------------------------------------------------------


@dataclass
class CloseSample:
    handled: bool
    close_s: float
    stop_s: float
    waited_s: float | None  # handled only: until the grid freed the session (None: deadline passed)


def close_sample(handled: bool, status: dict, launch: ChromiumLaunch, url: str) -> CloseSample:
    with playwright_for("selenium-grid", status["selenium_grid_url"]) as playwright:
        remote = open_browser("selenium-grid", playwright, status, launch)
        remote.browser.new_page().goto(url)
        waited: float | None = None
        t = time.perf_counter()
        if handled:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SeleniumGridCloseHang)
                report = remote.close()
            for warning in caught:
                print(f"    warning: {warning.message}", flush=True)
            waited = report.release_s
        else:
            remote.browser.close()
        close_s = time.perf_counter() - t
        stop_started = time.perf_counter()
    return CloseSample(handled, close_s, time.perf_counter() - stop_started, waited)


# ---- report -------------------------------------------------------------------------------------------------


def _fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


INVOLVED = {
    "local": ("client",),
    "browser-server": ("client", "browser-server"),
    "selenium-grid": ("client", "selenium-grid"),
}


def _involved_cpu(run: Run) -> float:
    """CPU of the trees this engine uses (an idle service's own noise, e.g. the grid's JIT, is not its cost)."""
    return sum(run.cpu[name] for name in INVOLVED[run.engine])


def _median_ms(values: list[float]) -> str:
    return _fmt_ms(median(values))


def report(runs: list[Run], samples: list[CloseSample], args: argparse.Namespace) -> None:
    by_engine = {e: [r for r in runs if r.engine == e] for e in ENGINES}
    actions = args.scenarios * args.cycles * ACTIONS_PER_CYCLE
    local_action = median([s for r in by_engine["local"] for s in r.action_s])
    local_cpu = median([_involved_cpu(r) / actions for r in by_engine["local"]])
    print("\n## Per page action (median over all actions of all rounds; ratio against local)")
    print(
        f"{'engine':<15} {'action':>9} {'ratio':>6} {'CPU/action':>11} {'ratio':>6}  {'open':>8} {'context':>8} "
        f"{'shot':>7} {'trace':>7} {'close':>7} {'stop':>7}"
    )
    for engine, rs in by_engine.items():
        action = median([s for r in rs for s in r.action_s])
        cpu = median([_involved_cpu(r) / actions for r in rs])
        columns = [
            f"{engine:<15} {_fmt_ms(action):>9} {action / local_action:>6.2f}",
            f"{cpu * 1000:>8.1f} ms {cpu / local_cpu:>6.2f} ",
            f"{median([r.open_s for r in rs]):>6.2f} s {_median_ms([s for r in rs for s in r.context_s]):>8}",
            f"{_median_ms([s for r in rs for s in r.screenshot_s]):>7}",
            f"{_median_ms([s for r in rs for s in r.trace_s]):>7}",
            f"{median([r.close_s for r in rs]):>5.2f} s {median([r.stop_s for r in rs]):>5.2f} s",
        ]
        print(" ".join(columns))
    print("\n## CPU-seconds during the scenarios, by process tree (median per run; 'involved' = the engine's trees)")
    print(
        f"{'engine':<15} {'client+driver(+local chromium)':>31} {'browser server':>15} {'selenium grid':>14}"
        f" {'involved':>9}"
    )
    for engine, rs in by_engine.items():
        parts = [median([r.cpu[name] for r in rs]) for name in ("client", "browser-server", "selenium-grid")]
        involved = median([_involved_cpu(r) for r in rs])
        print(f"{engine:<15} {parts[0]:>31.2f} {parts[1]:>15.2f} {parts[2]:>14.2f} {involved:>9.2f}")
    grid_waits = [r.release_s for r in by_engine["selenium-grid"]]
    if samples:
        print("\n## Selenium Grid close: Playwright stop after browser.close()")
        for handled in (False, True):
            chosen = [s for s in samples if s.handled == handled]
            hangs = [s.stop_s for s in chosen if s.stop_s > HANG_THRESHOLD_S]
            label = "handled (RemoteBrowser.close)" if handled else "plain (browser.close)"
            closes = [s.close_s for s in chosen]
            print(
                f"{label:<30} {len(hangs)}/{len(chosen)} stops hung (>{HANG_THRESHOLD_S:.0f} s)"
                + (f", {', '.join(f'{h:.1f}' for h in hangs)} s" if hangs else "")
                + f"; close median {median(closes):.2f} s, max {max(closes):.2f} s"
                + f"; stop median {median([s.stop_s for s in chosen]):.2f} s"
            )
        waits = [s.waited_s for s in samples if s.handled] + grid_waits
        freed = [w for w in waits if w is not None]
        print(
            f"handled closes: grid freed the session in {len(freed)}/{len(waits)} within the deadline"
            + (f" (median {median(freed):.2f} s, max {max(freed):.2f} s)" if freed else "")
        )
    print(f"\nload average at end {load_average()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scenarios", type=int, default=3, help="scenario-like units per engine run")
    parser.add_argument("--cycles", type=int, default=10, help="4-action cycles per scenario")
    parser.add_argument("--hang-samples", type=int, default=6, help="plain/handled close pairs on the grid (0: skip)")
    args = parser.parse_args()
    status = json.loads(uat("browsers", "status", "--json", timeout=60).stdout or "{}")
    if not status.get("healthy"):
        sys.exit("the browser services are not running/healthy: start them with `.venv/bin/uat browsers up`")
    header("Remote browsers: per-action overhead of a browser server and a Selenium Grid against local")
    print(f"endpoints {status['browser_endpoint']} {status['selenium_grid_url']}; versions {status['versions']}")
    launch = ChromiumLaunch(status["chromium_executable"], CHROMIUM_ARGS)
    runs: list[Run] = []
    samples: list[CloseSample] = []
    with served_page() as url:
        for round_no in range(args.rounds):
            order = ENGINES[round_no % 3 :] + ENGINES[: round_no % 3]
            for engine in order:
                run = run_engine(engine, status, launch, url, args)
                runs.append(run)
                print(
                    f"round {round_no + 1} {engine:<15} action {_fmt_ms(median(run.action_s))}, "
                    f"CPU {_involved_cpu(run):.2f} s, open {run.open_s:.2f} s, close {run.close_s:.2f} s, "
                    f"stop {run.stop_s:.2f} s; load {load_average()}",
                    flush=True,
                )
        for i in range(args.hang_samples * 2):
            sample = close_sample(handled=bool(i % 2), status=status, launch=launch, url=url)
            samples.append(sample)
            print(
                f"close sample {i + 1} {'handled' if sample.handled else 'plain  '}: close {sample.close_s:.2f} s, "
                f"stop {sample.stop_s:.2f} s; load {load_average()}",
                flush=True,
            )
    report(runs, samples, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
