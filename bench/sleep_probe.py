"""Benchmark plugin: how many seconds a pytest run spends in pure pauses. Target: 0 s for the Gherkin suite.

    .venv/bin/python -m pytest features -q -p bench.sleep_probe [--sleep-probe-json PATH]

Wraps, from the moment pytest loads the plugin (before conftest.py and the suite's modules are imported):
- `time.sleep` (every call with a positive delay),
- `threading.Event.wait` (only waits that time out: a wait ended by `set()` is a condition wait, not a pause),
- `asyncio.sleep` (positive delays; Playwright's internal `sleep(0)` yields are not pauses),
- Playwright's `Page.wait_for_timeout` and `Frame.wait_for_timeout` (sync and async APIs).
Seconds are summed per test (setup + call + teardown, so session fixtures count in the test that first needs
them) and per call site (the first frame in this project outside bench/), and printed at the end of the run;
with pytest-xdist each worker's per-test figures reach the controller through the reports. Only time and
counts are recorded: never arguments or values.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

PROJECT_ROOT = str(Path(__file__).resolve().parents[1]) + os.sep
BENCH_DIR = str(Path(__file__).resolve().parent) + os.sep
_PROPERTY = "sleep_probe_seconds"
_SITES_PROPERTY = "sleep_probe_sites"

_lock = threading.Lock()
_current_test: list[str | None] = [None]
per_test: dict[str, float] = defaultdict(float)
per_site: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])  # (kind, site) -> [seconds, calls]
# the same, per test, so that pytest-xdist workers can hand their sites to the controller with each report
per_test_sites: dict[str, dict[tuple[str, str], list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
outside_tests = [0.0]

_original_sleep = time.sleep
_original_event_wait = threading.Event.wait
_original_asyncio_sleep = asyncio.sleep
_perf = time.perf_counter


def _site() -> str:
    """The first caller frame in this project (not bench/), else the first frame outside this file."""
    frame = sys._getframe(2)
    fallback = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename != __file__:
            if fallback is None:
                fallback = f"{filename}:{frame.f_lineno}"
            if filename.startswith(PROJECT_ROOT) and not filename.startswith(BENCH_DIR) and "/.venv/" not in filename:
                return f"{filename[len(PROJECT_ROOT) :]}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back
    return fallback or "?"


def _record(kind: str, seconds: float, site: str) -> None:
    with _lock:
        test = _current_test[0]
        if test is None:
            outside_tests[0] += seconds
        else:
            per_test[test] += seconds
            entry = per_test_sites[test][(kind, site)]
            entry[0] += seconds
            entry[1] += 1
        entry = per_site[(kind, site)]
        entry[0] += seconds
        entry[1] += 1


def _sleep(seconds: float) -> None:
    if seconds and seconds > 0:
        site = _site()
        started = _perf()
        try:
            _original_sleep(seconds)
        finally:
            _record("time.sleep", _perf() - started, site)
    else:
        _original_sleep(seconds)


def _event_wait(self: threading.Event, timeout: float | None = None) -> bool:
    if timeout is None or timeout <= 0:
        return _original_event_wait(self, timeout)
    started = _perf()
    result = _original_event_wait(self, timeout)
    if not result:  # timed out: nothing happened, a pure pause
        _record("Event.wait (timed out)", _perf() - started, _site())
    return result


async def _asyncio_sleep(delay: float, result=None):  # type: ignore[no-untyped-def]
    if not delay or delay <= 0:
        return await _original_asyncio_sleep(delay, result)
    site = _site()
    started = _perf()
    try:
        return await _original_asyncio_sleep(delay, result)
    finally:
        _record("asyncio.sleep", _perf() - started, site)


def _wrap_wait_for_timeout(cls: type, kind: str, is_async: bool) -> None:
    original = cls.wait_for_timeout
    if getattr(original, "_sleep_probe", False):
        return
    if is_async:

        async def wrapped(self, timeout: float):  # type: ignore[no-untyped-def]
            site = _site()
            started = _perf()
            try:
                return await original(self, timeout)
            finally:
                _record(kind, _perf() - started, site)
    else:

        def wrapped(self, timeout: float):  # type: ignore[no-untyped-def]
            site = _site()
            started = _perf()
            try:
                return original(self, timeout)
            finally:
                _record(kind, _perf() - started, site)

    wrapped._sleep_probe = True  # type: ignore[attr-defined]
    cls.wait_for_timeout = wrapped


def install() -> None:
    time.sleep = _sleep
    threading.Event.wait = _event_wait  # type: ignore[method-assign]
    asyncio.sleep = _asyncio_sleep  # type: ignore[assignment]
    try:
        from playwright import async_api, sync_api
    except ImportError:
        return
    _wrap_wait_for_timeout(sync_api.Page, "Page.wait_for_timeout", False)
    _wrap_wait_for_timeout(sync_api.Frame, "Frame.wait_for_timeout", False)
    _wrap_wait_for_timeout(async_api.Page, "Page.wait_for_timeout", True)
    _wrap_wait_for_timeout(async_api.Frame, "Frame.wait_for_timeout", True)


install()  # at import: `-p bench.sleep_probe` loads this before conftest.py and the suite's modules


# ---- pytest hooks -----------------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("sleep probe").addoption(
        "--sleep-probe-json", default=None, metavar="PATH", help="also write the sleep totals as JSON"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    _current_test[0] = item.nodeid
    try:
        yield
    finally:
        _current_test[0] = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown":
        # per test, carried to the xdist controller with the report; teardown is the last phase
        report.user_properties.append((_PROPERTY, round(per_test.get(item.nodeid, 0.0), 4)))
        sites = [[kind, site, sc[0], sc[1]] for (kind, site), sc in per_test_sites.get(item.nodeid, {}).items()]
        report.user_properties.append((_SITES_PROPERTY, sites))


_collected: dict[str, float] = {}
_collected_sites: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name == _PROPERTY:
            _collected[report.nodeid] = float(value)
        elif name == _SITES_PROPERTY:
            for kind, site, seconds, calls in value:
                entry = _collected_sites[(kind, site)]
                entry[0] += seconds
                entry[1] += calls


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    tests = dict(_collected) or dict(per_test)
    total = sum(tests.values())
    write = terminalreporter.write_line
    terminalreporter.section("sleep probe")
    write(
        f"pure pauses in tests: {total:.2f} s over {len(tests)} tests (target 0); "
        f"outside tests (this process): {outside_tests[0]:.2f} s"
    )
    for nodeid, seconds in sorted(tests.items(), key=lambda kv: -kv[1])[:15]:
        if seconds > 0:
            write(f"  {seconds:8.2f} s  {nodeid}")
    # sites of the tests (from the reports, so xdist workers count), plus this process's pauses outside tests
    sites: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for key, (seconds, calls) in _collected_sites.items():
        sites[key][0] += seconds
        sites[key][1] += calls
    for key, (seconds, calls) in per_site.items():
        inside = sum(per.get(key, [0.0, 0])[0] for per in per_test_sites.values())
        inside_calls = sum(per.get(key, [0.0, 0])[1] for per in per_test_sites.values())
        if seconds - inside > 0 or calls - inside_calls > 0:
            outside = sites[(key[0] + " [outside tests]", key[1])]
            outside[0] += seconds - inside
            outside[1] += calls - inside_calls
    if sites:
        write("by call site (first frame of this project):")
        for (kind, site), (seconds, calls) in sorted(sites.items(), key=lambda kv: -kv[1][0])[:20]:
            write(f"  {seconds:8.2f} s  {calls:6d} calls  {kind:<24} {site}")
    path = config.getoption("--sleep-probe-json")
    if path:
        Path(path).write_text(
            json.dumps(
                {
                    "total_in_tests_s": total,
                    "outside_tests_s": outside_tests[0],
                    "per_test_s": tests,
                    "per_site": [
                        {"kind": kind, "site": site, "seconds": s, "calls": c}
                        for (kind, site), (s, c) in sorted(sites.items(), key=lambda kv: -kv[1][0])
                    ],
                },
                indent=2,
            )
        )
        write(f"written to {path}")
