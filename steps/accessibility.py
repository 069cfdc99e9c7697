"""Steps of accessibility (WCAG 2.1 AA): what the screens of a journey showed, judged against the baseline."""

from __future__ import annotations

from datetime import date

from pytest_bdd import then, when

from pages.keycloak import KeycloakScreens
from support.accessibility.baseline import KnownViolation, judge
from support.accessibility.report import line
from support.accessibility.screens import ScreensSeen
from support.actor import Actor
from support.authenticator import VirtualAuthenticator
from support.config import UatConfig
from support.tasks.first_sign_in import FirstSignIn


@then("every screen they saw meets WCAG 2.1 AA, apart from the known violations of the baseline")
def screens_meet_wcag(screens_seen: ScreensSeen, accessibility_baseline: list[KnownViolation]) -> None:
    judgement = judge(screens_seen.violations, accessibility_baseline, date.today())
    assert screens_seen.screens, "no screen was checked (is --accessibility off?)"
    problems = [line(v) for v in judgement.new] + [f"baseline entry expired: {e}" for e in judgement.expired]
    assert judgement.passed, f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)


@when("they sign in with the initial password and finish the first sign-in, with the keyboard only")
def first_sign_in_by_keyboard(
    keyboard_only_screens: KeycloakScreens, actor: Actor, authenticator: VirtualAuthenticator, uat_config: UatConfig
) -> None:
    keyboard_only_screens.sign_in(actor.email, actor.password)
    FirstSignIn(keyboard_only_screens, actor.user, authenticator, uat_config.authenticator_issuer).complete()
