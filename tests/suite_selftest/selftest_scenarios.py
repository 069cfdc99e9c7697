"""The self-test scenarios and their steps. SELFTEST_STATE_DIR holds the attempt counter of the flaky scenario;
SELFTEST_PASSWORD is the secret every scenario uses, as a real one uses a user's password (both set by runner.py)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import allure
from pytest_bdd import given, scenarios, then

from support.mail.base import MailTimeout
from support.secrets import Secret

scenarios(".")


@given("a scenario")
def a_scenario() -> None:
    Secret(os.environ["SELFTEST_PASSWORD"])  # known to the run, so the artifact scan looks for it


@then("it passes")
def it_passes() -> None:
    pass


@then("it fails")
def it_fails() -> None:
    assert 1 + 1 == 3, "the product answered 2"


@then("it fails on its first attempt only")
def fails_on_first_attempt() -> None:
    counter = Path(os.environ["SELFTEST_STATE_DIR"]) / "flaky-attempts"
    attempt = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(attempt))
    assert attempt > 1, f"attempt {attempt} fails on purpose"


@then("the invitation e-mail never arrives")
def mail_never_arrives() -> None:
    raise MailTimeout("no message to uat+x@famhp-uat.test with subject 'Confirm your invitation' within 1 s")


@then("a step has a bug")
def buggy_step() -> None:
    page_object = None
    page_object.accept_terms()  # type: ignore[attr-defined]  # the defect the category must recognise


@given("a password known to the run", target_fixture="known_password")
def known_password() -> Secret:
    return Secret(os.environ["SELFTEST_PASSWORD"])


@then("the step attaches it without masking")
def attach_unmasked(known_password: Secret) -> None:
    allure.attach(f"password={known_password.reveal()}", name="careless attachment")


@then("an assertion on its length fails")
def assert_on_length(known_password: Secret) -> None:
    assert len(known_password.reveal()) > 100  # pytest explains: where 22 = len('<the password>')


@then("a comparison with it fails")
def compare_with_it(known_password: Secret) -> None:
    assert known_password.reveal() == "another password"  # pytest shows both strings and their difference


def _print_and_log(known_password: Secret) -> None:
    print(f"stdout: the password is {known_password.reveal()}")
    print(f"stderr: the password is {known_password.reveal()}", file=sys.stderr)
    logging.getLogger("uat.selftest").warning("child logger: the password is %s", known_password.reveal())


@then("the step prints and logs it and fails")
def print_log_and_fail(known_password: Secret) -> None:
    _print_and_log(known_password)
    raise AssertionError("failed after printing")


@then("the step prints and logs it")
def print_and_log(known_password: Secret) -> None:
    _print_and_log(known_password)
