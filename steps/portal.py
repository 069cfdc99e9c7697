"""Steps of the IAM External Portal dashboard (user guide 1.1 step 5): one tile per authorised application."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_bdd import parsers, then

from pages.portal.dashboard import PortalDashboard, SignInRefused
from support.actor import Actor
from support.target import Target


@then("the IAM External Portal opens")
def portal_opens(page: Page) -> None:
    expect(PortalDashboard(page).user_name).to_be_visible()


@then("the IAM External Portal does not open")
def portal_does_not_open(page: Page) -> None:
    expect(SignInRefused(page).panel).to_be_visible()
    expect(PortalDashboard(page).user_name).to_have_count(0)


@then("the dashboard shows exactly the applications the user was invited for")
def tiles_of_invitation(page: Page, actor: Actor, target: Target) -> None:
    expect(PortalDashboard(page).tile_titles).to_have_text(target.applications_for(actor.user.roles))


@then(parsers.parse('the dashboard shows exactly the applications "{applications}"'))
def tiles_exactly(page: Page, target: Target, applications: str) -> None:
    dashboard = PortalDashboard(page)
    expect(dashboard.user_name).to_be_visible()
    expect(dashboard.tile_titles).to_have_text(target.applications(applications))
