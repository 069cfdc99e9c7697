"""A slow network: latency on the browser's requests (Chromium's network emulation over CDP) and on the mailbox's
API (a proxy in between). Within the deadlines the scenarios pass; beyond them they are broken, and the message names
the deadline that ran out (its setting and value) and what was still loading."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.faults.harness import run_suite, uat
from tests.faults.latency_proxy import LatencyProxy

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

BROWSER_SCENARIO = "direct_link_asks_to_sign_in"  # The direct link asks to sign in and then opens VAMREG
MAIL_SCENARIO = "has_the_link"


def test_browser_latency_within_the_ui_deadline_passes(workdir: Path) -> None:
    run = run_suite(workdir, BROWSER_SCENARIO, action="latency:400")
    assert run.injections, run.tail()
    assert run.verdict("direct link asks").status == "passed", run.tail()


def test_browser_latency_beyond_the_ui_deadline_is_broken_naming_it(
    workdir: Path, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run = run_suite(workdir, BROWSER_SCENARIO, action="latency:20000", env={"UAT_UI_TIMEOUT_MS": "8000"})
    verdict = run.verdict("direct link asks")
    assert verdict.status == "broken", run.tail()
    assert verdict.category == "Environment: a deadline exceeded (the target answered too slowly)", verdict.message
    assert "the UI deadline (UAT_UI_TIMEOUT_MS = 8000 ms) ran out" in verdict.message
    loading = (stack_info["apps"]["base_url"], stack_info["keycloak"]["url"])
    assert any(f"still answering GET {address}/" in verdict.message for address in loading), verdict.message
    fault_timings["browser latency beyond the UI deadline"] = verdict.stop_s - run.injected_at()


def _mailpit(stack_info: dict) -> tuple[str, int]:
    address = urlsplit(stack_info["mailpit"]["url"])
    return address.hostname or "localhost", address.port or 80


def test_mailbox_latency_within_the_mail_deadline_passes(workdir: Path, stack_info: dict) -> None:
    with LatencyProxy(*_mailpit(stack_info), latency_s=1.0) as slow_mailbox:
        run = run_suite(workdir, MAIL_SCENARIO, env={"UAT_MAILPIT_URL": slow_mailbox.url})
    assert run.verdict("has the link").status == "passed", run.tail()


def test_mailbox_latency_beyond_the_mail_deadline_is_broken_naming_it(
    workdir: Path, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    with LatencyProxy(*_mailpit(stack_info), latency_s=12.0) as slow_mailbox:
        slow = {"UAT_MAILPIT_URL": slow_mailbox.url, "UAT_MAIL_TIMEOUT_S": "15"}
        started = run_suite(workdir, MAIL_SCENARIO, env=slow)
        verdict = started.verdict("has the link")
    assert verdict.status == "broken", started.tail()
    assert verdict.category == "Environment: e-mail never arrived", verdict.message
    assert "before the mail deadline (UAT_MAIL_TIMEOUT_S = 15 s)" in verdict.message
    assert f"in Mailpit at {slow_mailbox.url} within 1" in verdict.message
    assert "last error while reading:" in verdict.message  # the mailbox answered too slowly, not without the mail
    fault_timings["mailbox latency beyond the mail deadline"] = verdict.stop_s - started.started
    # the mail that did arrive meanwhile, and anything else the run could not remove through the slow mailbox
    cleanup = uat("cleanup")
    assert cleanup.returncode == 0, cleanup.stdout + cleanup.stderr
