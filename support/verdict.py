"""Why a scenario could not pass, in terms of who must act: from the error a step raised, what the browser saw on the
network and whether the target answers now, the fault to report instead — identity provider, application or mailbox
unavailable, e-mail never arrived, a deadline exceeded (environment: broken), or an application's server error
(product: failed) — or nothing, when the error already says it best."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.keycloak import UnexpectedPageError
from support.config import UatConfig
from support.faults import (
    ApplicationError,
    ApplicationUnavailable,
    DeadlineExceeded,
    EnvironmentFault,
    IdentityProviderUnavailable,
    MailNeverArrived,
    MailServerUnavailable,
)
from support.health import APPLICATION, IDENTITY_PROVIDER, MAILBOX, Probe
from support.keycloak_admin import KeycloakAdminError
from support.mail import MailError, MailTimeout
from support.network_log import MAIN_RESOURCES, NetworkLog
from support.secrets import mask_text

UNAVAILABLE_STATUSES = (502, 503, 504)  # a gateway or the server itself says it cannot answer now
SLOW_SHARE_OF_DEADLINE = 0.25  # a request in flight this long at the failure means the target was slow
_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")

HealthNow = Callable[[], Sequence[tuple[Probe, str]]]


@dataclass(frozen=True)
class Part:
    """A part of the target as the profile addresses it."""

    kind: str  # IDENTITY_PROVIDER or APPLICATION or MAILBOX
    name: str
    address: str


def target_parts(config: UatConfig) -> list[Part]:
    """Longest address first, so that a URL belongs to the most specific part."""
    parts = [
        Part(IDENTITY_PROVIDER, f"Keycloak (realm {config.realm})", config.keycloak_url),
        Part(APPLICATION, "IAM External Portal", config.portal_url),
        Part(APPLICATION, "FAMHP Connect", config.famhp_connect_url),
        Part(APPLICATION, "VAMREG", config.vamreg_url),
        Part(APPLICATION, "FAMHP Connect API", config.api_url),
    ]
    if config.mail_backend == "mailpit" and config.mailpit_url:
        parts.append(Part(MAILBOX, "Mailpit", config.mailpit_url))
    return sorted(parts, key=lambda part: len(part.address), reverse=True)


def part_of(url: str, parts: Sequence[Part]) -> Part | None:
    return next((part for part in parts if url.startswith(part.address.rstrip("/"))), None)


def short(url: str) -> str:
    """The URL without its query: enough to say where, and no session codes in a report."""
    base, question, _ = url.partition("?")
    return base + ("?…" if question else "")


def _said(error: BaseException) -> str:
    lines = mask_text(str(error)).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _unavailable(part: Part, what: str, error: BaseException) -> EnvironmentFault:
    kind: type[EnvironmentFault] = {
        IDENTITY_PROVIDER: IdentityProviderUnavailable,
        MAILBOX: MailServerUnavailable,
    }.get(part.kind, ApplicationUnavailable)
    return kind(f"{part.kind} unavailable: {part.name} at {part.address}: {what}; the step failed with: {_said(error)}")


def _transport_error(error: BaseException) -> BaseException:
    """The httpx error behind `error` (itself, or its cause: the admin client wraps what the transport raised)."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, httpx.RequestError):
        cause = cause.__cause__
    return cause or error


def _url_of(error: BaseException) -> str | None:
    transport = _transport_error(error)
    if isinstance(transport, httpx.RequestError):
        try:
            return str(transport.request.url)
        except RuntimeError:  # raised without a request
            return None
    return None


