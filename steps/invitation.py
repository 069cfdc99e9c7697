"""Steps of the invitation (user guide 1.1 step 1): the organisation administrator invites, the e-mail arrives
with its link, username and initial password, and the link works once (then it leads nowhere)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from pages.keycloak import KeycloakScreens
from pages.portal.invitation import InvitationLanding, InvitationRefusal
from support.actor import Actor
from support.config import UatConfig
from support.mail import extract
from support.mail.scenario_inbox import ScenarioInbox
from support.target import Target
from support.tasks.invitation import confirm_invitation, invite_newcomer, read_invitation
from support.users.providers.invite_ui import InviteUiProvider
from support.users.registry import ScenarioUsers

POLICY_MIN_LENGTH = 12


@given("an organisation administrator has invited a new external user", target_fixture="actor")
def invited_user(
    inviter: InviteUiProvider, target: Target, uat_config: UatConfig, scenario_users: ScenarioUsers,
    request: pytest.FixtureRequest,
) -> Actor:  # fmt: skip
    actor = invite_newcomer(inviter, target, uat_config, request.node.name)
    scenario_users.add(inviter, actor.user)  # removed when the scenario ends
    return actor


@given("the invitation e-mail has arrived")
@when("the invitation e-mail arrives")
def invitation_arrives(actor: Actor, inbox: ScenarioInbox, target: Target) -> None:
    read_invitation(actor, inbox, target.invitation_mail)


@then(parsers.parse('its subject is "{subject}"'))
def subject_is(actor: Actor, target: Target, subject: str) -> None:
    assert actor.invitation_mail is not None
    assert actor.invitation_mail.subject == target.invitation_mail.subject_said(subject)


@then(parsers.parse('it has exactly one link labelled "{label}"'))
def one_labelled_link(actor: Actor, target: Target, label: str) -> None:
    assert actor.invitation_mail is not None
    label = target.invitation_mail.link_label_said(label)
    labelled = [link for link in extract.links(actor.invitation_mail) if link.label == label]
    assert len(labelled) == 1, f"links labelled {label!r}: {[link.url for link in labelled]}"
    assert labelled[0].url == extract.invitation_link(actor.invitation_mail, label)


@then("it gives the user's e-mail address as username")
def username_is_address(actor: Actor, target: Target) -> None:
    assert actor.invitation_mail is not None
    assert extract.username(actor.invitation_mail, target.invitation_mail.username_label) == actor.email


@then("it gives an initial password")
def gives_initial_password(actor: Actor, target: Target) -> None:
    assert actor.invitation_mail is not None
    password = extract.initial_password(actor.invitation_mail, target.invitation_mail.password_labels)
    long_enough = len(password.reveal()) >= POLICY_MIN_LENGTH
    assert long_enough, f"the initial password is shorter than the policy's {POLICY_MIN_LENGTH} characters"


@given("the invited user has confirmed the invitation from the e-mail")
def invitation_confirmed(actor: Actor, inbox: ScenarioInbox, page: Page, target: Target, uat_config: UatConfig) -> None:
    confirm_invitation(actor, inbox, page, target.invitation_mail, uat_config.ui_timeout_ms)


@when("the invitation link is opened a second time")
def open_link_again(actor: Actor, page: Page) -> None:
    assert actor.invitation_link is not None
    InvitationRefusal(page).open(actor.invitation_link)


@then("the portal says the invitation has already been used")
def says_already_used(page: Page) -> None:
    expect(InvitationRefusal(page).already_used).to_be_visible()


@then("it offers no way on to the sign-in")
def no_way_on(page: Page) -> None:
    expect(InvitationLanding(page).confirm_button).to_have_count(0)
    assert KeycloakScreens(page).current() is None, f"the used link led to Keycloak's sign-in at {page.url}"
