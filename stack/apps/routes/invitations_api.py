"""FAMHP Connect invitations JSON API for tools, authenticated by a Keycloak access token (Bearer) that Keycloak
issued to FAMHP Connect.

Same rules as the "Users" pages: IAM_USER_MANAGER (as Keycloak holds it now, not as the token remembers it), only
my organisations, only roles I hold, the same input checks and the same rate limit.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from stack.apps.applications import CONNECT, IAM_USER_MANAGER
from stack.apps.i18n import Message
from stack.apps.models import Invitation, utcnow
from stack.apps.services.container import services
from stack.apps.services.invitation_requests import grantable_roles, parse_request
from stack.apps.services.invitations import CannotResend
from stack.apps.services.keycloak_admin import KeycloakAdminError, Organization
from stack.apps.services.mailer import MailError
from stack.apps.services.organizations import organizations_for_role
from stack.apps.services.tokens import InvalidToken
from stack.apps.web.auth import SignedInUser
from stack.apps.web.refusals import ApiError, ValidationFailed

router = APIRouter(prefix=f"{CONNECT.path}/api/invitations")


async def api_user_manager(request: Request) -> SignedInUser:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Send 'Authorization: Bearer <Keycloak access token>'.")
    try:
        claims = await services(request).tokens.verify(token.strip(), client_id=CONNECT.client_id)
    except InvalidToken as error:
        raise ApiError(401, "invalid_token", str(error)) from error
    # the token may be minutes old: a user disabled or demoted since then is refused now
    roles = await services(request).accounts.live_roles(claims["sub"])
    if roles is None:
        raise ApiError(401, "invalid_token", "The account of this token is disabled or no longer exists.")
    user = SignedInUser(
        id=claims["sub"],
        email=claims.get("email", ""),
        name=claims.get("name", ""),
        sso_session_id=claims.get("sid", ""),
        roles=roles,
    )
    if not user.has_role(CONNECT.client_id, IAM_USER_MANAGER):
        raise ApiError(403, "forbidden", f"The {IAM_USER_MANAGER} role of {CONNECT.client_id} is required.")
    return user


ApiUserManager = Annotated[SignedInUser, Depends(api_user_manager)]


async def _my_organizations(request: Request, user: SignedInUser) -> list[Organization]:
    return await organizations_for_role(services(request).keycloak, user, CONNECT.client_id, IAM_USER_MANAGER)


def _as_json(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "userId": invitation.user_id,
        "email": invitation.email,
        "firstName": invitation.first_name,
        "lastName": invitation.last_name,
        "organization": {"id": invitation.organization_id, "name": invitation.organization_name},
        "roles": invitation.role_list,
        "status": invitation.status(utcnow()),
        "invitedBy": invitation.invited_by,
        "createdAt": invitation.created_at.isoformat(),
        "expiresAt": invitation.expires_at.isoformat(),
    }


async def _in_scope(request: Request, user: SignedInUser, invitation_id: str) -> Invitation:
    with services(request).db() as db:
        invitation = db.get(Invitation, invitation_id)
    if invitation is None:
        raise ApiError(404, "not_found", "There is no such invitation.")
    if invitation.organization_id not in {org.id for org in await _my_organizations(request, user)}:
        raise ApiError(403, "forbidden", "This invitation belongs to an organisation you cannot manage.")
    return invitation


def _failed(error: Exception) -> ApiError:
    return ApiError(502, "upstream_failed", f"The invitation could not be completed: {error}")


@router.post("", status_code=201)
@router.post("/", status_code=201, include_in_schema=False)  # tools often add the slash
async def create(request: Request, user: ApiUserManager) -> JSONResponse:
    services(request).rate_limits.invitations.hit(user.id)
    try:
        body = json.loads(await request.body())
    except ValueError as error:
        raise ApiError(400, "bad_request", "The body must be a JSON object.") from error
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    roles = body.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        problem = {"roles": Message("invite.roles_not_a_list")}
        raise ApiError(422, "validation_failed", "The request is not valid.", problem)
    fields = {
        "email": body.get("email"),
        "first_name": body.get("firstName"),
        "last_name": body.get("lastName"),
        "organization": body.get("organizationId"),
        "language": body.get("language"),  # optional: the invitee's language (en, nl, fr, de)
    }
    try:
        wanted = parse_request(fields, roles, await _my_organizations(request, user), grantable_roles(user))
        invitation = await services(request).invitations.invite(wanted, user)
    except ValidationFailed as failed:
        names = {"first_name": "firstName", "last_name": "lastName", "organization": "organizationId"}
        problems = {names.get(field, field): message for field, message in failed.fields.items()}
        raise ApiError(422, "validation_failed", "The request is not valid.", problems) from failed
    except (MailError, KeycloakAdminError) as error:
        raise _failed(error) from error
    return JSONResponse(_as_json(invitation), status_code=201)


@router.get("")
@router.get("/", include_in_schema=False)
async def list_invitations(request: Request, user: ApiUserManager) -> JSONResponse:
    organization_ids = [org.id for org in await _my_organizations(request, user)]
    with services(request).db() as db:
        query = (
            select(Invitation)
            .where(Invitation.organization_id.in_(organization_ids))
            .order_by(Invitation.created_at.desc())
        )
        invitations = [_as_json(invitation) for invitation in db.scalars(query)]
    return JSONResponse({"invitations": invitations})


@router.get("/{invitation_id}")
async def get_invitation(request: Request, invitation_id: str, user: ApiUserManager) -> JSONResponse:
    return JSONResponse(_as_json(await _in_scope(request, user, invitation_id)))


@router.post("/{invitation_id}/resend")
async def resend(request: Request, invitation_id: str, user: ApiUserManager) -> JSONResponse:
    services(request).rate_limits.invitations.hit(user.id)  # a resend sends mail too
    invitation = await _in_scope(request, user, invitation_id)
    if invitation.withdrawn_at:
        raise ApiError(409, "conflict", "This invitation was withdrawn.")
    try:
        fresh = await services(request).invitations.resend(invitation)
    except CannotResend as refusal:
        raise ApiError(409, "conflict", refusal.reason) from refusal
    except (MailError, KeycloakAdminError) as error:
        raise _failed(error) from error
    return JSONResponse(_as_json(fresh))


@router.delete("/{invitation_id}", status_code=204)
async def withdraw(request: Request, invitation_id: str, user: ApiUserManager) -> Response:
    """Withdraws the invitation: removes the account only while the invitation is unused and the account not yet
    active (tools clean up this way); otherwise only the membership in the invitation's organisation ends."""
    invitation = await _in_scope(request, user, invitation_id)
    try:
        await services(request).invitations.withdraw(invitation)
    except KeycloakAdminError as error:
        raise _failed(error) from error
    return Response(status_code=204)
