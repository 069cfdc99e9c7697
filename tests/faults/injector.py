"""A pytest plugin the fault tests load into the suite they run (`uat run -p tests.faults.injector`): at one step of
the scenario it injects one fault, and notes the moment in a log so the test can measure the time to the verdict.

  FAULT_WHEN    before:<text> | after:<text>   the first step whose name contains <text>
  FAULT_ACTION  outage:<service>    stop the service now, start it again when the scenario ends
                restart:<service>   stop the service now and start it again at once, in the background
                fail-route:<METHOD> <path>   make the reference apps answer that route with HTTP 500
                latency:<ms>        add this latency to every request of the scenario's browser (CDP), from the
                                    first step that has a page on (FAULT_WHEN is not used)
                sigkill | sigint    kill the run / press Ctrl-C (SIGINT to the run's process group)
                fill-disk:<folder>  fill the file system of <folder> to the last byte
  FAULT_LOG     a file: one JSON line per injection ({"action", "at"})
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

WHEN = os.environ.get("FAULT_WHEN", "")
ACTION = os.environ.get("FAULT_ACTION", "")
LOG = os.environ.get("FAULT_LOG", "")
UAT = str(Path(sys.executable).parent / "uat")

_done: dict[str, Any] = {"injected": False, "restore": [], "throttled": set()}


def _note(action: str) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"action": action, "at": time.time()}) + "\n")


def _uat(*args: str) -> None:
    subprocess.run([UAT, "stack", *args], check=True, stdout=subprocess.DEVNULL)


def fill_disk(folder: str | Path) -> None:
    """Write zeros into `folder` until its file system has no byte left."""
    try:
        with open(Path(folder) / "filler.bin", "wb", buffering=0) as filler:
            while True:
                filler.write(b"\0" * 4096)
    except OSError:
        pass  # full: what the test wants


def _inject() -> None:
    kind, _, argument = ACTION.partition(":")
    _done["injected"] = True
    _note(ACTION)
    if kind == "outage":
        _uat("stop", argument)
        _done["restore"].append(("start", argument))
    elif kind == "restart":
        _uat("stop", argument)
        # a non-daemon thread: the run does not end before the service is back
        threading.Thread(target=_uat, args=("start", argument), name="fault-restart").start()
    elif kind == "fail-route":
        method, _, path = argument.partition(" ")
        _uat("fault", "fail", method, path)
    elif kind == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "sigint":
        os.killpg(os.getpgid(0), signal.SIGINT)  # as a terminal's Ctrl-C: every process of the run
    elif kind == "fill-disk":
        fill_disk(argument)
    else:
        raise pytest.UsageError(f"unknown FAULT_ACTION {ACTION!r}")


def _matches(step: Any, moment: str) -> bool:
    where, _, text = WHEN.partition(":")
    return not _done["injected"] and where == moment and text in step.name


def pytest_bdd_before_step_call(request: pytest.FixtureRequest, step: Any) -> None:
    if ACTION.startswith("latency:") and "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        if id(page) not in _done["throttled"]:
            _done["throttled"].add(id(page))
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            latency_ms = int(ACTION.partition(":")[2])
            conditions = {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1}
            cdp.send("Network.emulateNetworkConditions", conditions)
            if not _done["injected"]:
                _done["injected"] = True
                _note(ACTION)
    elif _matches(step, "before"):
        _inject()


def pytest_bdd_after_step(request: pytest.FixtureRequest, step: Any) -> None:
    if _matches(step, "after"):
        _inject()


def pytest_bdd_step_error(request: pytest.FixtureRequest, step: Any) -> None:
    if _matches(step, "after"):  # a fault meant after a step that failed: inject it anyway, the test will say
        _inject()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    while _done["restore"]:
        command, service = _done["restore"].pop()
        _uat(command, service)
