"""Benchmark: the whole Gherkin suite's wall time and CPU-seconds per scenario, counted from /proc for every process
of the run (pytest and its workers, the Playwright driver, Chromium, short-lived helpers) and of the stack it runs
against (Keycloak, the apps, Mailpit, GreenMail), so that the figure holds on a loaded machine. Two checkouts side by
side in one run ("before": e.g. main checked out into a temporary folder with its own stack; "after": this one),
and any numbers of workers, in alternating order.

Targets: after vs before >= 40 % less CPU per scenario (one worker); -n 2 over -n 1 >= 1.5x wall-time speed-up,
or the measured reason it cannot be (which process takes the CPU).

    # once: the previous commit in a folder of its own, with its own virtual environment and stack
    git archive <commit> | tar -x -C /tmp/famhp-before && make -C /tmp/famhp-before install
    (cd /tmp/famhp-before && FAMHP_UAT_KEYCLOAK_PORT=7380 ... .venv/bin/uat stack up)
    # then, with this checkout's stack running (its FAMHP_UAT_* exported):
    .venv/bin/python bench/suite_cpu.py --before /tmp/famhp-before \
        --before-ports 7380,7300,7325,7326,7425,7443,7480,7200 [--rounds 1] [--workers 1,2] [-- pytest args]

`--before-ports` lists the ports in the order KEYCLOAK, KEYCLOAK_MANAGEMENT, MAILPIT_SMTP, MAILPIT_HTTP,
GREENMAIL_SMTP, GREENMAIL_IMAP, GREENMAIL_API, APPS. Without `--before`, only this checkout runs (e.g. for
`--workers 1,2`). Per run: wall time, exit code, scenarios run, CPU of the run's processes (the larger of two
counts: wait4's, which holds every descendant reaped within the run's tree, and the sum of 0.5 s samples of every
process of the tree in /proc, which also holds Chromium processes that outlive their parent; the split by process
is from the samples) and of each stack service (its process tree, before and after the run). `--json PATH` keeps
every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import CLOCK_TICKS, PROJECT_ROOT, header, load_average, median

PORT_NAMES = (
    "KEYCLOAK",
    "KEYCLOAK_MANAGEMENT",
    "MAILPIT_SMTP",
    "MAILPIT_HTTP",
    "GREENMAIL_SMTP",
    "GREENMAIL_IMAP",
    "GREENMAIL_API",
    "APPS",
)
RUN_TIMEOUT_S = 1800.0
SAMPLE_EVERY_S = 0.5


@dataclass
class Side:
    name: str
    root: Path
    env: dict[str, str]

    @property
    def python(self) -> str:
        return str(self.root / ".venv" / "bin" / "python")

    def stack_dir(self) -> Path:
        return Path(self.env.get("FAMHP_UAT_STACK_DIR") or self.root / ".stack")


@dataclass
class Run:
    side: str
    workers: int
    variant: str
    wall_s: float
    exit_code: int
    scenarios: int
    summary: str
    load_before: str
    run_cpu_s: float
    by_process: dict[str, float] = field(default_factory=dict)
    stack_cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def total_cpu_s(self) -> float:
        return self.run_cpu_s + sum(self.stack_cpu_s.values())

    @property
    def cpu_per_scenario(self) -> float:
        return self.total_cpu_s / max(self.scenarios, 1)


# ---- /proc --------------------------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def own_cpu(pid: int) -> float:
    """utime + stime of one process (its live children are counted on their own)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0


def tree_cpu(pid: int) -> float:
    """A process tree's CPU so far: each live process's own time plus what its reaped children used."""
    total = 0.0
    for member in descendants([pid]):
        fields = _stat(member)
        if fields:
            total += sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS
    return total


