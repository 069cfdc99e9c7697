"""Soak: the whole Gherkin suite N times back to back against the running stack, each run with fresh results, to show
that the verdicts stay right and nothing grows or is left behind.

    .venv/bin/python bench/soak.py N [-n 2] [-m MARKERS] [--reruns R] [--out DIR] [-- more pytest args]

Records, per run: every scenario's verdict (passed, failed, broken, skipped; flaky when it passed only on a retry),
the gate's exit code, the wall time; CPU seconds and RSS of each service of the stack (its process tree, sampled
every 5 s) over time; and after the run what could grow: Keycloak's active sessions, Mailpit's messages, the size of
the apps' SQLite database and of Keycloak's H2 database, the test users in the realm (their address carries a run
id), the active API keys named by a run id, the ledgers of runs on this machine. Across runs a scenario is flaky
when it passed in some and not in others. Writes soak.json and soak.md to DIR (default reports/soak/<time>/) and
exits 0 only with 0 failed, 0 flaky and 0 left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench._common import PROJECT_ROOT, UAT, cpu_seconds, header, load_average, mib, process_tree, rss_bytes
from cli.gate import load_scenarios
from support.config import load_config
from support.keycloak_admin import KeycloakAdmin
from support.run_ledger import RUN_ID, new_run_id, runs_dir
from support.secrets import Secret
from support.sweep.marked import address_pattern

RUN_TIMEOUT_S = 2400
SAMPLE_EVERY_S = 5.0


@dataclass
class RunRecord:
    number: int
    run_id: str
    exit_code: int
    gate_exit_code: int
    wall_s: float
    load_average: str
    verdicts: dict[str, str]  # scenario -> passed / failed / broken / skipped / flaky
    stack_cpu_s: dict[str, float]
    stack_rss_end: dict[str, int]
    stack_rss_peak: dict[str, int]
    after: dict[str, Any] = field(default_factory=dict)


class StackSampler(threading.Thread):
    """CPU seconds and RSS of each service's process tree, every 5 s, until stopped."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True, name="soak-sampler")
        self.pids = pids
        self.samples: list[dict[str, Any]] = []
        self._stop_event = threading.Event()

    def measure(self) -> dict[str, Any]:
        sample: dict[str, Any] = {"at": time.time()}
        for name, pid in self.pids.items():
            tree = process_tree([pid])
            sample[name] = {"rss": sum(rss_bytes(p) for p in tree), "cpu_s": sum(cpu_seconds(p) for p in tree)}
        return sample

    def run(self) -> None:
        while True:
            self.samples.append(self.measure())
            if self._stop_event.wait(SAMPLE_EVERY_S):  # the sampling period, ended at once by stop()
                return

    def stop(self) -> list[dict[str, Any]]:
        self._stop_event.set()
        self.join()
        self.samples.append(self.measure())
        return self.samples


