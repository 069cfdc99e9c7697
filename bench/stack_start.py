"""Benchmark: how long `uat stack up` takes, cold (fresh state folder, downloads cached) and warm (down then up,
state kept), and how much memory the stack takes (RSS summed over its processes and their children, sampled
every 0.5 s during each start and during a scenario load).

Targets: warm start <= 20 s, cold start <= 90 s.

    export FAMHP_UAT_KEYCLOAK_PORT=38080 ... FAMHP_UAT_STACK_DIR=/tmp/stackbench   (see bench/README.md)
    .venv/bin/python bench/stack_start.py [--cold 3] [--warm 3] [--mail mailpit|imap] [--scenario-k EXPR]

Cold runs DELETE $FAMHP_UAT_STACK_DIR (never the checkout's .stack: refused). Cold and warm runs alternate so
that the other users of the machine weigh on both alike. The stack is left running at the end (other
benchmarks use it); `uat stack down` stops it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    PROJECT_ROOT,
    PYTHON,
    UAT,
    cpu_seconds,
    header,
    load_average,
    median,
    mib,
    process_tree,
    require_bench_stack_dir,
    rss_bytes,
    stack_pids,
    uat,
    verdict,
)

WARM_TARGET_S = 20.0
COLD_TARGET_S = 90.0
UP_TIMEOUT_S = 400.0  # the stack's own health deadline is 240 s
SCENARIO_TIMEOUT_S = 600.0


class Sampler:
    """Samples, every `interval_s`, the RSS of the stack's processes (from its state.json) plus `extra_roots`
    and all their descendants; keeps the peak of the sum and of each service."""

    def __init__(self, stack_dir: Path, extra_roots: tuple[int, ...] = (), interval_s: float = 0.5) -> None:
        self.stack_dir = stack_dir
        self.extra_roots = extra_roots
        self.interval_s = interval_s
        self.peak_total = 0
        self.peak_by_service: dict[str, int] = {}
        self.samples = 0
        self.last_total = 0
        self.cpu_by_pid: dict[int, float] = {}  # highest CPU seconds seen per process of the stack
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()  # one last look

    def sample(self) -> None:
        services = stack_pids(self.stack_dir)
        seen: set[int] = set()
        total = 0
        for name, pid in services.items():
            tree = process_tree([pid]) - seen
            seen |= tree
            rss = sum(rss_bytes(p) for p in tree)
            for p in tree:
                self.cpu_by_pid[p] = max(self.cpu_by_pid.get(p, 0.0), cpu_seconds(p))
            total += rss
            self.peak_by_service[name] = max(self.peak_by_service.get(name, 0), rss)
        extra = process_tree(self.extra_roots) - seen
        total += sum(rss_bytes(p) for p in extra)
        self.samples += 1
        self.last_total = total
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)


@dataclass
class Run:
    kind: str
    seconds: float
    ok: bool
    load: str
    peak_rss: int
    by_service: dict[str, int] = field(default_factory=dict)
    healthy_after: str = ""
    down_seconds: float = 0.0
    stack_cpu_s: float = 0.0


def _down() -> float:
    started = time.monotonic()
    done = uat("stack", "down", timeout=120)
    if done.returncode != 0:
        sys.exit(f"`uat stack down` failed:\n{done.stdout}{done.stderr}")
    return time.monotonic() - started


def start_once(kind: str, stack_dir: Path, mail: str) -> Run:
    down_s = _down()
    if kind == "cold":
        shutil.rmtree(stack_dir, ignore_errors=True)
    load = load_average()
    started = time.monotonic()
    proc = subprocess.Popen(
        [UAT, "stack", "up", "--mail", mail],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with Sampler(stack_dir, extra_roots=(proc.pid,)) as sampler:
        try:
            out, _ = proc.communicate(timeout=UP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    seconds = time.monotonic() - started
    found = re.search(r"healthy after: ([^)]*)\)", out or "")
    run = Run(
        kind=kind,
        seconds=seconds,
        ok=proc.returncode == 0,
        load=load,
        peak_rss=sampler.peak_total,
        by_service=dict(sampler.peak_by_service),
        healthy_after=found.group(1) if found else "",
        down_seconds=down_s,
        stack_cpu_s=sum(sampler.cpu_by_pid.values()),
    )
    if not run.ok:
        print(f"!! {kind} start failed (exit {proc.returncode}):\n{out[-3000:]}", flush=True)
    return run


def scenario_load(stack_dir: Path, expr: str, extra_args: list[str]) -> None:
    """Runs scenarios against the stack while sampling the stack's RSS (the browser and pytest not counted)."""
    cmd = [PYTHON, "-m", "pytest", "features", "-q", "-k", expr, *extra_args]
    print(f"scenario load: {' '.join(cmd[1:])}   (load {load_average()})", flush=True)
    started = time.monotonic()
    with Sampler(stack_dir) as before:
        pass
    with Sampler(stack_dir) as during:
        done = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=SCENARIO_TIMEOUT_S)
    time.sleep(1.0)  # bench pacing (not a test): let the apps settle before the "after" sample
    with Sampler(stack_dir) as after:
        pass
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"  pytest exit {done.returncode} in {time.monotonic() - started:.1f} s: {last}")
    print(
        f"  stack RSS before {mib(before.last_total)}, peak during {mib(during.peak_total)} "
        f"({during.samples} samples), after {mib(after.last_total)}"
    )
    print(
        "  peak per service during the load: " + ", ".join(f"{k} {mib(v)}" for k, v in during.peak_by_service.items()),
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", type=int, default=3, help="cold starts (default 3)")
    parser.add_argument("--warm", type=int, default=3, help="warm starts (default 3)")
    parser.add_argument("--mail", choices=("mailpit", "imap"), default="mailpit")
    parser.add_argument(
        "--scenario-k",
        default="activate_the_account_by_scanning",
        help="pytest -k expression of the scenario load ('' to skip)",
    )
    parser.add_argument(
        "--pytest-arg",
        action="append",
        default=[],
        help="extra pytest argument for the scenario load (repeatable), e.g. -p no:fixtures.reporting",
    )
    args = parser.parse_args()
    stack_dir = require_bench_stack_dir()
    cache = Path(os.environ.get("FAMHP_UAT_CACHE") or Path.home() / ".cache" / "famhp-uat")
    if not any((cache / "keycloak").glob("keycloak-*-built-*/.famhp-built")) or not any(
        (cache / "mailpit").glob("*/mailpit")
    ):
        print(f"warning: {cache} lacks a built Keycloak or Mailpit: the first cold start includes downloads/builds")

    header("uat stack up: cold and warm start, stack RSS")
    kinds = []
    for i in range(max(args.cold, args.warm)):
        if i < args.cold:
            kinds.append("cold")
        if i < args.warm:
            kinds.append("warm")
    if kinds and kinds[0] == "warm" and not (stack_dir / "credentials.json").exists():
        kinds.insert(0, "cold")  # a warm start needs a state to keep
    runs: list[Run] = []
    for i, kind in enumerate(kinds, 1):
        run = start_once(kind, stack_dir, args.mail)
        runs.append(run)
        print(
            f"run {i}: {kind:<4} {'ok ' if run.ok else 'FAILED'} up {run.seconds:6.1f} s "
            f"(down before: {run.down_seconds:.1f} s)  stack CPU {run.stack_cpu_s:.1f} s  "
            f"peak RSS {mib(run.peak_rss)}  load {run.load}\n"
            f"        healthy after: {run.healthy_after}\n"
            f"        peak per service: {', '.join(f'{k} {mib(v)}' for k, v in run.by_service.items())}",
            flush=True,
        )

    print()
    for kind, target in (("cold", COLD_TARGET_S), ("warm", WARM_TARGET_S)):
        times = [r.seconds for r in runs if r.kind == kind and r.ok]
        if times:
            cpu = [r.stack_cpu_s for r in runs if r.kind == kind and r.ok]
            print(
                f"{kind} start: median {median(times):.1f} s, min {min(times):.1f}, max {max(times):.1f} "
                f"over {len(times)} runs  {verdict(median(times), target)}; "
                f"stack CPU median {median(cpu):.1f} s (load-independent)"
            )
    peaks = [r.peak_rss for r in runs if r.ok]
    if peaks:
        print(f"peak stack RSS during start: max {mib(max(peaks))}")
    if args.scenario_k and runs and runs[-1].ok:
        print()
        scenario_load(stack_dir, args.scenario_k, args.pytest_arg)
    print(f"\nload average at end {load_average()}; the stack is left running (`uat stack down` stops it)")
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
