"""How soon the suite knows which Keycloak screen the browser shows: the lag from the document's DOMContentLoaded
to the return of `KeycloakScreens.wait_for_one_of` (event-driven) against the former wait (a page-id check every
100 ms), and the time to a verdict when another screen shows than the one expected (fail fast against the whole
deadline). Uses only the sign-in screen of the running stack (reached from the portal); creates nothing."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._browser import launch
from bench._common import header, load_average, percentile, require_healthy_stack
from pages.keycloak import KeycloakScreens, LoginPage, LoginUsernamePage, TermsPage, UnexpectedPageError

# the wait the suite used before (pages/keycloak/base.py at i10-base): the page id, checked every 100 ms
POLLED_PAGE_ID_IN = "ids => document.body !== null && ids.includes(document.body.dataset.pageId)"
SIGN_IN_IDS = [LoginUsernamePage.PAGE_ID, LoginPage.PAGE_ID]
DCL_EPOCH_MS = "() => performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"


def polled(page: Page, ids: list[str], timeout_ms: float) -> None:
    page.wait_for_function(POLLED_PAGE_ID_IN, arg=ids, polling=100, timeout=timeout_ms)


def lag_after_dcl_ms(page: Page, url: str, wait: Callable[[], object]) -> float:
    """Open the sign-in screen, wait as told from the commit on, and give how long after DOMContentLoaded the
    wait returned (both clocks are this machine's)."""
    page.goto(url, wait_until="commit")
    wait()
    returned = time.time() * 1000
    return returned - float(page.evaluate(DCL_EPOCH_MS))


def verdict_s(page: Page, url: str, wait: Callable[[], object]) -> float:
    """Open the sign-in screen and time a wait for the terms screen until it fails."""
    page.goto(url, wait_until="commit")
    started = time.monotonic()
    try:
        wait()
    except (PlaywrightTimeoutError, UnexpectedPageError):
        return time.monotonic() - started
    raise AssertionError("the wait for the terms screen passed on the sign-in screen")


def summary(name: str, values: list[float], unit: str) -> str:
    return (
        f"{name:<34} median {statistics.median(values):8.1f} {unit}   p95 {percentile(values, 95):8.1f} {unit}"
        f"   min {min(values):8.1f}   max {max(values):8.1f}   (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="sign-in screen loads per variant (alternating)")
    parser.add_argument("--wrong-rounds", type=int, default=3, help="wrong-screen verdicts per variant")
    parser.add_argument("--deadline-ms", type=float, default=15_000, help="the screen deadline (suite default)")
    args = parser.parse_args()
    status = require_healthy_stack()
    # the portal answers 302 to Keycloak, which renders the sign-in screen: one document, whose commit starts the
    # wait (the account console would redirect with JavaScript, and Playwright reruns a wait whose document was
    # replaced only 100 ms later, which the suite's waits avoid by starting after the next DOMContentLoaded)
    url = f"{status['apps']['base_url']}/portal"
    header("Keycloak screen waits: event-driven vs 100 ms polling; wrong-screen verdict vs the deadline")
    print(f"login theme {status.get('login_theme') or 'keycloak.v2'}; target {url}\n", flush=True)

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context().new_page()
        screens = KeycloakScreens(page, args.deadline_ms)
        lags: dict[str, list[float]] = {"event-driven (suite)": [], "polling every 100 ms (before)": []}
        variants: dict[str, Callable[[], object]] = {
            "event-driven (suite)": lambda: screens.wait_for_one_of(LoginUsernamePage, LoginPage),
            "polling every 100 ms (before)": lambda: polled(page, SIGN_IN_IDS, args.deadline_ms),
        }
        lag_after_dcl_ms(page, url, variants["event-driven (suite)"])  # warm-up, not counted
        for _ in range(args.rounds):
            for name, wait in variants.items():
                lags[name].append(lag_after_dcl_ms(page, url, wait))
        verdicts: dict[str, list[float]] = {"fail fast (suite)": [], "until the deadline (before)": []}
        wrong: dict[str, Callable[[], object]] = {
            "fail fast (suite)": lambda: screens.wait_for(TermsPage),
            "until the deadline (before)": lambda: polled(page, [TermsPage.PAGE_ID], args.deadline_ms),
        }
        for _ in range(args.wrong_rounds):
            for name, wait in wrong.items():
                verdicts[name].append(verdict_s(page, url, wait))
        browser.close()

    print("from DOMContentLoaded of the sign-in screen to the wait's return:")
    for name, values in lags.items():
        print("  " + summary(name, values, "ms"))
    before, after = (
        statistics.median(values) for values in (lags["polling every 100 ms (before)"], lags["event-driven (suite)"])
    )
    print(f"  median lag saved per screen: {before - after:.1f} ms")
    print(f"\nwaiting for the terms screen while the sign-in screen shows (deadline {args.deadline_ms / 1000:.0f} s):")
    for name, values in verdicts.items():
        print("  " + summary(name, values, "s"))
    print(f"\nload average at end {load_average()}")


if __name__ == "__main__":
    main()
