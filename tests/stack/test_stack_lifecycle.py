"""`uat stack` is idempotent, stops only what it started, refuses taken ports and reports what tools need."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from stack.errors import StackError
from stack.manager import ReferenceStack
from stack.process import is_ours
from stack.settings import PROJECT_ROOT

pytestmark = pytest.mark.stack


def test_status_json_has_what_tools_need(stack_info: dict) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "stack", "status", "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    info = json.loads(out)
    assert set(info["keycloak"]) >= {"url", "realm", "admin_username", "admin_password"}
    assert set(info["mailpit"]) >= {"url", "smtp_port"}
    assert set(info["apps"]) >= {"base_url"}
    assert info["mail_backend"] in {"mailpit", "imap"}
    seed = info["seed_users"][0]
    assert set(seed) >= {"email", "password", "totp_secret", "roles", "organizations"}
    assert len(seed["totp_secret"]) == 32 and seed["totp_secret"].isupper()  # Base32 of 20 raw bytes


def test_up_twice_keeps_one_set_of_processes(reference_stack: ReferenceStack, stack_info: dict) -> None:
    status = reference_stack.status()
    before = {name: svc["pid"] for name, svc in status["services"].items()}
    # the same skin too: another one would restart the apps (`up --skin` switches a running stack)
    reference_stack.up(mail=stack_info["mail_backend"], profile=stack_info["profile"], skin=status["apps_skin"])
    after = {name: svc["pid"] for name, svc in reference_stack.status()["services"].items()}
    assert after == before


def test_a_taken_port_fails_up_naming_the_port(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    for name in (
        "KEYCLOAK",
        "KEYCLOAK_MANAGEMENT",
        "MAILPIT_HTTP",
        "APPS",
        "GREENMAIL_SMTP",
        "GREENMAIL_IMAP",
        "GREENMAIL_API",
    ):
        monkeypatch.setenv(f"FAMHP_UAT_{name}_PORT", str(_free_port()))
    monkeypatch.setenv("FAMHP_UAT_MAILPIT_SMTP_PORT", str(taken))
    try:
        with pytest.raises(StackError, match=rf"port {taken} \(Mailpit SMTP\) is held by"):
            ReferenceStack(log=lambda _: None).up()
    finally:
        holder.close()
    assert not (tmp_path / "state.json").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_down_leaves_no_process_and_up_comes_back(reference_stack: ReferenceStack, stack_info: dict) -> None:
    processes = reference_stack.processes()
    assert processes, "the stack should be running"
    reference_stack.down()
    assert [p.name for p in processes if is_ours(p)] == []
    assert reference_stack.status()["services"] == {}
    # bring it back as the rest of the session found it (a warm start)
    reference_stack.up(mail=stack_info["mail_backend"], profile=stack_info["profile"])
    assert reference_stack.status()["healthy"]