def _status() -> dict[str, Any]:
    done = subprocess.run([UAT, "stack", "status", "--json"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    status = json.loads(done.stdout or "{}")
    if not status.get("healthy"):
        sys.exit("the reference stack is not healthy: start it with `.venv/bin/uat stack up` first")
    return status


def _admin_token(status: dict[str, Any]) -> str:
    keycloak = status["keycloak"]
    answer = httpx.post(
        f"{keycloak['url']}/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": keycloak["admin_username"],
              "password": keycloak["admin_password"]},
        timeout=30,
    )  # fmt: skip
    return str(answer.raise_for_status().json()["access_token"])


def _file_size(*paths: Path) -> int:
    return sum(path.stat().st_size for path in paths if path.exists())


def what_could_grow(status: dict[str, Any]) -> dict[str, Any]:
    """After a run: sessions, mails, database sizes, and what the runs left (users, active keys, ledgers)."""
    keycloak = status["keycloak"]
    headers = {"Authorization": f"Bearer {_admin_token(status)}"}
    stats = httpx.get(
        f"{keycloak['url']}/admin/realms/{keycloak['realm']}/client-session-stats", headers=headers, timeout=30
    ).raise_for_status()
    mailpit = httpx.get(f"{status['mailpit']['url']}/api/v1/info", timeout=30).raise_for_status().json()
    database = Path(status["apps"]["database"])
    with sqlite3.connect(database, timeout=30) as connection:
        names = [name for (name,) in connection.execute("SELECT name FROM api_keys WHERE revoked_at IS NULL")]
    template = load_config().mail_address_template or ""
    pattern = address_pattern(template)
    with KeycloakAdmin(keycloak["url"], keycloak["realm"], keycloak["admin_username"],
                       Secret(keycloak["admin_password"])) as admin:  # fmt: skip
        users = [user.email for user in admin.users_matching("uat-") if pattern.match(user.email.lower())]
    h2 = Path(status["services"]["keycloak"]["log"]).parents[1] / "keycloak" / "home" / "data" / "h2"
    return {
        "keycloak_sessions": sum(int(entry.get("active", 0)) for entry in stats.json()),
        "mailpit_messages": int(mailpit.get("Messages", 0)),
        "apps_db_bytes": _file_size(database, database.with_name(database.name + "-wal")),
        "keycloak_db_bytes": sum(path.stat().st_size for path in h2.glob("*")) if h2.is_dir() else 0,
        "test_users_left": users,
        "active_keys_left": [name for name in names if RUN_ID.search(name)],
        "ledgers_left": sorted(str(path) for path in runs_dir().glob("*/*.jsonl")),
    }


def verdicts_of(results: Path) -> dict[str, str]:
    verdicts = {}
    for scenario in load_scenarios(results):
        verdicts[scenario.name] = "flaky" if scenario.flaky else scenario.status
    return verdicts


def one_run(
    number: int, out: Path, args: argparse.Namespace, pids: dict[str, int], status: dict[str, Any]
) -> RunRecord:
    folder = out / f"run-{number:02d}"
    results = folder / "allure-results"
    run_id = new_run_id()
    command = [
        UAT, "run", "-q", "-p", "no:cacheprovider", f"--alluredir={results}", f"--junitxml={folder / 'junit.xml'}",
        f"--output={folder / 'test-results'}", f"--reruns={args.reruns}",
    ]  # fmt: skip
    if args.workers:
        command += ["-n", str(args.workers)]
    if args.markers:
        command += ["-m", args.markers]
    command += args.pytest_args
    environment = {**os.environ, "UAT_RUN_ID": run_id, "UAT_RUN_SECRETS_DIR": str(folder / "run-secrets")}
    print(f"run {number}: {' '.join(command[1:])} (run id {run_id}, load {load_average()})", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    sampler = StackSampler(pids)
    sampler.start()
    started = time.monotonic()
    with open(folder / "output.txt", "w") as output:
        exit_code = subprocess.run(command, cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                   timeout=RUN_TIMEOUT_S).returncode  # fmt: skip
    wall_s = time.monotonic() - started
    samples = sampler.stop()
    gate = subprocess.run([UAT, "gate", "--results", str(results), "--junit", str(folder / "junit.xml"), "--no-scan",
                           "--min-scenarios", "1", "--summary", str(folder / "summary.md")],
                          cwd=PROJECT_ROOT, capture_output=True, text=True)  # fmt: skip
    first, last = samples[0], samples[-1]
    record = RunRecord(
        number=number,
        run_id=run_id,
        exit_code=exit_code,
        gate_exit_code=gate.returncode,
        wall_s=wall_s,
        load_average=load_average(),
        verdicts=verdicts_of(results),
        stack_cpu_s={name: last[name]["cpu_s"] - first[name]["cpu_s"] for name in pids},
        stack_rss_end={name: last[name]["rss"] for name in pids},
        stack_rss_peak={name: max(sample[name]["rss"] for sample in samples) for name in pids},
        after=what_could_grow(status),
    )
    (folder / "samples.json").write_text(json.dumps(samples))
    counts = Counter(record.verdicts.values())
    left = len(record.after["test_users_left"]) + len(record.after["active_keys_left"])
    after = record.after
    print(
        f"  {wall_s:.0f} s, exit {exit_code}, gate {gate.returncode}: {dict(counts)}; left behind {left}; "
        f"sessions {after['keycloak_sessions']}, mails {after['mailpit_messages']}",
        flush=True,
    )
    return record


def summary(records: list[RunRecord]) -> tuple[str, bool]:
    scenarios = sorted({name for record in records for name in record.verdicts})
    outcomes = {name: Counter(record.verdicts.get(name, "absent") for record in records) for name in scenarios}
    failed = {name: c for name, c in outcomes.items() if c["failed"] or c["broken"]}
    flaky = {name: c for name, c in outcomes.items() if c["flaky"] or (c["passed"] and (c["failed"] or c["broken"]))}
    left = sum(len(r.after["test_users_left"]) + len(r.after["active_keys_left"]) for r in records)
    lines = ["| run | wall s | scenarios | passed | failed | broken | flaky | gate | users/keys left | "
             "sessions | mails | apps DB | Keycloak CPU s | Keycloak RSS end | apps RSS end | Mailpit RSS end |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in records:
        c = Counter(r.verdicts.values())
        lines.append(
            f"| {r.number} | {r.wall_s:.0f} | {len(r.verdicts)} | {c['passed']} | {c['failed']} | {c['broken']} | "
            f"{c['flaky']} | {r.gate_exit_code} | {len(r.after['test_users_left'])}/{len(r.after['active_keys_left'])}"
            f" | {r.after['keycloak_sessions']} | {r.after['mailpit_messages']} | "
            f"{r.after['apps_db_bytes'] // 1024} KiB"
            f" | {r.stack_cpu_s.get('keycloak', 0):.0f} | {mib(r.stack_rss_end.get('keycloak', 0))} | "
            f"{mib(r.stack_rss_end.get('apps', 0))} | {mib(r.stack_rss_end.get('mailpit', 0))} |"
        )
    lines += ["", f"{len(records)} runs, {len(scenarios)} scenarios: {len(failed)} failed or broken at least once, "
              f"{len(flaky)} flaky, {left} users/keys left behind"]  # fmt: skip
    for name, counts in {**failed, **flaky}.items():
        lines.append(f"- {name}: {dict(counts)}")
    return "\n".join(lines), not failed and not flaky and left == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=int, help="how many whole-suite runs, back to back")
    parser.add_argument("-n", dest="workers", type=int, default=0, help="pytest-xdist workers per run (default none)")
    parser.add_argument("-m", dest="markers", default="", help="only these scenarios (pytest -m), e.g. to validate")
    parser.add_argument("--reruns", type=int, default=0, help="retries per scenario (default 0: every failure shows)")
    parser.add_argument("--out", type=Path, default=None, help="where the runs and soak.json go")
    parser.add_argument("pytest_args", nargs="*", help="after --: more pytest arguments")
    args = parser.parse_args()
    out = args.out or PROJECT_ROOT / "reports" / "soak" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    header(f"soak: {args.runs} whole-suite runs" + (f" with -n {args.workers}" if args.workers else ""))
    status = _status()
    pids = {name: service["pid"] for name, service in status["services"].items()}
    baseline = what_could_grow(status)
    print(f"before: {json.dumps({k: v for k, v in baseline.items() if not isinstance(v, list)})}", flush=True)
    records = [one_run(number, out, args, pids, status) for number in range(1, args.runs + 1)]
    table, clean = summary(records)
    (out / "soak.json").write_text(json.dumps({"baseline": baseline, "runs": [asdict(r) for r in records]}, indent=1))
    (out / "soak.md").write_text(table + "\n")
    print("\n" + table)
    print(f"\nwritten to {out}/soak.json and soak.md; load average now {load_average()}")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
