"""Steps of the invitation (user guide 1.1 step 1): the organisation administrator invites, the e-mail arrives."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, then, when

from fixtures.config import UatConfig
from fixtures.mail import extract
from fixtures.mail.addresses import unique_address
from fixtures.plugin import ScenarioInbox, ScenarioUsers
from fixtures.secrets import Secret
from fixtures.users import InviteUiProvider
from pages.portal.invitation import InvitationRefusal
from steps.newcomer import Newcomer

INVITATION_SUBJECT = "Confirm your invitation"
# what the inviting administrator grants in these scenarios: both applications of the guide
INVITED_ROLES = {"famhp-connect": ["IAM_API_KEY_MANAGER"], "vamreg": ["VAMREG_USER"]}
INVITED_ORGANISATION = "Acme Pharma NV"


@given("an organisation administrator has invited a new external user", target_fixture="newcomer")
def invited_user(
    inviter: InviteUiProvider, uat_config: UatConfig, scenario_users: ScenarioUsers, request: pytest.FixtureRequest
) -> Newcomer:
    newcomer = Newcomer(
        email=unique_address(uat_config.mail_address_template, request.node.name),
        first_name="Eva",
        last_name="Peeters",
        organisation=INVITED_ORGANISATION,
        roles=INVITED_ROLES,
    )
    invitation = inviter.invite(
        email=newcomer.email,
        first_name=newcomer.first_name,
        last_name=newcomer.last_name,
        organisation=newcomer.organisation,
        roles=newcomer.roles,
    )
    scenario_users.add(inviter, invitation.as_user(password=Secret("")))  # removed when the scenario ends
    return newcomer


@when("the invitation e-mail arrives")
def invitation_arrives(newcomer: Newcomer, inbox: ScenarioInbox) -> None:
    newcomer.invitation_mail = inbox.wait_for(newcomer.email, INVITATION_SUBJECT)


@then(parsers.parse('its subject is "{subject}"'))
def subject_is(newcomer: Newcomer, subject: str) -> None:
    assert newcomer.invitation_mail is not None
    assert newcomer.invitation_mail.subject == subject


@then(parsers.parse('it has exactly one link labelled "{label}"'))
def one_labelled_link(newcomer: Newcomer, label: str) -> None:
    assert newcomer.invitation_mail is not None
    labelled = [link for link in extract.links(newcomer.invitation_mail) if link.label == label]
    assert len(labelled) == 1, f"links labelled {label!r}: {[link.url for link in labelled]}"
    assert labelled[0].url == extract.invitation_link(newcomer.invitation_mail)


@then("it gives the user's e-mail address as username")
def username_is_address(newcomer: Newcomer) -> None:
    assert newcomer.invitation_mail is not None
    assert extract.username(newcomer.invitation_mail) == newcomer.email


@then("it gives an initial password")
def gives_initial_password(newcomer: Newcomer) -> None:
    assert newcomer.invitation_mail is not None
    password = extract.initial_password(newcomer.invitation_mail)
    assert len(password.reveal()) >= 12, "the initial password is shorter than the policy's 12 characters"


@given("the invited user has confirmed the invitation from the e-mail")
def confirm_invitation(newcomer: Newcomer, inbox: ScenarioInbox, page: Page) -> None:
    if newcomer.invitation_mail is None:
        newcomer.invitation_mail = inbox.wait_for(newcomer.email, INVITATION_SUBJECT)
    newcomer.invitation_link = extract.invitation_link(newcomer.invitation_mail)
    newcomer.initial_password = extract.initial_password(newcomer.invitation_mail)
    newcomer.password = newcomer.initial_password
    page.goto(newcomer.invitation_link)


@when("the invitation link is opened a second time")
def open_link_again(newcomer: Newcomer, page: Page) -> None:
    assert newcomer.invitation_link is not None
    InvitationRefusal(page).open(newcomer.invitation_link)


@then("the portal says the invitation has already been used")
def says_already_used(page: Page) -> None:
    expect(InvitationRefusal(page).already_used).to_be_visible()
