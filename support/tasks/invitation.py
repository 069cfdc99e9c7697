"""Being invited: the organisation administrator invites a new external user through FAMHP Connect, and the user
confirms the invitation from the e-mail (reading the link and the initial password as they would)."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.keycloak import KeycloakScreens
from support.actor import Actor
from support.config import UatConfig
from support.mail import extract
from support.mail.scenario_inbox import ScenarioInbox
from support.secrets import Secret
from support.target import THEIR_ORGANISATION, InvitationMail, Target
from support.tasks.invitation_link import follow_invitation_link
from support.users.providers.invite_ui import InviteUiProvider

# who the administrator invites in these scenarios, into their organisation, granting both applications of the guide
NEWCOMER_NAME = ("Eva", "Peeters")
NEWCOMER_ROLES = "API key manager, VAMREG user"


def invite_newcomer(inviter: InviteUiProvider, target: Target, config: UatConfig, tag: str) -> Actor:
    """A new external user, invited by the organisation administrator; their password is not known yet."""
    invitation = inviter.invite(
        email=config.new_address(tag),
        first_name=NEWCOMER_NAME[0],
        last_name=NEWCOMER_NAME[1],
        organisation=target.organisation(THEIR_ORGANISATION),
        roles=target.roles(NEWCOMER_ROLES),
    )
    return Actor(user=invitation.as_user(password=Secret("")))


def read_invitation(actor: Actor, inbox: ScenarioInbox, mail: InvitationMail) -> None:
    """Wait for the invitation e-mail once; later calls keep the first one."""
    if actor.invitation_mail is None:
        actor.invitation_mail = inbox.wait_for(actor.email, mail.subject)


def confirm_invitation(actor: Actor, inbox: ScenarioInbox, page: Page, mail: InvitationMail, timeout_ms: float) -> None:
    """Read the link labelled "Confirm your invitation" and the initial password, follow the link and confirm it
    where the landing asks: the sign-in is shown then."""
    read_invitation(actor, inbox, mail)
    assert actor.invitation_mail is not None
    actor.invitation_link = extract.invitation_link(actor.invitation_mail, mail.link_label)
    actor.initial_password = extract.initial_password(actor.invitation_mail, mail.password_labels)
    actor.password = actor.initial_password
    follow_invitation_link(page, actor.invitation_link, timeout_ms)


def sign_in_from_invitation(
    actor: Actor, inbox: ScenarioInbox, page: Page, screens: KeycloakScreens, mail: InvitationMail
) -> None:
    """Confirm the invitation and sign in with the initial password: where the first sign-in starts."""
    confirm_invitation(actor, inbox, page, mail, screens.timeout_ms)
    screens.sign_in(actor.email, actor.password)
