"""Benchmark: what the trace policy costs on the onboarding scenario "Activate the account by scanning the QR code".
Three variants of the same pytest command, run in alternating rounds (side by side, one bench run):

- `--uat-trace off`                no trace;
- `--uat-trace retain-on-failure`  the trace is recorded (screenshots, DOM snapshots) and dropped on a pass;
- `--uat-trace on`                 recorded, then scrubbed (support.evidence.traces) and kept.

For each: wall time and CPU seconds of the whole pytest process (start to exit), and for `on` the scrub's own time
and what it changed, read from the suite's log line. Ratios of medians against `off` are the policy's overhead.

    .venv/bin/python bench/trace_policy.py [--rounds 3]

Needs a running stack (any ports: the suite finds it through `uat stack status --json`).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import PROJECT_ROOT, PYTHON, header, load_average, median, require_healthy_stack

SCENARIO_K = "activate_the_account_by_scanning"
VARIANTS = ("off", "retain-on-failure", "on")
RUN_TIMEOUT_S = 300.0
SCRUB_LINE = re.compile(r"scrubbed in ([\d.]+) s: (.*)$", re.M)


def run_once(variant: str, output: Path) -> dict[str, object]:
    command = [
        PYTHON, "-m", "pytest", "features", "-q", "-k", SCENARIO_K, "-p", "no:cacheprovider",
        f"--uat-trace={variant}", f"--output={output}", "-o", "log_cli=true", "--log-cli-level=INFO",
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # the run's recorded secrets go to the bench's temporary folder, deleted with it
    env = {**os.environ, "UAT_RUN_SECRETS_DIR": str(output / "run-secrets")}
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"the scenario failed with --uat-trace={variant}:\n{(done.stdout + done.stderr)[-3000:]}")
    scrub = SCRUB_LINE.search(done.stdout + done.stderr)
    traces = list(output.rglob("trace.zip"))
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "scrub_s": float(scrub.group(1)) if scrub else None,
        "scrub": scrub.group(2) if scrub else "",
        "trace_mb": sum(path.stat().st_size for path in traces) / 1_048_576,
        "load": load_average(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    header("trace policy overhead on the QR onboarding scenario")
    require_healthy_stack()
    results: dict[str, list[dict[str, object]]] = {variant: [] for variant in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="trace-policy-") as work:
        for round_number in range(1, args.rounds + 1):
            for variant in VARIANTS:
                figures = run_once(variant, Path(work) / f"{variant}-{round_number}")
                results[variant].append(figures)
                scrub = f", scrub {figures['scrub_s']:.2f} s ({figures['scrub']})" if figures["scrub_s"] else ""
                print(
                    f"round {round_number} {variant:>17}: wall {figures['wall']:.1f} s, cpu {figures['cpu']:.1f} s, "
                    f"trace {figures['trace_mb']:.2f} MB{scrub}; load {figures['load']}",
                    flush=True,
                )
    print()
    base_wall = median([float(r["wall"]) for r in results["off"]])  # type: ignore[arg-type]
    base_cpu = median([float(r["cpu"]) for r in results["off"]])  # type: ignore[arg-type]
    for variant in VARIANTS:
        wall = median([float(r["wall"]) for r in results[variant]])  # type: ignore[arg-type]
        cpu = median([float(r["cpu"]) for r in results[variant]])  # type: ignore[arg-type]
        print(
            f"{variant:>17}: median wall {wall:.1f} s (x{wall / base_wall:.2f}), "
            f"median cpu {cpu:.1f} s (x{cpu / base_cpu:.2f})"
        )
    scrubs = [float(r["scrub_s"]) for r in results["on"] if r["scrub_s"]]  # type: ignore[arg-type]
    if scrubs:
        print(f"scrub alone: median {median(scrubs):.2f} s per trace")
    print(f"load average at end {load_average()}")


if __name__ == "__main__":
    main()
