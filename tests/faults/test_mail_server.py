"""The mail server fails: stopped before the invitation is sent, the application cannot hand over the e-mail and the
scenario is broken with "mail server unavailable" naming the mailbox; stopped after it was sent, the e-mail never
arrives and the scenario is broken naming the mailbox and the wait. Either way the next scenario passes once the
mail server is back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import run_suite

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

FAULTED = "has_the_link"  # The invitation e-mail has the link, the username and an initial password
FOLLOWING = "works_only_once"  # The invitation link works only once (the same feature, next)
INVITES = "an organisation administrator has invited a new external user"


def test_mail_server_stopped_before_the_invitation_is_sent(
    workdir: Path, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run = run_suite(workdir, f"{FAULTED} or {FOLLOWING}", when=f"before:{INVITES}", action="outage:mailpit")
    faulted, following = run.verdict("has the link"), run.verdict("works only once")
    assert faulted.status == "broken", run.tail()
    assert faulted.category == "Environment: mail server unavailable", faulted.message
    assert f"mailbox unavailable: Mailpit at {stack_info['mailpit']['url']}" in faulted.message
    assert "HTTP 502" in faulted.message  # what FAMHP Connect answered, in the step's own error
    assert following.status == "passed", following.message or run.tail()
    fault_timings["mail server stopped before the invitation"] = faulted.stop_s - run.injected_at()


def test_mail_server_stopped_after_the_invitation_was_sent(
    workdir: Path, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    run = run_suite(
        workdir,
        f"{FAULTED} or {FOLLOWING}",
        when=f"after:{INVITES}",
        action="outage:mailpit",
        env={"UAT_MAIL_TIMEOUT_S": "10"},
    )
    faulted, following = run.verdict("has the link"), run.verdict("works only once")
    assert faulted.status == "broken", run.tail()
    assert faulted.category == "Environment: e-mail never arrived", faulted.message
    assert "e-mail never arrived before the mail deadline (UAT_MAIL_TIMEOUT_S = 10 s)" in faulted.message
    assert f"in Mailpit at {stack_info['mailpit']['url']} within 1" in faulted.message  # the mailbox and the wait
    assert following.status == "passed", following.message or run.tail()
    fault_timings["mail server stopped after the invitation"] = faulted.stop_s - run.injected_at()
