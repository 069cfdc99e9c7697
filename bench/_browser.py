"""Raw Playwright for the benchmarks (no page objects of the suite): a Chromium, Keycloak sign-in by
`body[data-page-id]` and Keycloak's element ids, and one-time codes for the seed administrator that never reuse
a time step the suite (or another benchmark) used.

The step record is the suite's documented shared file (support/otp_ledger.py `shared_step_ledger`):
`<tmp>/famhp-uat/otp-steps-<sha256("<keycloak_url>|<realm>")[:16]>.json`, under an exclusive flock on the
sibling `.lock`, mapping `sha256("famhp-uat-totp-step:" + base32 secret)[:32]` to the last step used.
It is re-implemented here (a dozen lines) so that the bare scripts do not import the suite.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from html import unescape
from pathlib import Path

import pyotp
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
PERIOD_S = 30
LOOK_AROUND = 1


def launch(playwright: Playwright) -> Browser:
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    own = any(cache.glob("chromium-*/chrome-linux*/chrome"))
    executable = os.environ.get("UAT_BROWSER_EXECUTABLE") or (None if own else shutil.which("chromium"))
    kwargs: dict = {"args": CHROMIUM_ARGS}
    if executable:
        kwargs["executable_path"] = executable
    return playwright.chromium.launch(**kwargs)


# ---- one-time codes that never reuse a step ---------------------------------------------------------------


class SharedSteps:
    """The seed administrator's used TOTP steps, shared with the suite's processes on this machine."""

    def __init__(self, keycloak_url: str, realm: str, base32_secret: str) -> None:
        key = hashlib.sha256(f"{keycloak_url}|{realm}".encode()).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / "famhp-uat" / f"otp-steps-{key}.json"
        self.secret = base32_secret
        self.key = hashlib.sha256(b"famhp-uat-totp-step:" + base32_secret.encode()).hexdigest()[:32]

    def _locked(self, choose):  # type: ignore[no-untyped-def]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                steps = json.loads(self.path.read_text()) if self.path.exists() else {}
                result, changed = choose(steps)
                if changed:
                    self.path.write_text(json.dumps(steps))
                return result
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def last(self) -> int | None:
        return self._locked(lambda steps: (steps.get(self.key), False))

    def code(self) -> str | None:
        """A code of a step nobody used, within look-around 1; None when both acceptable steps are used."""

        def choose(steps: dict) -> tuple[str | None, bool]:
            current = int(time.time() // PERIOD_S)
            last = steps.get(self.key)
            step = current if last is None else max(current, last + 1)
            if step > current + LOOK_AROUND:
                return None, False
            steps[self.key] = step
            return pyotp.TOTP(self.secret).generate_otp(step), True

        return self._locked(choose)

    def wait_until_fresh(self, budget_s: float = 70.0) -> float:
        """Bench pacing, outside every timed region: wait until the current step is unused, so that a run
        finds two usable steps and never has to wait inside its timing. Returns the seconds waited."""
        waited = 0.0
        while (last := self.last()) is not None and last >= int(time.time() // PERIOD_S) and waited < budget_s:
            pause = min(PERIOD_S - time.time() % PERIOD_S + 0.05, budget_s - waited)
            time.sleep(pause)  # bench pacing between runs, never inside a measurement
            waited += pause
        return waited


# ---- Keycloak screens by page id ------------------------------------------------------------------------------

_PAGE_ID_IN = "ids => document.body !== null && ids.includes(document.body.dataset.pageId || '')"


def page_id(page: Page) -> str:
    return page.locator("body").get_attribute("data-page-id", timeout=TIMEOUT_MS) or ""


def wait_for_page_id(page: Page, *ids: str) -> str:
    page.wait_for_function(_PAGE_ID_IN, arg=list(ids), timeout=TIMEOUT_MS, polling=100)
    return page_id(page)


def submit(page: Page, button: str) -> None:
    """Click a Keycloak form button and wait for the next document."""
    with page.expect_event("domcontentloaded", timeout=TIMEOUT_MS):
        page.locator(button).click()


def sign_in(page: Page, email: str, password: str, steps: SharedSteps | None = None) -> None:
    """On a Keycloak login screen: username (identity-first) or password page, then the OTP when asked."""
    shown = wait_for_page_id(page, "login-login-username", "login-login")
    if shown == "login-login-username":
        page.locator("#username").fill(email)
        submit(page, "#kc-login")
        wait_for_page_id(page, "login-login")
    if page.locator("#username").count():
        page.locator("#username").fill(email)
    page.locator("#password").fill(password)
    submit(page, "#kc-login")
    if steps is not None and page_id(page) == "login-login-otp":
        code = steps.code()
        if code is None:
            raise RuntimeError("no unused TOTP step for the seed administrator; call wait_until_fresh() first")
        page.locator("#otp").fill(code)
        submit(page, "#kc-login")
        if page_id(page) == "login-login-otp":
            raise RuntimeError("Keycloak refused the seed administrator's one-time code")


# ---- sign-in over HTTP, the session in the browser context -------------------------------------------------------

_FORM = re.compile(r'<form[^>]*\baction="([^"]+)"', re.S)
_PAGE_ID = re.compile(r'<body[^>]*\bdata-page-id="([^"]*)"', re.S)


def sign_in_over_http(context: BrowserContext, start_url: str, email: str, password: str, steps: SharedSteps) -> None:
    """What the suite does for a sign-in that is set-up, in a dozen raw lines: the application's code flow through
    Keycloak's forms with the context's own HTTP client (`context.request` shares the browser's cookies), so the
    browser then opens `start_url` signed in."""
    response = context.request.get(start_url)
    for _ in range(6):
        html = response.text()
        shown = (_PAGE_ID.search(html) or [None, ""])[1]
        if not shown.startswith("login-"):
            return
        action = unescape(_FORM.search(html).group(1))  # type: ignore[union-attr]
        if shown == "login-login-username":
            fields = {"username": email}
        elif shown == "login-login":
            fields = {"username": email, "password": password} if 'name="username"' in html else {"password": password}
        elif shown == "login-login-otp":
            code = steps.code()
            if code is None:
                raise RuntimeError("no unused TOTP step for the seed administrator; call wait_until_fresh() first")
            fields = {"otp": code}
        else:
            raise RuntimeError(f"Keycloak asks {shown!r}, which the bare HTTP sign-in does not answer")
        response = context.request.post(action, form=fields)
    raise RuntimeError("the bare HTTP sign-in did not end")
