"""Benchmark: the suite's onboarding scenario "Activate the account by scanning the QR code" run through pytest
versus a bare Playwright script doing the same clicks, in alternating pairs; the ratio of the medians of their
wall times (whole process, start to exit) is the framework's overhead.

Target: ratio of medians <= 1.15.

    .venv/bin/python bench/onboarding_ratio.py [--pairs 5] [--explain]

Suite side: `python -m pytest features -q -k activate_the_account_by_scanning --durations=5` (the suite's page
objects, fixtures, tracing, Allure, clean-up). Bare side: `python bench/onboarding_ratio.py --bare-once http`, raw
Playwright only (no page objects, no fixtures): the seed administrator signs in as the suite does by default, over
HTTP (`context.request` through Keycloak's forms: username, password, TOTP; the cookies are the browser context's),
or with `--bare-once browser` in the browser (identity-first: username, then password, then TOTP), and invites a
user in FAMHP Connect; the invitation is read from the Mailpit API; the link is
opened (login_hint: the password page directly); the QR code is read with zxing-cpp and pyotp; terms (#kc-accept);
new password (#password-new, #password-confirm, #kc-submit); the portal's tiles are checked; the user is deleted
through the Keycloak admin API and the mail through the Mailpit API, as the suite cleans up.

Between runs (never inside a timing) the harness waits until the seed administrator's current TOTP step is
unused in the suite's shared step record, so that neither side ever waits for a code inside its measurement.
Needs the bench stack with mail backend mailpit.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    PROJECT_ROOT,
    PYTHON,
    header,
    load_average,
    median,
    require_healthy_stack,
    stack_dir_to_read,
    stack_pids,
    verdict,
)
from bench.suite_cpu import run_measured, tree_cpu

TARGET_RATIO = 1.15
SCENARIO_K = "activate_the_account_by_scanning"
RUN_TIMEOUT_S = 300.0
ROLES = ("IAM_API_KEY_MANAGER", "VAMREG_USER")
ORGANISATION = "Acme Pharma NV"
SUBJECT = "Confirm your invitation"
MAIL_POLL_S = 0.2  # the suite's reader polls every 0.2 s too: the comparison is about the framework


# ---- the bare script ------------------------------------------------------------------------------------------


def bare_once(admin_over_http: bool) -> dict:
    import secrets
    import string

    import httpx
    import pyotp
    import zxingcpp
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    from bench._browser import SharedSteps, launch, sign_in, sign_in_over_http, submit, wait_for_page_id

    t0 = time.perf_counter()
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = time.perf_counter() - t0

    status = json.loads(
        subprocess.run(
            [str(PROJECT_ROOT / ".venv/bin/uat"), "stack", "status", "--json"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )
    apps = status["apps"]["base_url"].rstrip("/")
    mailpit = status["mailpit"]["url"].rstrip("/")
    kc = status["keycloak"]
    admin = status["seed_users"][0]
    steps = SharedSteps(kc["url"], kc["realm"], admin["totp_secret"])
    email = f"bench+onb-{uuid.uuid4().hex[:10]}@famhp-uat.test"
    mark("status")

    with sync_playwright() as pw:
        browser = launch(pw)
        mark("browser")
        # the administrator invites
        admin_context = browser.new_context()
        admin_page = admin_context.new_page()
        admin_page.set_default_timeout(15_000)
        if admin_over_http:  # as the suite does by default: the administrator's sign-in is set-up
            sign_in_over_http(admin_context, f"{apps}/famhp-connect", admin["email"], admin["password"], steps)
            admin_page.goto(f"{apps}/famhp-connect/users/invite")
        else:
            admin_page.goto(f"{apps}/famhp-connect/users/invite")
            sign_in(admin_page, admin["email"], admin["password"], steps)
        admin_page.locator("#email").fill(email)
        admin_page.locator("#first_name").fill("Eva")
        admin_page.locator("#last_name").fill("Peeters")
        admin_page.locator("#organization").select_option(label=ORGANISATION)
        for role in ROLES:
            admin_page.locator(f"#role-{role}").check()
        with admin_page.expect_navigation():
            admin_page.get_by_role("button", name="Send invitation").click()
        if "/users/invite" in admin_page.url:
            raise RuntimeError("the invitation was refused")
        mark("invited")

        # the invitation e-mail, from the Mailpit API (exact recipient)
        with httpx.Client(base_url=mailpit, timeout=10) as mail:
            deadline = time.monotonic() + 30
            while True:
                found = mail.get("/api/v1/search", params={"query": f'to:"{email}"'}).json()
                hits = [
                    m
                    for m in found.get("messages") or []
                    if any(a["Address"].lower() == email for a in m.get("To") or []) and m.get("Subject") == SUBJECT
                ]
                if hits:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("no invitation e-mail within 30 s")
                time.sleep(MAIL_POLL_S)  # poll interval of a deadline-bound wait, as the suite's reader
            message = mail.get(f"/api/v1/message/{hits[0]['ID']}").json()
            text = message["Text"]
            link = re.search(r"Confirm your invitation: (\S+)", text).group(1)
            initial_password = re.search(r"Initial password: (\S+)", text).group(1)
            mark("mail")

            # the newcomer, in their own browser context
            page = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(15_000)
            page.goto(link)
            sign_in(page, email, initial_password)  # login_hint: the password page directly
            wait_for_page_id(page, "login-login-config-totp")
            png = page.locator("#kc-totp-secret-qr-code").screenshot(animations="disabled")
            uri = zxingcpp.read_barcodes(Image.open(BytesIO(png)).convert("L"))[0].text
            totp = pyotp.parse_uri(uri)
            page.locator("#totp").fill(totp.now())
            submit(page, "#saveTOTPBtn")
            wait_for_page_id(page, "login-terms")
            submit(page, "#kc-accept")
            wait_for_page_id(page, "login-login-update-password")
            new_password = "Aa1#" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(16))
            page.locator("#password-new").fill(new_password)
            page.locator("#password-confirm").fill(new_password)
            submit(page, "#kc-submit")
            try:
                expect(page.get_by_test_id("portal-user-name")).to_be_visible()
                expect(page.get_by_test_id("application-name")).to_have_text(["FAMHP Connect", "VAMREG"])
            except AssertionError:
                shown = page.locator("[data-testid]").evaluate_all(
                    "els => els.map(e => e.dataset.testid + '=' + e.textContent.trim().slice(0, 60))"
                )
                print(f"portal check failed at {page.url}: {shown}", file=sys.stderr)
                raise
            mark("portal")

            # clean-up, as the suite does: the account (Keycloak admin API) and the mail (Mailpit API)
            mail.request("DELETE", "/api/v1/messages", json={"IDs": [hits[0]["ID"]]})
        with httpx.Client(base_url=kc["url"], timeout=10) as kc_http:
            token = kc_http.post(
                "/realms/master/protocol/openid-connect/token",
                data={
                    "grant_type": "password",
                    "client_id": "admin-cli",
                    "username": kc["admin_username"],
                    "password": kc["admin_password"],
                },
            ).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            users = kc_http.get(
                f"/admin/realms/{kc['realm']}/users", params={"email": email, "exact": "true"}, headers=auth
            ).json()
            for user in users:
                kc_http.delete(f"/admin/realms/{kc['realm']}/users/{user['id']}", headers=auth)
        mark("cleanup")
        browser.close()
    mark("end")
    return marks


# ---- the harness ---------------------------------------------------------------------------------------------


@dataclass
class Timed:
    seconds: float
    returncode: int
    stdout: str
    cpu_s: float  # the command's process tree and the stack's services during it


def timed(cmd: list[str]) -> Timed:
    """Wall time, and CPU-seconds of the run's processes and the stack's (the steadier figure on a loaded machine)."""
    services = stack_pids(stack_dir_to_read())
    stack_before = sum(tree_cpu(pid) for pid in services.values())
    measured = run_measured(cmd, PROJECT_ROOT)
    stack_cpu = sum(tree_cpu(pid) for pid in services.values()) - stack_before
    return Timed(measured.wall_s, measured.exit_code, measured.output, measured.cpu_s + stack_cpu)


def suite_cmd(extra: list[str]) -> list[str]:
    return [PYTHON, "-m", "pytest", "features", "-q", "-k", SCENARIO_K, "--durations=5", *extra]


def pytest_phases(out: str) -> str:
    phases = re.findall(r"^([\d.]+)s (setup|call|teardown)\s+\S*" + SCENARIO_K, out, flags=re.M)
    return " ".join(f"{name} {float(sec):.1f}" for sec, name in phases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument(
        "--explain", action="store_true", help="after the pairs, one more suite run with per-step timings (not counted)"
    )
    parser.add_argument(
        "--also-untraced",
        action="store_true",
        help="diagnostic: each pair also runs the suite with --uat-trace off (a third, interleaved "
        "variant, reported apart; the ratio stays suite vs bare)",
    )
    parser.add_argument(
        "--also-browser-bare",
        action="store_true",
        help="diagnostic: each pair also runs the bare script with the administrator signing in through the browser "
        "(the bare script before the suite signed set-up sessions in over HTTP), reported apart",
    )
    parser.add_argument("--bare-once", choices=("http", "browser"), help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args()
    if args.bare_once:
        print("BARE " + json.dumps(bare_once(admin_over_http=args.bare_once == "http")))
        return 0

    from bench._browser import SharedSteps

    status = require_healthy_stack(mail="mailpit")
    kc, admin = status["keycloak"], status["seed_users"][0]
    steps = SharedSteps(kc["url"], kc["realm"], admin["totp_secret"])
    header(f"onboarding scenario: pytest vs bare Playwright, {args.pairs} alternating pairs")
    print(f"suite: {' '.join(suite_cmd(extra)[1:])}")
    print("bare:  python bench/onboarding_ratio.py --bare-once http\n", flush=True)
    walls: dict[str, list[float]] = {"suite": [], "bare": [], "untraced": [], "bare-browser": []}
    cpus: dict[str, list[float]] = {side: [] for side in walls}
    failures = 0
    for i in range(args.pairs):
        order: tuple[str, ...] = ("suite", "bare") if i % 2 == 0 else ("bare", "suite")
        if args.also_untraced:
            order = (("suite", "untraced", "bare"), ("bare", "suite", "untraced"), ("untraced", "bare", "suite"))[i % 3]
        if args.also_browser_bare:
            order = (*order, "bare-browser") if i % 2 == 0 else ("bare-browser", *order)
        row: dict[str, str] = {}
        for side in order:
            waited = steps.wait_until_fresh()  # outside the timing
            load = load_average()
            cmd = {
                "suite": suite_cmd(extra),
                "untraced": [*suite_cmd(extra), "--uat-trace", "off"],
                "bare": [PYTHON, __file__, "--bare-once", "http"],
                "bare-browser": [PYTHON, __file__, "--bare-once", "browser"],
            }[side]
            done = timed(cmd)
            ok = done.returncode == 0
            if side in ("suite", "untraced"):
                detail = pytest_phases(done.stdout)
            else:
                found = re.search(r"^BARE (.*)$", done.stdout, flags=re.M)
                marks = json.loads(found.group(1)) if found else {}
                detail = " ".join(f"{k} {v:.1f}" for k, v in marks.items())
            if ok:
                walls[side].append(done.seconds)
                cpus[side].append(done.cpu_s)
            else:
                failures += 1
                tail = done.stdout.strip().splitlines()[-25:]
                print(f"!! {side} run failed (exit {done.returncode}):\n" + "\n".join(tail))
            row[side] = (
                f"{done.seconds:6.1f} s, {done.cpu_s:5.1f} s CPU{'' if ok else ' FAILED'} "
                f"(load {load}; otp pacing {waited:.0f} s before) [{detail}]"
            )
        ratio = ""
        if "FAILED" not in row["suite"] + row["bare"]:
            ratio = (
                f"  ratio {walls['suite'][-1] / walls['bare'][-1]:.2f} (CPU {cpus['suite'][-1] / cpus['bare'][-1]:.2f})"
            )
        print(
            f"pair {i + 1} ({order[0]} first){ratio}\n" + "\n".join(f"  {side:<12} {row[side]}" for side in order),
            flush=True,
        )

    if walls["suite"] and walls["bare"]:
        ratio = median(walls["suite"]) / median(walls["bare"])
        print(
            f"\nmedian suite {median(walls['suite']):.1f} s, median bare {median(walls['bare']):.1f} s "
            f"({len(walls['suite'])}/{len(walls['bare'])} good runs): ratio of medians {ratio:.2f}  "
            f"{verdict(ratio, TARGET_RATIO, '')}"
        )
        print(
            f"CPU (the runs' processes and the stack's): median suite {median(cpus['suite']):.1f} s, median bare "
            f"{median(cpus['bare']):.1f} s: ratio of medians {median(cpus['suite']) / median(cpus['bare']):.2f}"
        )
    for side, what in (("bare-browser", "bare with the administrator signing in through the browser"),
                       ("untraced", "suite with --uat-trace off")):  # fmt: skip
        if walls[side] and walls["suite"] and walls["bare"]:
            print(
                f"diagnostic: median {what} {median(walls[side]):.1f} s ({median(cpus[side]):.1f} s CPU); "
                f"suite / it {median(walls['suite']) / median(walls[side]):.2f}, "
                f"it / bare {median(walls[side]) / median(walls['bare']):.2f}"
            )
    if args.explain:
        steps.wait_until_fresh()
        done = timed([*suite_cmd(extra), "-p", "bench._step_timer"])
        section = done.stdout.split("step timer", 1)[-1].strip().splitlines()
        print(f"\nexplain: one more suite run ({done.seconds:.1f} s, not counted), where its time goes:")
        print("\n".join(line for line in section if line.strip() and not line.startswith("=")))
        print("\n".join(line for line in done.stdout.splitlines() if re.match(r"^[\d.]+s (setup|call|teardown)", line)))
    print(f"\nload average at end {load_average()}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
