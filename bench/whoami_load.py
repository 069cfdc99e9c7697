"""Benchmark: requests/s and latency (median, p95) of `GET /api/v1/whoami` with a valid API key on the
reference apps, and the apps process's RSS before and after the load.

Target: no event-loop blocking: p95 with 8 clients <= 2x the p95 with one client (medians of alternating phases of
the same tool in one run; judged on wrk when installed, because a pool of Python clients measures itself too).

    .venv/bin/python bench/whoami_load.py [--seconds 5] [--repeats 3] [--concurrency 8] [--tool both|httpx|wrk]

The key is created as a person would: the seed organisation administrator (`uat stack status --json`
seed_users[0]) signs in with Playwright (password + TOTP) and creates it in FAMHP Connect ("API Keys" ->
"Create API key" -> Save, secret read once); it is revoked the same way at the end and checked to get 401.
Each load phase is bounded (<= 30 s) and targets only the loopback apps URL. With `wrk` installed
(`apt-get install -y wrk`) both a Python thread pool of httpx clients and wrk run, one after the other, each
with one client and then with `--concurrency` clients.
"""

from __future__ import annotations

import argparse
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._browser import SharedSteps, launch, sign_in
from bench._common import (
    header,
    load_average,
    median,
    mib,
    percentile,
    require_healthy_stack,
    stack_dir_to_read,
    stack_pids,
    tree_rss,
    verdict,
)

MAX_SECONDS = 30.0
# no event-loop blocking: many clients may queue for the CPU, but not behind one another's database commits
TARGET_P95_RATIO = 2.0
ORGANISATION = "Acme Pharma NV"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%d p95_us=%d p99_us=%d max_us=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def create_key(page: Page, apps: str, admin: dict, steps: SharedSteps, name: str) -> str:
    steps.wait_until_fresh()
    page.goto(f"{apps}/famhp-connect/apikeys/new")
    if "/famhp-connect/" not in page.url:
        sign_in(page, admin["email"], admin["password"], steps)
        page.wait_for_url(re.compile(r"/famhp-connect/apikeys/new"))
    page.locator("#name").fill(name)
    page.locator("#organization").select_option(label=ORGANISATION)
    page.get_by_role("button", name="Save").click()
    secret = page.get_by_test_id("api-key-secret").inner_text().strip()
    if not secret.startswith("famhp_"):
        raise RuntimeError("the created-key page showed no secret")
    return secret


def revoke_key(page: Page, apps: str, name: str) -> None:
    page.goto(f"{apps}/famhp-connect/apikeys")
    named = page.get_by_test_id("api-key-name").get_by_text(name, exact=True)
    row = page.get_by_test_id("api-key-row").filter(has=named)
    row.get_by_role("button", name="Revoke").click()
    page.get_by_test_id("revoke-confirmation").get_by_role("button", name="Revoke").click()
    page.wait_for_url(re.compile(r"/famhp-connect/apikeys$"))


