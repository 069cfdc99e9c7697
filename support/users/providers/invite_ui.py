"""The organisation administrator invites users through FAMHP Connect's "Users" tab, as a person does; and users
onboarded through the browser (invited, then the first sign-in) when no admin API is at hand."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from pages.famhp_connect import ConnectTabs, InviteUserForm, UsersPage
from pages.keycloak import KeycloakPage, KeycloakScreens, LoginPage, OtpPage
from support.authenticator import VirtualAuthenticator
from support.config import UatConfig
from support.config.model import OrgAdmin
from support.keycloak_admin import KeycloakAdmin, KeycloakAdminError, UserAccount
from support.mail import Inbox, open_inbox
from support.mail.extract import initial_password, invitation_link
from support.org_admins import AdminLease
from support.otp_ledger import StepLedger, shared_step_ledger
from support.target import Target
from support.tasks.first_sign_in import FirstSignIn
from support.tasks.invitation_link import follow_invitation_link
from support.tasks.sign_in import SIGN_IN_OVER_HTTP, sign_in_over_http
from support.users.model import INVITED_BY_UI, Invitation, TestUser, names_for
from support.users.providers.base import (
    AccountTemporarilyLocked,
    BrowserFactory,
    InvitationRefused,
    UserProvider,
    UserProviderError,
    delete_by_email,
)
from support.users.registry import UserRegistry
from support.users.roles import RoleSpec, describe_roles, normalize_roles, role_names

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

log = logging.getLogger(__name__)


class InviteUiProvider(UserProvider):
    """The organisation administrator invites users through FAMHP Connect's "Users" tab, as a person does.

    One browser context, signed in once, serves the whole session. It is made with `browser.new_context()`
    and never traced, because a trace would record the administrator's typed password and codes."""

    name = INVITED_BY_UI

    def __init__(
        self,
        config: UatConfig,
        browser_factory: BrowserFactory,
        registry: UserRegistry | None = None,
        *,
        admin: KeycloakAdmin | None = None,
        owns_admin: bool = False,
        ledger: StepLedger | None = None,
        inbox_factory: Callable[[UatConfig], Inbox] = open_inbox,
        lease: AdminLease | None = None,
    ) -> None:
        super().__init__(registry)
        if lease is None and not config.org_admin_pool:
            config.require(
                "org_admin_email", "org_admin_password", "org_admin_totp_secret",
                purpose="inviting users through FAMHP Connect (user provider 'invite-ui'; or UAT_ORG_ADMINS)",
            )  # fmt: skip
        # the administrator this process signs in as (its own when each shard or worker leased one)
        self._org_admin: OrgAdmin = lease.admin if lease is not None else config.org_admin_pool[0]
        self._lease = lease
        self._config = config
        self._browser_factory = browser_factory
        self.admin = admin
        self._owns_admin = owns_admin
        self._inbox_factory = inbox_factory
        self._admin_email: str = self._org_admin.email
        self._timeout_ms = float(config.ui_timeout_ms)
        # the administrator's phone; its ledger is shared with every worker that signs in as them
        self._authenticator = VirtualAuthenticator(
            look_around=config.otp_look_around, ledger=ledger or shared_step_ledger(config)
        )
        self._authenticator.enrol_from_manual_key(
            self._org_admin.totp_secret, config.authenticator_issuer, self._admin_email
        )
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._signed_in_once = False  # per browser context

    @property
    def can_delete(self) -> bool:
        return self.admin is not None

    # -- inviting --------------------------------------------------------------------------------------

    def invite(
        self, email: str, first_name: str, last_name: str, organisation: str, roles: RoleSpec = None
    ) -> Invitation:
        """Send an invitation through the "Users" tab. Raises InvitationRefused with what the form said
        when FAMHP Connect does not accept it."""
        wanted_roles = normalize_roles(roles, Target(self._config).role_clients())
        users = self.users_page()
        form = users.open_invitation_form()
        self._check_offered(form, email, organisation, role_names(wanted_roles))
        form.fill(email, first_name, last_name, organisation, role_names(wanted_roles))
        invited_at = datetime.now(UTC)
        page = users.page
        # the form's own post, wherever the deployment sends it
        with page.expect_response(
            lambda response: response.request.method == "POST" and response.request.is_navigation_request(),
            timeout=self._timeout_ms,
        ) as posted:
            form.send()
        status = posted.value.status
        if status >= 400:
            problems = self._refusal_of(form)
            raise InvitationRefused(
                f"FAMHP Connect refused to invite {email} into {organisation!r} (HTTP {status}): "
                f"{'; '.join(problems) or 'no reason shown'}",
                problems,
            )
        self._register_invited(email)
        log.info(
            "%s invited %s into %s (%s)",
            self._admin_email,
            email,
            organisation,
            describe_roles(wanted_roles),
        )
        # back on the list (the application shows it after sending), so the next invitation starts from it
        users.invite_button.wait_for(timeout=self._timeout_ms)
        return Invitation(
            email=email.lower(),
            first_name=first_name,
            last_name=last_name,
            organisation=organisation,
            roles=wanted_roles,
            invited_at=invited_at,
            invited_by=self._admin_email,
        )

    def resend(self, email: str) -> datetime:
        """Send the invitation of `email` again from the "Users" tab ("Resend invitation"); returns the moment just
        before, to wait for the new e-mail. Every earlier link and initial password of theirs stops working."""
        users = self.users_page()
        users.search(email)
        resent_at = datetime.now(UTC)
        users.resend_invitation(email)
        users.notices.filter(has_text=email).wait_for(timeout=self._timeout_ms)
        log.info("%s sent the invitation of %s again", self._admin_email, email)
        return resent_at

    def _refusal_of(self, form: InviteUserForm) -> list[str]:
        """What the returned form says: the field errors, or the failure of the service."""
        try:
            form.form_errors.or_(form.failure).first.wait_for(timeout=self._timeout_ms)
        except PlaywrightError:
            return []
        return [text.strip() for text in form.field_errors.all_inner_texts() + form.failure.all_inner_texts()]

    def _check_offered(self, form: InviteUserForm, email: str, organisation: str, roles: list[str]) -> None:
        offered_organisations = form.offered_organisations()
        offered_roles = form.offered_roles()
        problems = []
        if organisation not in offered_organisations:
            problems.append(
                f"organisation {organisation!r} is not offered to {self._admin_email} "
                f"(offered: {', '.join(offered_organisations) or 'none'})"
            )
        missing = [role for role in roles if role not in offered_roles]
        if missing:
            problems.append(f"role {', '.join(missing)} is not offered (offered: {', '.join(offered_roles)})")
        if problems:
            raise InvitationRefused(f"cannot invite {email}: {'; '.join(problems)}", problems)

    def _register_invited(self, email: str) -> None:
        if email.lower() in (pending.lower() for pending in self.registry.pending):
            return  # invited again: one removal is enough
        if self.admin is not None:
            admin = self.admin
            self.registry.register(email, lambda: delete_by_email(admin, email))
        else:
            self.registry.register(
                email,
                None,
                why_kept="invited through FAMHP Connect and no Keycloak admin credentials are configured "
                "(UAT_KEYCLOAK_ADMIN_USERNAME / UAT_KEYCLOAK_ADMIN_PASSWORD) to delete the account",
            )

    # -- the administrator's browser -----------------------------------------------------------------

    def _admin_page(self) -> Page:
        if self._page is None or self._page.is_closed():
            browser = self._browser_factory()
            # a raw context, never traced: the sign-in types the administrator's password and codes
            # in the run's language: the page objects read its words, and the invitation form offers it
            self._context = browser.new_context(locale=self._config.browser_language)
            self._context.set_default_timeout(self._timeout_ms)
            self._page = self._context.new_page()
            self._signed_in_once = False
        return self._page

    def users_page(self) -> UsersPage:
        """FAMHP Connect's "Users" tab in the administrator's browser, signing in first when needed."""
        page = self._admin_page()
        users, tabs = UsersPage(page), ConnectTabs(page)
        screens = KeycloakScreens(page, self._timeout_ms)
        if not self._signed_in_once and self._config.setup_sign_in == SIGN_IN_OVER_HTTP:
            # the administrator's sign-in is set-up, never what a scenario is about: over HTTP when the forms allow
            with self._sign_in_turn():
                sign_in_over_http(
                    screens,
                    self._authenticator,
                    self._admin_email,
                    self._org_admin.password,
                    self._config.famhp_connect_url,
                )
        else:
            tabs.open(self._config.famhp_connect_url)
        self._signed_in_once = True
        if screens.current() is not None:
            # no session yet, or it expired: Keycloak asks the administrator to sign in
            self._sign_in(screens)
        if not users.invite_button.is_visible():  # FAMHP Connect may open on the Users tab already
            tabs.open_users()
        try:
            users.invite_button.wait_for(timeout=self._timeout_ms)
        except PlaywrightError:
            raise UserProviderError(
                f"FAMHP Connect's Users tab (button 'Invite user') did not appear for {self._admin_email} "
                f"within {self._timeout_ms / 1000:.0f} s; the browser shows {page.title()!r} at {page.url} "
                "(does the administrator hold IAM_USER_MANAGER?)"
            ) from None
        return users

    def _sign_in_turn(self) -> AbstractContextManager[object]:
        """A shared administrator's sign-ins on this machine keep apart (brute-force detection locks an account
        signed in twice within a second)."""
        return nullcontext() if self._lease is None else self._lease.sign_in_turn()

    def _sign_in(self, screens: KeycloakScreens) -> None:
        with self._sign_in_turn():
            self._sign_in_now(screens)

    def _sign_in_now(self, screens: KeycloakScreens) -> None:
        screens.sign_in(self._admin_email, self._org_admin.password)
        screen: KeycloakPage | None = screens.wait_for_one_of(OtpPage, LoginPage)
        if isinstance(screen, LoginPage):
            raise self._refused_sign_in(screens)
        for attempt in (1, 2):
            assert isinstance(screen, OtpPage)
            screen.enter_code(self._authenticator.code_for(self._admin_email))
            screen = screens.current()
            if not isinstance(screen, OtpPage):
                break
            # Refused: another tool with its own record of used steps took this code. The next step is
            # still within look-around, and one failure followed by a success never trips brute force.
            log.warning("the one-time code of %s was refused (attempt %d)", self._admin_email, attempt)
        else:
            raise UserProviderError(
                f"Keycloak refused two one-time codes for {self._admin_email} at {screens.page.url}; "
                "check UAT_ORG_ADMIN_TOTP_SECRET and the clock"
            )
        if isinstance(screen, LoginPage):
            raise self._refused_sign_in(screens)
        if screen is not None:
            raise UserProviderError(
                f"after signing in, {self._admin_email} stays on Keycloak page '{screen.PAGE_ID}' at "
                f"{screens.page.url}; the administrator account must be fully onboarded"
            )
        log.info("%s signed in to FAMHP Connect", self._admin_email)

    def _refused_sign_in(self, screens: KeycloakScreens) -> Exception:
        """Keycloak sent the administrator back to the sign-in form. It says the same for a wrong password and
        for an account brute-force detection has locked, so ask the admin API which it is, when it is at hand."""
        lockout = None
        if self.admin is not None:
            try:
                account = self.admin.find_user(self._admin_email)
                lockout = self.admin.lockout_of(account.id) if account is not None else None
            except KeycloakAdminError as exc:
                log.info("could not ask Keycloak about a lockout of %s: %s", self._admin_email, exc)
        if lockout is not None and lockout.locked:
            return AccountTemporarilyLocked(
                f"{lockout.describe(self._admin_email)}. Another process signed in as the same organisation "
                "administrator at the same moment: give each shard and worker its own (UAT_ORG_ADMINS). "
                f"Sign-in refused at {screens.page.url}"
            )
        if lockout is not None:
            return UserProviderError(
                f"Keycloak refused the password of {self._admin_email} at {screens.page.url} and the account is not "
                "locked: check UAT_ORG_ADMIN_PASSWORD (or the administrator's password in UAT_ORG_ADMINS)"
            )
        return UserProviderError(
            f"Keycloak sent {self._admin_email} back to the sign-in form at {screens.page.url}: a wrong password, or "
            "an account brute-force detection has temporarily locked (Keycloak shows the same message for both; "
            "configure Keycloak admin credentials to tell them apart)"
        )

    # -- users onboarded through the browser --------------------------------------------------------

    def create_onboarded(
        self, roles: RoleSpec = None, organizations: Sequence[str] = (), tag: str = "user"
    ) -> TestUser:
        """Invite a user and walk them through the first sign-in (OTP with the manual key, terms, new
        password) in a fresh, untraced browser context: slow, but needs no admin API."""
        if len(organizations) != 1:
            raise UserProviderError(
                "an invitation through FAMHP Connect names exactly one organisation, not "
                f"{len(organizations)} ({', '.join(organizations) or 'none'}); "
                "use the keycloak-admin provider for other cases"
            )
        email = self._config.new_address(tag)
        first_name, last_name = names_for(tag)
        invitation = self.invite(email, first_name, last_name, organizations[0], roles)
        with self._inbox_factory(self._config) as inbox:
            mail = Target(self._config).invitation_mail
            message = inbox.wait_for(email, mail.subject, since=invitation.invited_at)
            link = invitation_link(message, mail.link_label)
            first_password = initial_password(message, mail.password_labels)
            user = invitation.as_user(first_password)
            self._onboard(user, link)
            inbox.delete([message])
        log.info("onboarded invited user %s through the browser", email)
        return user

    def _onboard(self, user: TestUser, link: str) -> None:
        # the user's own phone: a process ledger is enough, nobody else has this key
        phone = VirtualAuthenticator(look_around=self._config.otp_look_around)
        # never traced: passwords and codes are typed; in the run's language, as the user reads it
        context = self._browser_factory().new_context(locale=self._config.browser_language)
        context.set_default_timeout(self._timeout_ms)
        try:
            page = context.new_page()
            follow_invitation_link(page, link, self._timeout_ms)
            screens = KeycloakScreens(page, self._timeout_ms)
            screens.sign_in(user.email, user.password)
            FirstSignIn(screens, user, phone, self._config.authenticator_issuer, scan_qr_code=False).complete()
        finally:
            context.close()

    def find(self, email: str) -> UserAccount | None:
        return self._require_admin("find a user").find_user(email)

    def delete(self, user: TestUser) -> None:
        removed = delete_by_email(self._require_admin(f"delete {user.email}"), user.email, user.user_id)
        self.registry.forget(user.email)
        log.info("deleted user %s%s", user.email, "" if removed else " (it was already gone)")

    def _require_admin(self, purpose: str) -> KeycloakAdmin:
        if self.admin is None:
            raise UserProviderError(
                f"cannot {purpose}: FAMHP Connect offers no deletion and no Keycloak admin credentials are "
                "configured (UAT_KEYCLOAK_ADMIN_USERNAME / UAT_KEYCLOAK_ADMIN_PASSWORD)"
            )
        return self.admin

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._context is not None:
                try:
                    self._context.close()
                except Exception as exc:  # the browser may already be gone at the end of the session
                    log.debug("closing the administrator's browser context: %s", exc)
                self._context = self._page = None
            if self._owns_admin and self.admin is not None:
                self.admin.close()
