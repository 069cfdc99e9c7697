"""Fault-injection tests run the suite against the reference stack with one part of it failing on purpose. Each test
leaves the stack as it found it (every service running and healthy, no route failing), and the time from each fault
to its verdict is written to reports/faults/fault-to-verdict.json for the reliability note."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.apps.web.fault_switch import write_faults
from stack.manager import ReferenceStack
from stack.process import is_ours
from support.keycloak_admin import KeycloakAdmin
from support.paths import REPORTS
from support.secrets import Secret

TIMINGS = REPORTS / "faults" / "fault-to-verdict.json"


def _log(message: str) -> None:
    print(f"[stack] {message}", flush=True)


@pytest.fixture(scope="session")
def reference_stack() -> Iterator[ReferenceStack]:
    stack = ReferenceStack(log=_log)
    found_running = stack.status()["healthy"]
    if not found_running:
        stack.up(mail=os.environ.get("FAMHP_UAT_STACK_MAIL", "mailpit"), timeout_s=900)
    yield stack
    if not found_running:  # leave the machine as we found it
        stack.down()


@pytest.fixture(autouse=True)
def stack_restored(reference_stack: ReferenceStack) -> Iterator[None]:
    """After each test: every service running again (started when a fault stopped it) and no route failing."""
    yield
    write_faults(reference_stack.faults_file, [])
    for process in reference_stack.processes():
        if not is_ours(process):
            reference_stack.start_service(process.name, timeout_s=600)
    assert reference_stack.status()["healthy"], "the stack is not healthy after the fault test"


@pytest.fixture(scope="session")
def stack_info(reference_stack: ReferenceStack) -> dict:
    return reference_stack.status()


@pytest.fixture(scope="session")
def realm_admin(stack_info: dict) -> Iterator[KeycloakAdmin]:
    keycloak = stack_info["keycloak"]
    password = Secret(keycloak["admin_password"])
    admin = KeycloakAdmin(keycloak["url"], keycloak["realm"], keycloak["admin_username"], password)
    yield admin
    admin.close()


@pytest.fixture(scope="session")
def fault_timings() -> Iterator[dict[str, float]]:
    """Fault kind -> seconds from the injection to the verdict (or to the clean-up that answers it)."""
    timings: dict[str, float] = {}
    yield timings
    if timings:
        TIMINGS.parent.mkdir(parents=True, exist_ok=True)
        known = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
        TIMINGS.write_text(json.dumps({**known, **timings}, indent=2) + "\n")
        print("\nfault -> verdict: " + ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in timings.items()))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