def descendants(roots: list[int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))):
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid for pid in roots if Path(f"/proc/{pid}").exists()]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def category(pid: int, root: int) -> str:
    """What a process of the run is, for the split: the pytest controller, a worker, the Playwright driver,
    Chromium (browser, renderers, GPU/utility processes), or a helper (`uat stack status`, …)."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if pid == root:
        return "pytest (controller)"
    if "chrom" in comm or "chrom" in cmdline.split(" ")[0] or (comm == "exe" and "--type=" in cmdline):
        return "chromium"  # Chromium's zygote re-executes itself through /proc/self/exe: comm "exe"
    if comm == "node" or ("playwright" in cmdline and "driver" in cmdline):
        return "playwright driver (node)"
    if "uat stack" in cmdline or "cli.main" in cmdline or cmdline.endswith("/uat stack status --json "):
        return "uat helpers"
    if "python" in comm or "python" in cmdline.split(" ")[0]:
        return "pytest (workers)"
    return f"other ({comm})"


class Sampler(threading.Thread):
    """Every 0.5 s, the CPU of each live process of the run, by category (the last reading of each pid counts)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.last: dict[int, tuple[str, float]] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            for pid in descendants([self.root]):
                cpu = own_cpu(pid)
                kind = category(pid, self.root)  # each time: a child read between fork and exec looks like its parent
                if kind != "gone":
                    self.last[pid] = (kind, cpu)
            self._done.wait(SAMPLE_EVERY_S)

    def stop(self) -> dict[str, float]:
        self._done.set()
        self.join()
        split: dict[str, float] = {}
        for kind, cpu in self.last.values():
            split[kind] = split.get(kind, 0.0) + cpu
        return split


def stack_services(side: Side) -> dict[str, int]:
    try:
        state = json.loads((side.stack_dir() / "state.json").read_text())
    except (OSError, ValueError):
        return {}
    return {p["name"]: int(p["pid"]) for p in state.get("processes", [])}


# ---- one run ------------------------------------------------------------------------------------------------


@dataclass
class Measured:
    """One command's wall time, exit code, output, and the CPU of its process tree (split by process)."""

    wall_s: float
    exit_code: int
    output: str
    cpu_s: float
    by_process: dict[str, float]


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = Sampler(process.pid)
    sampler.start()
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)  # the usage of the command and of every descendant it reaped
    wall = time.perf_counter() - started
    reader.join(timeout=10)
    split = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    # wait4 counts what the run's processes reaped, but not processes that outlived their parent (Chromium's, at
    # its exit, go to init); the samples count every process, but not its last half second: the larger counts
    reaped = usage.ru_utime + usage.ru_stime
    split["not sampled (short-lived)"] = max(reaped - sum(split.values()), 0.0)
    return Measured(wall, process.returncode, "".join(output), max(reaped, sum(split.values())), split)


def run_suite(side: Side, workers: int, variant: tuple[str, list[str]], extra: list[str]) -> Run:
    services = stack_services(side)
    if not services:
        sys.exit(f"{side.name}: no running stack found in {side.stack_dir()} (start it with `uat stack up` there)")
    stack_before = {name: tree_cpu(pid) for name, pid in services.items()}
    results = tempfile.mkdtemp(prefix=f"suite-cpu-{side.name}-")
    cmd = [side.python, "-m", "pytest", "features", "-q", "-n", str(workers), f"--alluredir={results}"]
    cmd += [*variant[1], *extra]
    load = load_average()
    measured = run_measured(cmd, side.root, side.env)
    stack_after = {name: tree_cpu(pid) for name, pid in services.items()}
    text = measured.output
    summary = next((line for line in reversed(text.splitlines()) if re.search(r"\d+ (passed|failed)", line)), "")
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error|errors|rerun)", summary)}
    log = Path(results) / "pytest-output.txt"
    log.write_text(text)
    return Run(
        side=side.name,
        workers=workers,
        variant=variant[0],
        wall_s=measured.wall_s,
        exit_code=measured.exit_code,
        scenarios=counts.get("passed", 0) + counts.get("failed", 0),
        summary=f"{summary.strip('= ')} (log {log})",
        load_before=load,
        run_cpu_s=measured.cpu_s,
        by_process=measured.by_process,
        stack_cpu_s={name: stack_after[name] - stack_before[name] for name in services},
    )


def describe(run: Run) -> str:
    parts = [
        f"{run.side:<6} -n {run.workers} {run.variant}  wall {run.wall_s:6.1f} s  exit {run.exit_code}  "
        f"{run.scenarios} scenarios  CPU {run.total_cpu_s:6.1f} s = {run.cpu_per_scenario:5.2f} s/scenario  "
        f"load before {run.load_before}",
        f"         {run.summary}",
        "         run:   " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(run.by_process.items(), key=lambda x: -x[1])),
        "         stack: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(run.stack_cpu_s.items(), key=lambda x: -x[1])),
    ]
    return "\n".join(parts)


