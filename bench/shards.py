"""Benchmark: the whole Gherkin suite on this machine as 1 process, with `-n 2`, as 3 shards started at the same
moment (separate processes and results folders, merged into one report and gated), and with its browsers on the
local Playwright browser server. Per variant: wall time, scenarios, CPU-seconds per scenario of every process
involved (the run's own tree, the stack's services, the browser services; from /proc) and the load average;
for the shards their balance (max/min shard time) and, from Keycloak's admin API, which organisation
administrator each shard signed in as, with its failed sign-ins (a refused code counts as one) and lockout.

    export FAMHP_UAT_..._PORT=...      # the stack's and the browser services' ports (bench/README.md)
    .venv/bin/uat stack up && .venv/bin/uat browsers up
    .venv/bin/python bench/shards.py [--variants one,n2,shards3,server] [-m EXPR] [--store-durations]

`--store-durations` makes the 1-process run refresh features/durations.json (what the shards balance on).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import PROJECT_ROOT, UAT, header, load_average
from bench.remote_browsers import tree_cpu

RUN_TIMEOUT_S = 1500
SHARDS = 3


@dataclass
class Variant:
    name: str
    wall_s: float = 0.0
    scenarios: int = 0
    passed: int = 0
    run_cpu_s: float = 0.0  # the run's own processes (uat, pytest, workers, Playwright drivers, local Chromium)
    service_cpu_s: dict[str, float] = field(default_factory=dict)  # stack and browser services
    load_after: str = ""
    shard_walls: list[float] = field(default_factory=list)
    gate: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def cpu_s(self) -> float:
        return self.run_cpu_s + sum(self.service_cpu_s.values())


def _json(*args: str) -> dict:
    done = subprocess.run([UAT, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False)
    return json.loads(done.stdout or "{}")


def service_roots() -> dict[str, int]:
    """Every long-running process a run uses besides its own: the stack's services and the browser services."""
    roots = {name: info["pid"] for name, info in _json("stack", "status", "--json").get("services", {}).items()}
    browsers = _json("browsers", "status", "--json").get("services", {})
    roots.update({name: info["pid"] for name, info in browsers.items() if info.get("running")})
    return roots


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(results: list[Path]) -> tuple[int, int]:
    """(scenarios, passed) by Allure history id, the last attempt deciding."""
    last: dict[str, dict] = {}
    for folder in results:
        for path in folder.glob("*-result.json"):
            result = json.loads(path.read_text())
            key = result.get("historyId") or result.get("fullName")
            if key not in last or result.get("stop", 0) >= last[key].get("stop", 0):
                last[key] = result
    return len(last), sum(1 for result in last.values() if result.get("status") == "passed")


def measure(name: str, commands: list[list[str]], results: list[Path], env: dict[str, str]) -> Variant:
    """Start every command at the same moment; wall time until the last ends; CPU of all processes involved."""
    variant = Variant(name)
    roots = service_roots()
    services_before, run_before = tree_cpu(roots), children_cpu()
    for folder in results:
        shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for command in commands
    ]
    ended: dict[int, float] = {}
    outputs: dict[int, str] = {}

    def wait(index: int, process: subprocess.Popen[str]) -> None:
        outputs[index], _ = process.communicate(timeout=RUN_TIMEOUT_S)
        ended[index] = time.monotonic() - started

    waiters = [threading.Thread(target=wait, args=(i, p)) for i, p in enumerate(processes)]
    for waiter in waiters:
        waiter.start()
    for waiter in waiters:
        waiter.join()
    variant.wall_s = time.monotonic() - started
    for index, process in enumerate(processes):
        variant.shard_walls.append(ended[index])
        tail = [line for line in outputs[index].splitlines() if line.strip()][-1:]
        variant.notes.append(f"exit {process.returncode} after {ended[index]:.0f} s: {tail[0] if tail else ''}")
    variant.run_cpu_s = children_cpu() - run_before
    after = tree_cpu(roots)
    variant.service_cpu_s = {svc: after[svc] - services_before.get(svc, 0.0) for svc in after}
    variant.load_after = load_average()
    variant.scenarios, variant.passed = _count(results)
    return variant


