"""Diagnostic pytest plugin for bench/onboarding_ratio.py --explain: prints how long each Gherkin step and
each test phase took (`-p bench._step_timer`). Not used in the timed pairs."""

from __future__ import annotations

import time

import pytest

_started: dict[int, float] = {}
_lines: list[str] = []
_phase_started: dict[str, float] = {}
_process_started = time.perf_counter()


def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:  # type: ignore[no-untyped-def]
    _started[id(step)] = time.perf_counter()


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args) -> None:  # type: ignore[no-untyped-def]
    began = _started.pop(id(step), None)
    if began is not None:
        _lines.append(f"  {time.perf_counter() - began:7.2f} s  step  {step.keyword} {step.name}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    _lines.append(f"  {began - _process_started:7.2f} s  from process start to the first setup")
    yield
    _lines.append(f"  {time.perf_counter() - began:7.2f} s  setup (fixtures: browser, context, session fixtures)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    yield
    _lines.append(f"  {time.perf_counter() - began:7.2f} s  teardown (cleanup, trace, session fixtures)")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    terminalreporter.section("step timer")
    for line in _lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"  {time.perf_counter() - _process_started:7.2f} s  process start to summary")
