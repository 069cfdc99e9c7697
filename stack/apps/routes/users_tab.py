"""FAMHP Connect, tab "Users": the users of my organisations, inviting a user and resending an invitation."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stack.apps.i18n import AUTONYMS, Message
from stack.apps.models import Invitation, utcnow
from stack.apps.routes.connect import USERS_TAB
from stack.apps.services.container import services
from stack.apps.services.invitation_requests import grantable_roles, parse_request
from stack.apps.services.invitations import CannotResend
from stack.apps.services.keycloak_admin import KeycloakAdminError, Member, Organization
from stack.apps.services.mailer import MailError
from stack.apps.web.auth import SignedInUser
from stack.apps.web.csrf import verify_csrf
from stack.apps.web.languages import request_language
from stack.apps.web.refusals import Forbidden, NotFound, ValidationFailed
from stack.apps.web.templating import flash

log = logging.getLogger(__name__)
LIST = USERS_TAB.path
router = APIRouter(prefix=LIST)


@dataclass(frozen=True)
class UserRow:
    member: Member
    organization: Organization
    status: str  # the catalogue's `users.status.<status>`
    can_resend: bool


UserManager = Annotated[SignedInUser, Depends(USERS_TAB.holder)]


async def _status(request: Request, member: Member, invitation: Invitation | None) -> tuple[str, bool]:
    if not member.enabled:
        return "disabled", False
    if invitation is None or invitation.withdrawn_at:
        return "active", False
    # invited here: pending until Keycloak has no required action left for the account
    account = await services(request).keycloak.user(member.id)
    if account and account.get("requiredActions"):
        expired = invitation.expires_at <= utcnow() and not invitation.used_at
        return ("invitation_expired" if expired else "invitation_pending"), True
    return "active", False


@router.get("", name="users_list")
async def list_users(request: Request, user: UserManager, q: str = "") -> Response:
    keycloak = services(request).keycloak
    organizations = await USERS_TAB.organizations(request, user)
    search = q.strip()[:100]
    memberships = await asyncio.gather(*(keycloak.organization_members(org.id, search) for org in organizations))
    pairs = [(member, org) for org, members in zip(organizations, memberships, strict=True) for member in members]
    with services(request).db() as db:
        ids = {member.id for member, _ in pairs}
        # the invitations that made these accounts; a notice to an existing account says nothing about its status
        invited = select(Invitation).where(Invitation.user_id.in_(ids), Invitation.account_created.is_(True))
        found = db.scalars(invited.order_by(Invitation.created_at))
        latest = {invitation.user_id: invitation for invitation in found}  # later rows overwrite earlier
    statuses = await asyncio.gather(*(_status(request, member, latest.get(member.id)) for member, _ in pairs))
    rows = [
        UserRow(member, org, status, can_resend)
        for (member, org), (status, can_resend) in zip(pairs, statuses, strict=True)
    ]
    rows.sort(key=lambda row: (row.organization.name, row.member.email))
    return USERS_TAB.page(request, user, "connect/users.html", {"rows": rows, "q": search})


def _form_context(
    user: SignedInUser, organizations: list[Organization], values: dict[str, object], errors: dict[str, Message]
) -> dict:
    # only the roles the inviter holds are offered (and only those are accepted)
    return {
        "organizations": organizations,
        "roles": grantable_roles(user),
        "invitation_languages": AUTONYMS,
        "values": values,
        "errors": errors,
    }


@router.get("/invite", name="users_invite_form")
async def invite_form(request: Request, user: UserManager) -> Response:
    organizations = await USERS_TAB.organizations(request, user)
    # the invitee's language starts as the inviter's own
    values: dict[str, object] = {"roles": [], "language": request_language(request)}
    return USERS_TAB.page(request, user, "connect/invite.html", _form_context(user, organizations, values, {}))


@router.post("/invite", name="users_invite", dependencies=[Depends(verify_csrf)])
async def invite(request: Request, user: UserManager) -> Response:
    services(request).rate_limits.invitations.hit(user.id)
    form = await request.form()
    roles = [str(role) for role in form.getlist("roles")]
    fields = ("email", "first_name", "last_name", "language")
    values: dict[str, object] = {name: str(form.get(name) or "") for name in fields}
    values["organization"] = str(form.get("organization") or "")
    values["roles"] = roles
    organizations = await USERS_TAB.organizations(request, user)
    try:
        wanted = parse_request(values, roles, organizations, grantable_roles(user))
        invitation = await services(request).invitations.invite(wanted, user)
    except ValidationFailed as failed:
        context = _form_context(user, organizations, values, failed.fields)
        return USERS_TAB.page(request, user, "connect/invite.html", context, status=422)
    except (MailError, KeycloakAdminError) as error:
        log.error("an invitation failed: %s", error)
        context = _form_context(user, organizations, values, {})
        context["failure"] = Message("invite.failure")
        return USERS_TAB.page(request, user, "connect/invite.html", context, status=502)
    flash(request, Message("notice.invited", email=invitation.email))
    return RedirectResponse(LIST, status_code=303)


@router.post("/{user_id}/resend", name="users_resend", dependencies=[Depends(verify_csrf)])
async def resend(request: Request, user_id: str, user: UserManager) -> Response:
    services(request).rate_limits.invitations.hit(user.id)  # a resend sends mail too
    organizations = await USERS_TAB.organizations(request, user)
    invitation = services(request).invitations.latest_for_user(user_id)
    if invitation is None or invitation.withdrawn_at:
        raise NotFound(Message("error.no_invitation"))
    if invitation.organization_id not in {org.id for org in organizations}:
        raise Forbidden(Message("error.foreign_invitation"))
    try:
        fresh = await services(request).invitations.resend(invitation)
    except CannotResend as refusal:
        flash(request, Message("notice.not_resent", email=invitation.email, reason=refusal.reason))
    except (MailError, KeycloakAdminError) as error:
        log.error("resending the invitation of %s failed: %s", invitation.email, error)
        flash(request, Message("notice.resend_failed", email=invitation.email))
    else:
        flash(request, Message("notice.resent", email=fresh.email))
    return RedirectResponse(LIST, status_code=303)