def administrators_used(since_ms: int) -> list[str]:
    """Per seeded administrator: sessions started since the shards began, failed sign-ins, locked or not."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from support.keycloak_admin import KeycloakAdmin
    from support.secrets import Secret

    status = _json("stack", "status", "--json")
    keycloak = status["keycloak"]
    lines = []
    with KeycloakAdmin(
        keycloak["url"], keycloak["realm"], keycloak["admin_username"], Secret(keycloak["admin_password"])
    ) as admin:
        for seed in status["seed_users"]:
            account = admin.find_user(seed["email"])
            assert account is not None
            sessions = admin.sessions_of(account.id)
            fresh = [s for s in sessions if int(s.get("start", 0)) >= since_ms]
            lockout = admin.lockout_of(account.id)
            lines.append(
                f"  {seed['email']:<34} sessions started during the shards: {len(fresh)}; failed sign-ins "
                f"(a refused code counts): {lockout.failures}; locked: {lockout.locked}"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default="one,n2,shards3,server", help="comma-separated (default: all)")
    parser.add_argument("-m", dest="markers", default="", help="pytest -m expression (default: the whole suite)")
    parser.add_argument("--store-durations", action="store_true", help="the 1-process run refreshes the durations")
    args = parser.parse_args()
    selection = ["-m", args.markers] if args.markers else []
    header("whole suite: 1 process, -n 2, 3 shards at once, browsers on the browser server")
    env = {k: v for k, v in os.environ.items() if k not in ("UAT_BROWSER_ENDPOINT", "UAT_SELENIUM_GRID_URL")}
    out = PROJECT_ROOT / "reports" / "bench-shards"
    variants: list[Variant] = []
    for name in args.variants.split(","):
        if name == "one":
            store = ["--store-durations"] if args.store_durations else []
            folder = out / "one"
            variant = measure(
                "1 process", [[UAT, "run", "-q", *store, *selection, f"--alluredir={folder}"]], [folder], env
            )
        elif name == "n2":
            folder = out / "n2"
            variant = measure(
                "-n 2", [[UAT, "run", "-q", "-n", "2", *selection, f"--alluredir={folder}"]], [folder], env
            )
        elif name == "shards3":
            folders = [PROJECT_ROOT / "reports" / "shards" / f"{i}-of-{SHARDS}" for i in range(1, SHARDS + 1)]
            since_ms = int(time.time() * 1000)
            commands = [[UAT, "run", "-q", "--shard", f"{i}/{SHARDS}", *selection] for i in range(1, SHARDS + 1)]
            variant = measure(f"{SHARDS} shards at once", commands, [f / "allure-results" for f in folders], env)
            shard_dirs = [str(f) for f in folders]
            report = subprocess.run([UAT, "report", "--merge", *shard_dirs], cwd=PROJECT_ROOT, capture_output=True,
                                    text=True, check=False)  # fmt: skip
            gate_args = ["gate", "--merge", *shard_dirs] + (["--min-scenarios", "1"] if args.markers else [])
            gate = subprocess.run([UAT, *gate_args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
            verdict = next((line for line in gate.stdout.splitlines() if "release gate" in line), gate.stdout[-200:])
            merged = json.loads((PROJECT_ROOT / "reports" / "allure-report" / "summary.json").read_text())["stats"]
            variant.gate = (
                f"merged report: {merged} (report exit {report.returncode}); gate exit {gate.returncode}: "
                f"{verdict.strip()}"
            )
            variant.notes += administrators_used(since_ms)
        elif name == "server":
            browsers = _json("browsers", "status", "--json")
            if not browsers.get("healthy"):
                sys.exit("the browser services are not running: `.venv/bin/uat browsers up` first")
            folder = out / "server"
            server_env = {**env, "UAT_BROWSER_ENDPOINT": browsers["browser_endpoint"]}
            variant = measure(
                "1 process, browsers on the browser server",
                [[UAT, "run", "-q", *selection, f"--alluredir={folder}"]],
                [folder],
                server_env,
            )
        else:
            sys.exit(f"unknown variant {name!r}")
        variants.append(variant)
        _print(variant)
    _summary(variants)
    return 0


def _print(variant: Variant) -> None:
    per = variant.cpu_s / variant.scenarios if variant.scenarios else float("nan")
    services = ", ".join(f"{name} {cpu:.0f}" for name, cpu in sorted(variant.service_cpu_s.items()))
    print(f"## {variant.name}")
    print(f"wall {variant.wall_s:.0f} s; {variant.passed}/{variant.scenarios} passed; load after {variant.load_after}")
    print(
        f"CPU {variant.cpu_s:.0f} s = run {variant.run_cpu_s:.0f} s + services ({services}); {per:.1f} CPU-s/scenario"
    )
    if len(variant.shard_walls) > 1:
        walls = variant.shard_walls
        print(
            f"shard wall times {', '.join(f'{w:.0f}' for w in walls)} s; balance max/min {max(walls) / min(walls):.2f}"
        )
    if variant.gate:
        print(variant.gate)
    for note in variant.notes:
        print(f"  {note}")
    print(flush=True)


def _summary(variants: list[Variant]) -> None:
    base = next((v for v in variants if v.name == "1 process"), None)
    print("## summary")
    print("| variant | wall s | scenarios | CPU-s/scenario | wall vs 1 process |")
    print("|---|---:|---:|---:|---:|")
    for v in variants:
        ratio = f"{base.wall_s / v.wall_s:.2f}x" if base and v.wall_s else "-"
        per = f"{v.cpu_s / v.scenarios:.1f}" if v.scenarios else "-"
        print(f"| {v.name} | {v.wall_s:.0f} | {v.scenarios} | {per} | {ratio} |")
    server = next((v for v in variants if "browser server" in v.name), None)
    if base and server and base.scenarios and server.scenarios:
        wall = (server.wall_s - base.wall_s) / base.scenarios
        cpu = server.cpu_s / server.scenarios - base.cpu_s / base.scenarios
        print(f"\nbrowser server vs local: {wall:+.2f} s wall and {cpu:+.2f} CPU-s per scenario")
    print(f"load average at end {load_average()}")


if __name__ == "__main__":
    sys.exit(main())
