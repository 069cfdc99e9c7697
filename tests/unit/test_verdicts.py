"""Environment verdicts without a target: which fault an error, the browser's network and the target's health stand
for (and when the error itself is the verdict), the health wait with its deadline, and the categories the report and
the gate give each fault."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from cli.gate import Attempt, Scenario, category_of, load_category_rules
from support.config import UatConfig
from support.faults import (
    ApplicationError,
    ApplicationUnavailable,
    DeadlineExceeded,
    EnvironmentUnhealthy,
    IdentityProviderUnavailable,
    MailNeverArrived,
    MailServerUnavailable,
)
from support.health import APPLICATION, IDENTITY_PROVIDER, MAILBOX, Probe, ProbeFailed, wait_until_healthy
from support.keycloak_admin import KeycloakAdminError
from support.mail import MailTimeout
from support.network_log import NetworkLog
from support.paths import ALLURE_CONFIG
from support.users.providers.base import InvitationRefused
from support.verdict import VerdictJudge
from tests.unit.reliability_profile import unit_config


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> UatConfig:
    return unit_config(tmp_path_factory.mktemp("profiles"))


def _probe(part: str, name: str, address: str) -> Probe:
    return Probe(part, name, address, lambda: None)


KEYCLOAK_DOWN = (_probe(IDENTITY_PROVIDER, "Keycloak (realm famhp-externals)", "http://kc.test/realms/x"), "refused")
MAILBOX_DOWN = (_probe(MAILBOX, "Mailpit", "http://mail.test"), "ConnectError: [Errno 111] Connection refused")
APPS_DOWN = (_probe(APPLICATION, "FAMHP Connect", "http://apps.test/famhp-connect"), "HTTP 503")


def judge(config: UatConfig, error: BaseException, *down: tuple[Probe, str], network: NetworkLog | None = None) -> Any:
    def health_now() -> Sequence[tuple[Probe, str]]:
        return list(down)

    return VerdictJudge(config, health_now).judge(error, network)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass(eq=False)  # compared and hashed by identity, as Playwright's requests are
class FakeRequest:
    url: str
    method: str = "GET"
    resource_type: str = "document"
    failure: str | None = None


def request(url: str, method: str = "GET", resource_type: str = "document", failure: str | None = None) -> Any:
    return FakeRequest(url, method, resource_type, failure)


def response(url: str, status: int, body: str = "", resource_type: str = "document") -> Any:
    return SimpleNamespace(
        url=url, status=status, status_text={500: "Internal Server Error", 503: "Service Unavailable"}[status],
        request=request(url, resource_type=resource_type), text=lambda: body,
    )  # fmt: skip


# ---- what the error itself says ---------------------------------------------------------------------------------
def test_a_mail_that_never_came_names_the_mail_deadline_and_whether_the_mailbox_answers(config: UatConfig) -> None:
    error = MailTimeout("no e-mail to a@b.test arrived in Mailpit at http://mail.test within 30.0 s (12 polls)")
    verdict = judge(config, error, MAILBOX_DOWN)
    assert isinstance(verdict, MailNeverArrived)
    assert str(verdict).startswith(
        "e-mail never arrived before the mail deadline (UAT_MAIL_TIMEOUT_S = 30 s): no e-mail"
    )
    assert str(verdict).endswith("the mailbox does not answer now: ConnectError: [Errno 111] Connection refused")
    assert "does not answer now" not in str(judge(config, error))


def test_a_refused_connection_to_keycloak_is_the_identity_provider_unavailable(config: UatConfig) -> None:
    error = httpx.ConnectError(
        "[Errno 111] Connection refused", request=httpx.Request("GET", "http://kc.test/realms/x")
    )
    verdict = judge(config, error)
    assert isinstance(verdict, IdentityProviderUnavailable)
    assert "identity provider unavailable: Keycloak (realm famhp-externals) at http://kc.test: ConnectError" in str(
        verdict
    )


def test_the_admin_clients_transport_error_is_found_behind_its_own(config: UatConfig) -> None:
    transport = httpx.ReadTimeout("timed out", request=httpx.Request("GET", "http://kc.test/admin/realms/x/users"))
    try:
        raise KeycloakAdminError("GET http://kc.test/admin/realms/x/users failed: timed out") from transport
    except KeycloakAdminError as error:
        verdict = judge(config, error)
    assert isinstance(verdict, IdentityProviderUnavailable)
    assert "ReadTimeout on http://kc.test/admin/realms/x/users" in str(verdict)


@pytest.mark.parametrize(
    ("down", "fault", "said"),
    [
        ((MAILBOX_DOWN,), MailServerUnavailable, "mailbox unavailable: Mailpit at http://mail.test"),
        ((KEYCLOAK_DOWN,), IdentityProviderUnavailable, "identity provider unavailable: Keycloak"),
        ((), ApplicationUnavailable, "application unavailable (HTTP 502)"),
    ],
)
def test_an_application_answering_502_is_blamed_on_the_part_that_is_down(
    config: UatConfig, down: tuple[tuple[Probe, str], ...], fault: type, said: str
) -> None:
    error = InvitationRefused("FAMHP Connect refused to invite x@y.test into 'Acme' (HTTP 502): could not be completed")
    verdict = judge(config, error, *down)
    assert isinstance(verdict, fault) and said in str(verdict)


def test_an_application_answering_500_to_an_action_is_a_product_failure(config: UatConfig) -> None:
    error = InvitationRefused("FAMHP Connect refused to invite x@y.test into 'Acme' (HTTP 500): no reason shown")
    assert isinstance(judge(config, error), ApplicationError)


# ---- what the browser saw ---------------------------------------------------------------------------------------
def test_a_request_to_keycloak_that_failed_names_it_without_its_query(config: UatConfig) -> None:
    network = NetworkLog()
    network._on_failed(
        request(
            "http://kc.test/realms/x/login-actions/a?session_code=s3cr", "POST", failure="net::ERR_CONNECTION_REFUSED"
        )
    )
    verdict = judge(config, AssertionError("expected page 'login-terms'"), network=network)
    assert isinstance(verdict, IdentityProviderUnavailable)
    assert "net::ERR_CONNECTION_REFUSED on POST http://kc.test/realms/x/login-actions/a?…" in str(verdict)
    assert "session_code" not in str(verdict)


def test_an_aborted_request_is_no_fault(config: UatConfig) -> None:
    network = NetworkLog()
    network._on_failed(request("http://kc.test/realms/x", failure="net::ERR_ABORTED"))
    assert judge(config, AssertionError("the tiles differ"), network=network) is None


def test_a_server_error_of_an_application_is_a_product_failure_with_its_response(config: UatConfig) -> None:
    network = NetworkLog()
    network._on_response(response("http://apps.test/famhp-connect/apikeys", 500, "<h1>Internal Server Error</h1>"))
    network._on_response(response("http://apps.test/static/app.css", 503, resource_type="stylesheet"))  # not decisive
    verdict = judge(config, TimeoutError("waiting for the button"), network=network)
    assert isinstance(verdict, ApplicationError)
    assert "FAMHP Connect answered with a server error: HTTP 500 Internal Server Error to GET " in str(verdict)
    assert "<h1>Internal Server Error</h1>" in str(verdict)


def test_an_application_answering_503_is_unavailable_not_a_product_failure(config: UatConfig) -> None:
    network = NetworkLog()
    network._on_response(response("http://apps.test/vamreg", 503))
    verdict = judge(config, TimeoutError("waiting"), network=network)
    assert isinstance(verdict, ApplicationUnavailable) and "VAMREG at http://apps.test/vamreg" in str(verdict)


def test_a_target_still_loading_at_the_deadline_names_the_ui_deadline(config: UatConfig) -> None:
    clock = FakeClock()
    network = NetworkLog(clock)
    network._on_request(slow := request("http://apps.test/vamreg"))
    network._on_request(request("http://elsewhere.test/font.woff"))  # not the target: not named
    clock.now += 7.9
    verdict = judge(config, TimeoutError("Page.goto: Timeout 8000ms exceeded."), network=network)
    assert isinstance(verdict, DeadlineExceeded)
    assert "the UI deadline (UAT_UI_TIMEOUT_MS = 8000 ms) ran out while the target was still answering GET " in str(
        verdict
    )
    assert "http://apps.test/vamreg (in flight for 7.9 s)" in str(verdict)
    network._on_done(slow)
    assert judge(config, TimeoutError("Page.goto: Timeout 8000ms exceeded."), network=network) is None


# ---- the target's health, and when the error stands ------------------------------------------------------------
def test_a_part_that_does_not_answer_now_explains_a_failure(config: UatConfig) -> None:
    assert isinstance(judge(config, AssertionError("tiles differ"), APPS_DOWN), ApplicationUnavailable)


def test_a_mailbox_that_does_not_answer_breaks_only_what_reads_mail(config: UatConfig) -> None:
    assert judge(config, AssertionError("tiles differ"), MAILBOX_DOWN) is None


def test_a_product_failure_on_a_healthy_target_stays_a_product_failure(config: UatConfig) -> None:
    assert judge(config, AssertionError("the dashboard shows VAMREG, expected FAMHP Connect")) is None


def test_a_fault_already_named_is_kept(config: UatConfig) -> None:
    assert judge(config, IdentityProviderUnavailable("identity provider unavailable: …"), MAILBOX_DOWN) is None


# ---- waiting for health -----------------------------------------------------------------------------------------
def _flapping(failures: int) -> tuple[Probe, list[int]]:
    calls = [0]

    def check() -> None:
        calls[0] += 1
        if calls[0] <= failures:
            raise ProbeFailed("HTTP 503")

    return Probe(IDENTITY_PROVIDER, "Keycloak (realm r)", "http://kc.test/realms/r", check), calls


def test_the_health_wait_returns_as_soon_as_every_part_answers() -> None:
    clock = FakeClock()
    probe, calls = _flapping(failures=3)

    def pause(seconds: float) -> None:
        clock.now += seconds

    assert wait_until_healthy([probe], 60, monotonic=clock, pause=pause) == pytest.approx(3.0)
    assert calls[0] == 4


def test_the_health_wait_ends_at_its_deadline_naming_what_still_fails() -> None:
    clock = FakeClock()
    probe, _ = _flapping(failures=10**6)

    def pause(seconds: float) -> None:
        clock.now += seconds

    with pytest.raises(EnvironmentUnhealthy) as raised:
        wait_until_healthy([probe], 20, after="IdentityProviderUnavailable in 'x'", monotonic=clock, pause=pause)
    assert str(raised.value) == (
        "the target was still not healthy 20 s after IdentityProviderUnavailable in 'x' (recovery deadline "
        "UAT_RECOVERY_TIMEOUT_S = 20 s): identity provider Keycloak (realm r) at http://kc.test/realms/r: HTTP 503"
    )


# ---- the categories the report and the gate give them -----------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "message", "category"),
    [
        ("broken", "support.faults.IdentityProviderUnavailable: … net::ERR_CONNECTION_REFUSED on POST …",
         "Environment: identity provider unavailable"),
        ("broken", "support.faults.ApplicationUnavailable: application unavailable (HTTP 502) …",
         "Environment: application unavailable"),
        ("broken", "support.faults.MailServerUnavailable: mailbox unavailable: … Connection refused",
         "Environment: mail server unavailable"),
        ("broken", "support.faults.MailNeverArrived: e-mail never arrived … last error: Connection refused",
         "Environment: e-mail never arrived"),
        ("broken", "support.faults.DeadlineExceeded: deadline exceeded: the UI deadline …",
         "Environment: a deadline exceeded (the target answered too slowly)"),
        ("broken", "support.faults.EnvironmentUnhealthy: the target was still not healthy …",
         "Environment: not healthy again before the scenario"),
        ("broken", "support.faults.RunInterrupted: the run was interrupted by SIGINT …",
         "Run interrupted: stopped by a signal (its clean-up ran)"),
        ("failed", "support.faults.ApplicationError: FAMHP Connect answered with a server error: HTTP 500 …",
         "Product failure: an application answered with a server error (5xx)"),
    ],
)  # fmt: skip
def test_each_fault_has_its_category(status: str, message: str, category: str) -> None:
    attempt = Attempt("s", "h", status, 0, 1, message, "", False, ())
    assert category_of(Scenario([attempt]), load_category_rules(Path(ALLURE_CONFIG))) == category