class VerdictJudge:
    """Turns a scenario's error into the fault to report (or None: keep the error)."""

    def __init__(self, config: UatConfig, health_now: HealthNow) -> None:
        self._config = config
        self._parts = target_parts(config)
        self._health_now = health_now

    def judge(self, error: BaseException, network: NetworkLog | None = None) -> BaseException | None:
        if isinstance(error, EnvironmentFault | ApplicationError):
            return None
        if isinstance(error, MailTimeout):
            return self._mail_never_arrived(error)
        return (
            self._from_the_error_itself(error)
            or self._from_the_network(error, network)
            or self._from_health_now(error)
            or self._from_a_slow_target(error, network)
        )

    def _mail_never_arrived(self, error: MailTimeout) -> EnvironmentFault:
        mailbox_now = [reason for probe, reason in self._health_now() if probe.part == MAILBOX]
        down = f"; the mailbox does not answer now: {mailbox_now[0]}" if mailbox_now else ""
        return MailNeverArrived(
            f"e-mail never arrived before the mail deadline (UAT_MAIL_TIMEOUT_S = {self._config.mail_timeout_s:g} s): "
            f"{mask_text(str(error))}{down}"
        )

    def _from_the_error_itself(self, error: BaseException) -> BaseException | None:
        url = _url_of(error)
        part = part_of(url, self._parts) if url else None
        if url is not None and part is not None:
            return _unavailable(part, f"{type(_transport_error(error)).__name__} on {short(url)}", error)
        status_said = _HTTP_STATUS.search(str(error))
        if status_said is None or isinstance(error, AssertionError):
            return None
        status = int(status_said.group(1))
        if isinstance(error, KeycloakAdminError):
            identity_provider = next(part for part in self._parts if part.kind == IDENTITY_PROVIDER)
            return _unavailable(identity_provider, f"HTTP {status}", error) if status in UNAVAILABLE_STATUSES else None
        if status in UNAVAILABLE_STATUSES:
            # an application that could not hand over its mail or reach Keycloak says 502: which part is down?
            down = self._health_now()
            for kind in (MAILBOX, IDENTITY_PROVIDER):
                failing = [(probe, reason) for probe, reason in down if probe.part == kind]
                if failing:
                    probe, reason = failing[0]
                    return _unavailable(Part(kind, probe.name, probe.address), reason, error)
            return ApplicationUnavailable(f"application unavailable (HTTP {status}): {mask_text(str(error))}")
        if status >= 500:
            return ApplicationError(f"an application answered with a server error: {mask_text(str(error))}")
        return None

    def _from_the_network(self, error: BaseException, network: NetworkLog | None) -> BaseException | None:
        if network is None:
            return None
        for failed in reversed(network.failed):
            part = part_of(failed.url, self._parts)
            if part is not None and failed.resource_type in MAIN_RESOURCES:
                return _unavailable(part, f"{failed.error} on {failed.method} {short(failed.url)}", error)
        for answer in reversed(network.server_errors):
            part = part_of(answer.url, self._parts)
            if part is None or answer.resource_type not in MAIN_RESOURCES:
                continue
            if answer.status in UNAVAILABLE_STATUSES:
                return _unavailable(part, answer.headline(), error)
            return ApplicationError(
                f"{part.name} answered with a server error: {answer.headline()}\nresponse:\n{answer.body()}\n"
                f"the step failed with: {_said(error)}"
            )
        return None

    def _from_health_now(self, error: BaseException) -> BaseException | None:
        for probe, reason in self._health_now():
            if probe.part == MAILBOX and not _is_about_mail(error):
                continue  # a scenario that did not read mail is not broken by the mailbox
            return _unavailable(Part(probe.part, probe.name, probe.address), reason, error)
        return None

    def _from_a_slow_target(self, error: BaseException, network: NetworkLog | None) -> BaseException | None:
        if network is None or not _is_a_wait(error):
            return None
        deadline_s = self._config.ui_timeout_ms / 1000
        slow = [
            pending
            for pending in network.in_flight()
            if pending.resource_type in MAIN_RESOURCES
            and part_of(pending.url, self._parts) is not None
            and pending.age_s >= SLOW_SHARE_OF_DEADLINE * deadline_s
        ]
        if not slow:
            return None
        oldest = slow[0]
        more = f" (and {len(slow) - 1} more)" if len(slow) > 1 else ""
        loading = f"{oldest.method} {short(oldest.url)} (in flight for {oldest.age_s:.1f} s){more}"
        return DeadlineExceeded(
            f"deadline exceeded: the UI deadline (UAT_UI_TIMEOUT_MS = {self._config.ui_timeout_ms} ms) ran out while "
            f"the target was still answering {loading}; the step failed with: {_said(error)}"
        )


def _is_about_mail(error: BaseException) -> bool:
    return isinstance(error, MailError) or "mail" in str(error).lower()


def _is_a_wait(error: BaseException) -> bool:
    """A deadline of the suite ran out: Playwright's, a screen that did not come, an `expect` that waited."""
    if isinstance(error, PlaywrightTimeoutError | TimeoutError | UnexpectedPageError):
        return True
    return isinstance(error, AssertionError) and "timeout" in str(error).lower()
