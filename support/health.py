"""Is the target healthy? One probe per part the suite depends on, each at an address the profile gives (Keycloak's
OpenID discovery document of the realm, the applications' own URLs, the mailbox), and a wait with a deadline until
they all answer again."""

from __future__ import annotations

import imaplib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from support.config import UatConfig
from support.faults import EnvironmentUnhealthy

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 5.0
POLL_INTERVAL_S = 1.0
PROGRESS_EVERY_S = 10.0

IDENTITY_PROVIDER = "identity provider"
APPLICATION = "application"
MAILBOX = "mailbox"


class ProbeFailed(Exception):
    """The part did not answer as a healthy one does; the message says what it answered."""


@dataclass(frozen=True)
class Probe:
    """One part of the target, where it is checked, and how (raises when it is not healthy)."""

    part: str  # IDENTITY_PROVIDER, APPLICATION or MAILBOX
    name: str
    address: str
    check: Callable[[], None]

    def failure(self) -> str | None:
        """Why the part is not healthy now, or None when it is."""
        try:
            self.check()
        except Exception as error:  # any error is the answer: refused, reset, timed out, 5xx …
            return _reason(error)
        return None


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if isinstance(error, ProbeFailed) else f"{type(error).__name__}: {text}"


def _answers_below_500(url: str) -> Callable[[], None]:
    """Any answer but a server error: without a session an application redirects to the sign-in, which is healthy."""

    def check() -> None:
        status = httpx.get(url, timeout=PROBE_TIMEOUT_S, follow_redirects=False).status_code
        if status >= 500:
            raise ProbeFailed(f"HTTP {status}")

    return check


def _discovery_document(url: str) -> Callable[[], None]:
    def check() -> None:
        answer = httpx.get(url, timeout=PROBE_TIMEOUT_S)
        if answer.status_code != 200 or "issuer" not in answer.json():
            raise ProbeFailed(f"HTTP {answer.status_code}, no OpenID discovery document")

    return check


def _mailpit(url: str) -> Callable[[], None]:
    def check() -> None:
        answer = httpx.get(f"{url.rstrip('/')}/api/v1/info", timeout=PROBE_TIMEOUT_S)
        if answer.status_code != 200:
            raise ProbeFailed(f"HTTP {answer.status_code}")

    return check


def _imap_greeting(host: str, port: int, security: str) -> Callable[[], None]:
    """The server greets: enough to know it is up, without a login (the login may be per scenario address)."""

    def check() -> None:
        connection_class = imaplib.IMAP4_SSL if security == "ssl" else imaplib.IMAP4
        connection_class(host, port, timeout=PROBE_TIMEOUT_S).logout()

    return check


def identity_provider_probe(config: UatConfig) -> Probe:
    url = f"{config.keycloak_url.rstrip('/')}/realms/{config.realm}/.well-known/openid-configuration"
    return Probe(IDENTITY_PROVIDER, f"Keycloak (realm {config.realm})", url, _discovery_document(url))


def application_probes(config: UatConfig) -> list[Probe]:
    probes = [
        Probe(APPLICATION, "IAM External Portal", config.portal_url, _answers_below_500(config.portal_url)),
        Probe(APPLICATION, "FAMHP Connect", config.famhp_connect_url, _answers_below_500(config.famhp_connect_url)),
        Probe(APPLICATION, "VAMREG", config.vamreg_url, _answers_below_500(config.vamreg_url)),
    ]
    if config.api_check_path:
        api = f"{config.api_url.rstrip('/')}{config.api_check_path}"
        probes.append(Probe(APPLICATION, "FAMHP Connect API", api, _answers_below_500(api)))
    return probes


def mailbox_probe(config: UatConfig) -> Probe | None:
    if config.mail_backend == "mailpit" and config.mailpit_url:
        return Probe(MAILBOX, "Mailpit", config.mailpit_url, _mailpit(config.mailpit_url))
    if config.mail_backend == "imap" and config.imap_host:
        address = f"imap://{config.imap_host}:{config.imap_port}"
        return Probe(
            MAILBOX, "IMAP server", address, _imap_greeting(config.imap_host, config.imap_port, config.imap_security)
        )
    return None


def target_probes(config: UatConfig) -> list[Probe]:
    """Every part a scenario may depend on, identity provider first (the applications depend on it)."""
    mailbox = mailbox_probe(config)
    return [identity_provider_probe(config), *application_probes(config), *([mailbox] if mailbox else [])]


def unhealthy(probes: Sequence[Probe]) -> list[tuple[Probe, str]]:
    """The probes that fail now, with the reason of each."""
    return [(probe, reason) for probe in probes if (reason := probe.failure()) is not None]


def describe(failures: Sequence[tuple[Probe, str]]) -> str:
    return "; ".join(f"{probe.part} {probe.name} at {probe.address}: {reason}" for probe, reason in failures)


def wait_until_healthy(
    probes: Sequence[Probe],
    timeout_s: float,
    *,
    after: str = "an environment fault",
    monotonic: Callable[[], float] = time.monotonic,
    pause: Callable[[float], object] | None = None,
) -> float:
    """Wait until every probe passes; returns the seconds waited. Raises EnvironmentUnhealthy naming each part
    still failing, its address, its answer and the deadline. Says every 10 s what it still waits for."""
    pause = pause or threading.Event().wait
    started = monotonic()
    deadline = started + timeout_s
    next_progress = started + PROGRESS_EVERY_S
    while True:
        failures = unhealthy(probes)
        now = monotonic()
        if not failures:
            return now - started
        if now >= deadline:
            raise EnvironmentUnhealthy(
                f"the target was still not healthy {now - started:.0f} s after {after} (recovery deadline "
                f"UAT_RECOVERY_TIMEOUT_S = {timeout_s:.0f} s): {describe(failures)}"
            )
        if now >= next_progress:
            log.warning(
                "waiting for the target to recover (%.0f s of %.0f s): %s", now - started, timeout_s, describe(failures)
            )
            print(f"\n[uat] waiting for the target to recover ({now - started:.0f} s of {timeout_s:.0f} s): "
                  f"{describe(failures)}", flush=True)  # fmt: skip
            next_progress += PROGRESS_EVERY_S
        # a condition poll with a deadline, not a fixed sleep: it returns as soon as every probe passes
        pause(min(POLL_INTERVAL_S, max(deadline - now, 0.0)))