# ---- the harness ---------------------------------------------------------------------------------------------


def side_env(ports: list[str] | None) -> dict[str, str]:
    env = dict(os.environ)
    if ports is not None:
        if len(ports) != len(PORT_NAMES):
            sys.exit(f"--before-ports needs {len(PORT_NAMES)} ports: {', '.join(PORT_NAMES)}")
        env.pop("FAMHP_UAT_STACK_DIR", None)
        env.update({f"FAMHP_UAT_{name}_PORT": port for name, port in zip(PORT_NAMES, ports, strict=True)})
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="a checkout of the previous commit, with its .venv and stack")
    parser.add_argument("--before-ports", help="its stack's ports, comma-separated (see above)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", default="1", help="comma-separated worker counts, e.g. 1,2 (default 1)")
    parser.add_argument("--sides", default="before,after", help="which sides run (default both when --before)")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="LABEL=ARGS",
        help="run each side also with these pytest arguments, e.g. 'untraced=--uat-trace off' (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args, extra = parser.parse_known_args()
    extra = [arg for arg in extra if arg != "--"]
    sides = [Side("after", PROJECT_ROOT, side_env(None))]
    if args.before:
        ports = args.before_ports.split(",") if args.before_ports else None
        if ports is None:
            sys.exit("--before needs --before-ports (its stack's ports)")
        sides.insert(0, Side("before", args.before.resolve(), side_env(ports)))
    sides = [side for side in sides if side.name in args.sides.split(",")]
    workers = [int(n) for n in args.workers.split(",")]
    header(f"whole Gherkin suite: CPU per scenario and wall time ({', '.join(s.name for s in sides)}; -n {workers})")
    variants = [(label, shlex.split(given)) for label, _, given in (v.partition("=") for v in args.variant)]
    variants = variants or [("", [])]
    runs: list[Run] = []
    for round_number in range(args.rounds):
        order = [(side, n, variant) for side in sides for n in workers for variant in variants]
        if round_number % 2:
            order.reverse()  # alternate, so the machine's other load weighs on every variant alike
        for side, n, variant in order:
            run = run_suite(side, n, variant, extra)
            runs.append(run)
            print(f"round {round_number + 1}  {describe(run)}", flush=True)
    print()
    medians: dict[tuple[str, int, str], tuple[float, float]] = {}
    for side in sides:
        for n in workers:
            for label, _ in variants:
                mine = [r for r in runs if (r.side, r.workers, r.variant) == (side.name, n, label) and r.exit_code == 0]
                if mine:
                    wall, cpu = median([r.wall_s for r in mine]), median([r.cpu_per_scenario for r in mine])
                    medians[(side.name, n, label)] = (wall, cpu)
                    print(
                        f"{side.name:<6} -n {n} {label}: median wall {wall:.1f} s, CPU {cpu:.2f} s/scenario "
                        f"({len(mine)} runs)"
                    )
    for (side_name, n, label), (wall, cpu) in medians.items():
        if side_name == "after" and ("before", n, label) in medians:
            before_wall, before_cpu = medians[("before", n, label)]
            print(
                f"-n {n} {label}: CPU per scenario after/before {cpu / before_cpu:.2f} "
                f"({(1 - cpu / before_cpu) * 100:.0f} % less; target >= 40 %), "
                f"wall after/before {wall / before_wall:.2f}"
            )
        if n == 2 and (side_name, 1, label) in medians:
            print(
                f"{side_name} {label}: -n 2 over -n 1 {medians[(side_name, 1, label)][0] / wall:.2f}x wall-time "
                "speed-up (target >= 1.5x)"
            )
    for label, _ in variants[1:]:
        for side in sides:
            for n in workers:
                base, other = medians.get((side.name, n, variants[0][0])), medians.get((side.name, n, label))
                if base and other:
                    first = variants[0][0] or "default"
                    print(f"{side.name} -n {n}: {label} / {first} CPU per scenario {other[1] / base[1]:.2f}")
    print(f"load average at end {load_average()}")
    if args.json:
        args.json.write_text(json.dumps([run.__dict__ for run in runs], indent=2))
    return 0 if all(run.exit_code == 0 for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