def httpx_load(url: str, secret: str, seconds: float, concurrency: int) -> dict:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = threading.Barrier(concurrency + 1)
    deadline_box = [0.0]  # set just before the barrier opens

    def worker(i: int) -> None:
        with httpx.Client(headers={"X-API-Key": secret}, timeout=10) as client:
            client.get(url)  # connect outside the measurement
            start.wait()
            mine, deadline = latencies[i], deadline_box[0]
            while (t0 := time.perf_counter()) < deadline:
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - t0)
                if not ok:
                    errors[i] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # bench setup: let every client connect before the clock starts
    deadline_box[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for t in threads:
        t.join(timeout=seconds + 15)
    elapsed = time.perf_counter() - began
    flat = [x for per in latencies for x in per]
    return {
        "requests": len(flat),
        "errors": sum(errors),
        "rps": len(flat) / elapsed,
        "p50_ms": median(flat) * 1000,
        "p95_ms": percentile(flat, 95) * 1000,
        "p99_ms": percentile(flat, 99) * 1000,
    }


def wrk_load(url: str, secret: str, seconds: float, concurrency: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t",
                "1",
                "-c",
                str(concurrency),
                "-d",
                f"{int(seconds)}s",
                "--timeout",
                "10s",
                "-H",
                f"X-API-Key: {secret}",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    pct = dict(re.findall(r"(p\d+|max)_us=(\d+)", out))
    return {
        "requests": total,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
        "rps": rps,
        "p50_ms": int(pct["p50"]) / 1000,
        "p95_ms": int(pct["p95"]) / 1000,
        "p99_ms": int(pct["p99"]) / 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="per load phase, at most 30 (default 5)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients/connections (default 8)")
    parser.add_argument("--tool", choices=("both", "httpx", "wrk"), default="both")
    parser.add_argument("--repeats", type=int, default=3, help="alternating 1-client and N-client phases per tool")
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)
    stack_dir = stack_dir_to_read()
    status = require_healthy_stack()
    apps = status["apps"]["base_url"].rstrip("/")
    url = f"{apps}/api/v1/whoami"
    admin = status["seed_users"][0]
    steps = SharedSteps(status["keycloak"]["url"], status["keycloak"]["realm"], admin["totp_secret"])
    tools = ["httpx", "wrk"] if args.tool == "both" else [args.tool]
    if "wrk" in tools and not shutil.which("wrk"):
        print("wrk is not installed (apt-get install -y wrk): running the httpx pool only")
        tools = [t for t in tools if t != "wrk"]

    header(f"GET /api/v1/whoami under load ({seconds:.0f} s per phase, concurrency {args.concurrency})")
    name = f"bench-whoami-{secrets.token_hex(3)}"
    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_context().new_page()
        page.set_default_timeout(15_000)
        secret = create_key(page, apps, admin, steps, name)
        print(f"created API key {name!r} in {ORGANISATION} through FAMHP Connect (secret not shown)")
        try:
            with httpx.Client(headers={"X-API-Key": secret}) as client:
                first = client.get(url)
                assert first.status_code == 200, f"whoami answered {first.status_code}: {first.text[:200]}"
                for _ in range(50):  # warm-up
                    client.get(url)
            # where the time goes: one client, one request at a time, whoami (reads + writes "last used")
            # against /healthz (no database): the difference is the endpoint's own cost
            probes = (("healthz", "/healthz", {}), ("whoami", "/api/v1/whoami", {"X-API-Key": secret}))
            for label, path, headers in probes:
                with httpx.Client(headers=headers) as client:
                    times = []
                    until = time.perf_counter() + 4.0
                    while (t0 := time.perf_counter()) < until:
                        client.get(f"{apps}{path}")
                        times.append(time.perf_counter() - t0)
                print(
                    f"sequential {label:<8} {len(times) / 4.0:6.1f} req/s  p50 {median(times) * 1000:6.1f} ms  "
                    f"p95 {percentile(times, 95) * 1000:6.1f} ms  (1 client, 4 s)"
                )
            apps_pid = stack_pids(stack_dir)["apps"]
            print(f"apps RSS before the load: {mib(tree_rss([apps_pid]))} (pid {apps_pid})\n", flush=True)
            for tool in tools:
                p95: dict[int, list[float]] = {1: [], args.concurrency: []}
                for repeat in range(args.repeats):
                    order = (1, args.concurrency) if repeat % 2 == 0 else (args.concurrency, 1)
                    for clients in order:  # the same tool with one client and with many, alternating
                        load = load_average()
                        result = (httpx_load if tool == "httpx" else wrk_load)(url, secret, seconds, clients)
                        p95[clients].append(result["p95_ms"])
                        extra = f", socket errors {result['socket_errors']}" if "socket_errors" in result else ""
                        print(
                            f"{tool:<5} {clients:2d} client(s) {result['rps']:8.1f} req/s  "
                            f"p50 {result['p50_ms']:6.1f} ms  "
                            f"p95 {result['p95_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
                            f"({result['requests']} requests, {result['errors']} non-200{extra})  load before {load}"
                        )
                print(f"      apps RSS after the {tool} phases: {mib(tree_rss([apps_pid]))}", flush=True)
                ratio = median(p95[args.concurrency]) / median(p95[1])
                judged = "wrk" if "wrk" in tools else "httpx"  # wrk measures the server; a Python pool, itself too
                print(
                    f"{tool:<5} median p95 at {args.concurrency} clients {median(p95[args.concurrency]):.1f} ms / "
                    f"at 1 client {median(p95[1]):.1f} ms: {ratio:.2f}  "
                    + (verdict(ratio, TARGET_P95_RATIO, "") if tool == judged else "(diagnostic)")
                    + "\n",
                    flush=True,
                )
        finally:
            revoke_key(page, apps, name)
            refused = httpx.get(url, headers={"X-API-Key": secret}).status_code
            print(f"\nrevoked {name!r} through FAMHP Connect; whoami now answers {refused}")
            browser.close()
    print(f"load average at end {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
