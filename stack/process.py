"""Background processes of the stack: start with a log and a pid file, find port holders, stop what we started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stack.errors import StackError


@dataclass(frozen=True)
class Launched:
    """What we know about a process we started; the marker proves a pid is still ours."""

    name: str
    pid: int
    marker: str
    log: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "pid": self.pid, "marker": self.marker, "log": self.log}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Launched:
        return cls(str(data["name"]), int(str(data["pid"])), str(data["marker"]), str(data["log"]))


def port_holder(port: int) -> str | None:
    """Who listens on a TCP port, as far as `ss` can tell ('something' when unknown); None when free."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError:
        pass
    else:
        return None
    finally:
        probe.close()
    try:
        out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "an unknown process"
    users = [part for part in out.split() if part.startswith("users:")]
    return users[0].removeprefix("users:") if users else "an unknown process"


def require_free_ports(ports: dict[str, int], starting: str = "the stack") -> None:
    taken = [
        f"port {port} ({what}) is held by {holder}" for what, port in ports.items() if (holder := port_holder(port))
    ]
    if taken:
        raise StackError(
            f"cannot start {starting}: "
            + "; ".join(taken)
            + f". Fix: stop that process, or move {starting} with FAMHP_UAT_<SERVICE>_PORT (see README)."
        )


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def is_ours(launched: Launched) -> bool:
    """Alive and still the program we started (pids get reused)."""
    try:
        os.kill(launched.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    stat = Path(f"/proc/{launched.pid}/stat")
    if stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"):
        return False  # a zombie is dead for our purposes
    return launched.marker in _cmdline(launched.pid)


def start(name: str, cmd: list[str], *, env: dict[str, str], cwd: Path, log_path: Path, marker: str) -> Launched:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {name}: {' '.join(cmd)}\n".encode())
        log.flush()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: `down` stops it and its children, nothing else
            )
        except OSError as exc:
            raise StackError(f"could not start {name}: {exc}") from exc
    return Launched(name, proc.pid, marker, str(log_path))


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, read from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


KILL_WAIT_S = 10.0


def stop(launched: Launched, grace_s: float = 20.0) -> None:
    """SIGTERM to the process group, SIGKILL after the grace period; only if the pid is still ours.

    Children that outlive their leader (a browser whose driver exited first) are killed too: the group is
    still ours, since a group id cannot be reused while any member lives."""
    if not is_ours(launched):
        return
    try:
        os.killpg(launched.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            waited, _ = os.waitpid(launched.pid, os.WNOHANG)
        except ChildProcessError:
            waited = 0
        if (waited or not is_ours(launched)) and not group_members(launched.pid):
            return
        _pause(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(launched.pid, signal.SIGKILL)
    # SIGKILL is not instant either: a process holding a lot of memory takes a moment to go
    deadline = time.monotonic() + KILL_WAIT_S
    while time.monotonic() < deadline and (is_ours(launched) or group_members(launched.pid)):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(launched.pid, os.WNOHANG)
        _pause(0.1)


def stop_all(processes: list[Launched], log: Callable[[str], None]) -> list[str]:
    """Stops every recorded process that is still ours; raises naming any that survive. Returns what it stopped."""
    stopped = []
    for item in processes:
        if is_ours(item):
            log(f"stopping {item.name} (pid {item.pid})")
            stop(item)
            stopped.append(item.name)
    leftovers = [item.name for item in processes if is_ours(item)]
    if leftovers:
        raise StackError(f"could not stop: {', '.join(leftovers)}")
    return stopped


def _pause(seconds: float) -> None:
    # polling a process state has no event to wait on; this is the poll interval of a deadline-bound loop
    time.sleep(seconds)


def log_tail(path: str | Path, lines: int = 25) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def save_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)
