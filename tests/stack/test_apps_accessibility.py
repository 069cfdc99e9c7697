"""The reference apps meet WCAG 2.1 AA on every screen, in every skin: axe-core (rules tagged wcag2a, wcag2aa,
wcag21a, wcag21aa) finds nothing; each screen has one h1, one banner, one main and one contentinfo landmark; FAMHP
Connect's tabs are a navigation named "FAMHP Connect" that marks the current tab; a skin without test hooks has no
data-testid. The screens are reached as a user reaches them, through the suite's page objects, so the same walk
proves those work on each skin (and that the screenshot mask covers a new key's secret)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from pages.famhp_connect import ApiKeySecretPanel, ApiKeysPage, ConnectTabs, CreateApiKeyForm, UsersPage
from pages.famhp_connect.refusal import AccessRefused
from pages.masking import secret_locators
from pages.portal.dashboard import PortalDashboard, SignedOut, SignInRefused
from pages.portal.invitation import InvitationRefusal
from pages.vamreg.home import VamregHome
from stack.apps.skins import SKINS
from stack.manager import ReferenceStack
from tests.stack.conftest import OneTimeCodes
from tests.stack.helpers import (
    StackUser,
    UserFactory,
    access_token,
    browser_sign_in,
    forget_in_apps_database,
    query_database,
    use_invitation_link,
    wait_for_invitations,
)

pytestmark = [pytest.mark.stack, pytest.mark.browser]

ACME = "Acme Pharma NV"
BELGIAN_VET = "Belgian Vet Supplies BV"
EVERY_ROLE = {"famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"], "vamreg": ["VAMREG_USER"]}
AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
LANDMARKS = ("banner", "main", "contentinfo")


def _criteria(tags: list[str]) -> str:
    """The success criteria of an axe rule, from its tags: "wcag143" -> "1.4.3"."""
    found = [".".join(tag[4:5] + tag[5:6] + tag[6:]) for tag in tags if re.fullmatch(r"wcag\d{3,4}", tag)]
    return ", ".join(found) or "-"


@dataclass
class Audit:
    """Checks each screen the browser shows and keeps every finding, so one run reports all of them."""

    skin: str
    findings: list[str] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)

    def screen(self, page: Page, name: str, connect: bool = False) -> None:
        page.wait_for_load_state()
        self.screens.append(name)
        where = f"{self.skin} · {name} ({page.url})"
        for violation in AXE.run(page, options=AXE_OPTIONS).response["violations"]:
            elements = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            self.findings.append(
                f"{where}: {violation['id']} ({violation['impact']}, WCAG {_criteria(violation['tags'])}) "
                f"at {elements}: {violation['help']} <{violation['helpUrl']}>"
            )
        if (headings := page.get_by_role("heading", level=1).count()) != 1:
            self.findings.append(f"{where}: {headings} level-1 headings instead of one")
        for landmark in LANDMARKS:
            if (count := page.get_by_role(landmark).count()) != 1:
                self.findings.append(f"{where}: {count} {landmark} landmarks instead of one")
        if not SKINS[self.skin].test_ids and (hooks := page.locator("[data-testid]").count()):
            self.findings.append(f"{where}: {hooks} data-testid attributes in a skin without test hooks")
        if connect:
            current = ConnectTabs(page).navigation.locator("[aria-current=page]").count()
            if current != 1:
                self.findings.append(f"{where}: {current} tabs marked aria-current=page in the FAMHP Connect nav")

    def assert_clean(self, at_least: int) -> None:
        assert len(self.screens) >= at_least, self.screens
        assert not self.findings, f"{len(self.findings)} accessibility finding(s):\n" + "\n".join(self.findings)


# ---- one set of users and browsers for every skin: the sessions survive the apps' restart ------------------------


@pytest.fixture(scope="module")
def users(keycloak_admin: httpx.Client, stack_info: dict) -> Iterator[UserFactory]:
    factory = UserFactory(keycloak_admin)
    yield factory
    forget_in_apps_database(stack_info, factory.created_ids)
    factory.remove_all()


@pytest.fixture(scope="module")
def signed_in(
    browser: Browser, stack_info: dict, users: UserFactory, one_time_codes: OneTimeCodes
) -> Iterator[Callable[[StackUser], Page]]:
    """A browser tab per user, signed in to the portal once (their own context: no session is shared)."""
    pages: dict[str, Page] = {}

    def tab(user: StackUser) -> Page:
        if user.email not in pages:
            page = browser.new_context().new_page()
            page.goto(f"{stack_info['apps']['base_url']}/portal")
            browser_sign_in(page, user, one_time_codes)
            pages[user.email] = page
        return pages[user.email]

    yield tab
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="module")
def manager(users: UserFactory) -> StackUser:
    """Every role, two organisations: sees every tab, form and list."""
    return users.create(EVERY_ROLE, [ACME, BELGIAN_VET], tag="a11y-manager")


@pytest.fixture(scope="module")
def key_manager_without_organisation(users: UserFactory) -> StackUser:
    return users.create({"famhp-connect": ["IAM_API_KEY_MANAGER"]}, [], tag="a11y-no-org")


@pytest.fixture(scope="module")
def without_roles(users: UserFactory) -> StackUser:
    return users.create({}, [ACME], tag="a11y-no-roles")


@pytest.fixture(scope="module")
def invitation_links(
    stack_info: dict, users: UserFactory, manager: StackUser, one_time_codes: OneTimeCodes
) -> dict[str, str]:
    """A link for the invitation landing's confirmation and for each refusal: replaced by a newer one, expired,
    used, unknown."""
    token = access_token(stack_info, "famhp-connect", manager, one_time_codes)
    base = f"{stack_info['apps']['base_url']}/famhp-connect/api/invitations"
    mailpit = stack_info["mailpit"]["url"]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as api:

        def invite() -> tuple[str, dict]:
            email = f"a11y-invitee-{uuid.uuid4().hex[:10]}@example.test"
            body = {"email": email, "firstName": "Ana", "lastName": "Lyse", "roles": ["VAMREG_USER"]}
            created = api.post("", json={**body, "organizationId": users.organization_id(ACME)})
            assert created.status_code == 201, created.text
            users.adopt(created.json()["userId"])
            return email, created.json()

        first_email, first = invite()
        assert api.post(f"/{first['id']}/resend").status_code == 200
        replaced, expiring = wait_for_invitations(mailpit, first_email, count=2)
        past = (datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None).isoformat(sep=" ")
        query_database(stack_info, "UPDATE invitations SET expires_at = ? WHERE user_id = ?", past, first["userId"])
        used_email, _ = invite()
        (used,) = wait_for_invitations(mailpit, used_email)
        assert use_invitation_link(used.link).status_code == 303  # the one use
        pending_email, _ = invite()
        (pending,) = wait_for_invitations(mailpit, pending_email)
    return {
        "pending": pending.link,
        "replaced": replaced.link,
        "expired": expiring.link,
        "used": used.link,
        "unknown": f"{stack_info['apps']['base_url']}/invitations/{uuid.uuid4().hex}",
    }


@pytest.fixture(scope="module", params=list(SKINS))
def skin(request: pytest.FixtureRequest, reference_stack: ReferenceStack, stack_info: dict) -> Iterator[str]:
    """The running apps switched to one skin (`uat stack skin`), and back to the one found afterwards."""
    before = reference_stack.status()["apps_skin"]
    reference_stack.set_skin(request.param)
    yield request.param
    if before:
        reference_stack.set_skin(before)


# ---- the screens -------------------------------------------------------------------------------------------------


def test_portal_and_vamreg_screens(
    skin: str,
    stack_info: dict,
    signed_in: Callable[[StackUser], Page],
    manager: StackUser,
    without_roles: StackUser,
) -> None:
    base, audit = stack_info["apps"]["base_url"], Audit(skin)
    page = signed_in(manager)
    page.goto(f"{base}/portal")
    expect(PortalDashboard(page).tile_titles).to_have_text(["FAMHP Connect", "VAMREG"])
    audit.screen(page, "portal dashboard")
    PortalDashboard(page).open_application("VAMREG")
    expect(VamregHome(page).user_email).to_have_text(manager.email)
    audit.screen(page, "VAMREG")

    bare = signed_in(without_roles)
    bare.goto(f"{base}/portal")
    expect(PortalDashboard(bare).user_email).to_have_text(without_roles.email)
    expect(PortalDashboard(bare).tiles).to_have_count(0)
    audit.screen(bare, "portal dashboard without applications")
    bare.goto(f"{base}/vamreg")
    expect(AccessRefused(bare).panel).to_be_visible()
    audit.screen(bare, "VAMREG refused")
    bare.goto(f"{base}/portal/signed-out")
    expect(SignedOut(bare).panel).to_be_visible()
    audit.screen(bare, "signed out")
    bare.goto(f"{base}/portal/callback?error=access_denied")
    expect(SignInRefused(bare).panel).to_be_visible()
    audit.screen(bare, "sign-in did not complete")
    audit.assert_clean(at_least=6)


def test_famhp_connect_api_key_screens(
    skin: str,
    stack_info: dict,
    signed_in: Callable[[StackUser], Page],
    manager: StackUser,
    key_manager_without_organisation: StackUser,
) -> None:
    base, audit = stack_info["apps"]["base_url"], Audit(skin)
    page = signed_in(manager)
    page.goto(f"{base}/portal")
    PortalDashboard(page).open_application("FAMHP Connect")
    ConnectTabs(page).open_api_keys()
    api_keys = ApiKeysPage(page)
    expect(api_keys.create_api_key_button).to_be_visible()
    audit.screen(page, "API keys", connect=True)

    form = api_keys.create_api_key()
    expect(form.organisation_options).to_have_text([ACME, BELGIAN_VET])
    audit.screen(page, "create an API key", connect=True)
    form.save()
    expect(form.name_input).to_have_accessible_error_message(re.compile(r"\S"))
    expect(form.organisation_select).to_have_accessible_error_message(re.compile(r"\S"))
    audit.screen(page, "create an API key, refused", connect=True)

    name = f"Accessibility {skin} {uuid.uuid4().hex[:6]}"
    form.fill(name, BELGIAN_VET)
    form.save()
    panel = ApiKeySecretPanel(page)
    expect(panel.secret_value).to_have_text(re.compile(r"\S{20,}"))
    expect(panel.key_title).to_contain_text(name)
    audit.screen(page, "the new key's secret", connect=True)
    masked = [locator.inner_text().strip() for locator in secret_locators(page) if locator.count()]
    covered = masked == [panel.secret().reveal()]  # a bool: a failure must not print the secret
    assert covered, f"the screenshot mask covers {len(masked)} element(s), not exactly the new key's secret"
    panel.done()
    expect(api_keys.key(name, BELGIAN_VET).status).to_have_text("Active")
    audit.screen(page, "API keys with the new key", connect=True)
    confirmation = api_keys.revoke(name, BELGIAN_VET)
    expect(confirmation.key_name).to_have_text(name)
    audit.screen(page, "revoke confirmation", connect=True)
    confirmation.confirm()
    expect(api_keys.key(name, BELGIAN_VET).status).to_have_text("Revoked")
    expect(api_keys.notices).to_contain_text(name)
    audit.screen(page, "API keys after revoking", connect=True)
    page.goto(f"{base}/famhp-connect/apikeys/{uuid.uuid4()}/revoke")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    audit.screen(page, "page not found")

    lonely = signed_in(key_manager_without_organisation)
    ApiKeysPage(lonely).open(f"{base}/famhp-connect/apikeys")
    expect(ApiKeysPage(lonely).rows).to_have_count(0)
    audit.screen(lonely, "API keys, none", connect=True)
    CreateApiKeyForm(lonely).open(f"{base}/famhp-connect/apikeys/new")
    expect(CreateApiKeyForm(lonely).no_organisations).to_be_visible()
    audit.screen(lonely, "create an API key without organisation", connect=True)
    lonely.goto(f"{base}/famhp-connect/users")
    expect(AccessRefused(lonely).panel).to_be_visible()
    audit.screen(lonely, "FAMHP Connect refuses the Users tab")
    audit.assert_clean(at_least=11)


def test_famhp_connect_user_screens_and_invitation_landings(
    skin: str,
    stack_info: dict,
    signed_in: Callable[[StackUser], Page],
    manager: StackUser,
    invitation_links: dict[str, str],
) -> None:
    base, audit = stack_info["apps"]["base_url"], Audit(skin)
    page = signed_in(manager)
    users_page = UsersPage(page)
    page.goto(f"{base}/famhp-connect/users")
    expect(users_page.invite_button).to_be_visible()
    audit.screen(page, "users", connect=True)
    users_page.search(manager.email)
    expect(users_page.row(manager.email)).to_have_count(2)  # one row per organisation
    audit.screen(page, "users, searched", connect=True)
    form = users_page.open_invitation_form()
    expect(form.role_checkbox("IAM_API_KEY_MANAGER")).to_be_visible()
    audit.screen(page, "invite a user", connect=True)
    form.send()
    expect(form.field_errors.first).to_be_visible()
    expect(form.email_input).to_have_accessible_error_message(re.compile(r"\S"))
    audit.screen(page, "invite a user, refused", connect=True)

    landing = InvitationRefusal(page)
    for reason, heading in (
        ("pending", landing.heading),
        ("replaced", landing.heading),
        ("expired", landing.expired),
        ("used", landing.already_used),
        ("unknown", landing.unknown),
    ):
        landing.open(invitation_links[reason])
        expect(heading).to_be_visible()
        audit.screen(page, f"invitation {reason}")
    audit.assert_clean(at_least=9)
