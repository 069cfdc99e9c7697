"""What every benchmark shares: the project root, the `uat` command, load average, the stack's status,
RSS of process trees from /proc, and percentiles. Loopback only; nothing here talks to the network."""

from __future__ import annotations

import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python")
UAT = str(PROJECT_ROOT / ".venv" / "bin" / "uat")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# The ports and state folder of a bench-only stack, so a benchmark never disturbs a stack someone else uses.
BENCH_ENV_HINT = (
    "export FAMHP_UAT_KEYCLOAK_PORT=38080 FAMHP_UAT_KEYCLOAK_MANAGEMENT_PORT=39000 "
    "FAMHP_UAT_MAILPIT_SMTP_PORT=31025 FAMHP_UAT_MAILPIT_HTTP_PORT=38025 FAMHP_UAT_GREENMAIL_SMTP_PORT=33025 "
    "FAMHP_UAT_GREENMAIL_IMAP_PORT=33143 FAMHP_UAT_GREENMAIL_API_PORT=33080 FAMHP_UAT_APPS_PORT=38000 "
    "FAMHP_UAT_STACK_DIR=/tmp/stackbench"
)


def command_line() -> str:
    """The exact command that ran this benchmark, with the FAMHP_UAT_* variables in effect."""
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(os.environ.items()) if k.startswith("FAMHP_UAT_"))
    argv = " ".join(shlex.quote(a) for a in sys.argv)
    return f"{env + ' ' if env else ''}.venv/bin/python {argv}".strip()


def header(title: str) -> None:
    print(f"# {title}")
    print(f"date     {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"command  {command_line()}")
    print(f"machine  {os.cpu_count()} cores; load average at start {load_average()}")
    print(flush=True)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def require_bench_stack_dir() -> Path:
    """The bench's own FAMHP_UAT_STACK_DIR; refuses the checkout's .stack (a benchmark may delete it)."""
    raw = os.environ.get("FAMHP_UAT_STACK_DIR")
    if not raw:
        sys.exit(f"set FAMHP_UAT_STACK_DIR (and the ports) to a bench-only stack first:\n  {BENCH_ENV_HINT}")
    path = Path(raw).resolve()
    if path == (PROJECT_ROOT / ".stack").resolve() or path in (Path("/"), Path.home(), PROJECT_ROOT):
        sys.exit(f"FAMHP_UAT_STACK_DIR={raw} is not a bench-only folder; use e.g. /tmp/stackbench")
    return path


def stack_dir_to_read() -> Path:
    """The state folder of the stack a benchmark only reads (pids): FAMHP_UAT_STACK_DIR or the checkout's .stack."""
    raw = os.environ.get("FAMHP_UAT_STACK_DIR")
    return Path(raw).resolve() if raw else PROJECT_ROOT / ".stack"


def uat(*args: str, timeout: float = 600, capture: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [UAT, *args], cwd=PROJECT_ROOT, text=True, capture_output=capture, timeout=timeout, check=False
    )


def stack_status() -> dict:
    done = uat("stack", "status", "--json", timeout=60)
    return json.loads(done.stdout or "{}")


def require_healthy_stack(mail: str | None = None) -> dict:
    status = stack_status()
    if not status.get("healthy"):
        sys.exit(
            "the bench stack is not running/healthy: start it with `.venv/bin/uat stack up"
            + (f" --mail {mail}" if mail else "")
            + f"` after\n  {BENCH_ENV_HINT}"
        )
    if mail and status.get("mail_backend") != mail:
        sys.exit(f"the bench stack runs with mail backend {status.get('mail_backend')}, this needs {mail}")
    for url in (status["keycloak"]["url"], status["apps"]["base_url"], status["mailpit"]["url"]):
        if not url.startswith(("http://localhost:", "http://127.0.0.1:")):
            sys.exit(f"refusing a non-loopback target {url}")
    return status


# ---- memory ------------------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(roots: Iterable[int]) -> set[int]:
    """The roots and all their descendants that are alive now."""
    children = _children_map()
    seen: set[int] = set()
    todo = [pid for pid in roots if Path(f"/proc/{pid}").exists()]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, ()))
    return seen


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (utime + stime; its children are sampled on their own)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss(roots: Iterable[int]) -> int:
    return sum(rss_bytes(pid) for pid in process_tree(roots))


def stack_pids(stack_dir: Path) -> dict[str, int]:
    """Service name -> pid of the bench stack (from its state.json), as `uat stack up` recorded them."""
    try:
        state = json.loads((stack_dir / "state.json").read_text())
    except (OSError, ValueError):
        return {}
    return {p["name"]: int(p["pid"]) for p in state.get("processes", [])}


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.0f} MiB"


# ---- statistics ----------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def verdict(value: float, target: float, unit: str = "s") -> str:
    return f"{'OK  ' if value <= target else 'MISS'} (target <= {target:g} {unit})"
