"""FAMHP Connect, tab "API Keys": list, create (secret shown once), revoke with confirmation.

Every route checks IAM_API_KEY_MANAGER and the organisation itself; the nav hiding the tab is only a courtesy.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stack.apps.models import ApiKey
from stack.apps.routes.connect import API_KEYS_TAB
from stack.apps.services import api_keys
from stack.apps.services.container import services
from stack.apps.services.keycloak_admin import Organization
from stack.apps.services.organizations import pick_organization
from stack.apps.web.auth import SignedInUser
from stack.apps.web.csrf import verify_csrf
from stack.apps.web.refusals import Forbidden, NotFound, ValidationFailed
from stack.apps.web.templating import flash

LIST = API_KEYS_TAB.path
router = APIRouter(prefix=LIST)


KeyManager = Annotated[SignedInUser, Depends(API_KEYS_TAB.holder)]


def _key_in_scope(db: Session, key_id: str, organizations: list[Organization]) -> ApiKey:
    key = db.get(ApiKey, key_id)
    if key is None:
        raise NotFound("There is no such API key.")
    if key.organization_id not in {org.id for org in organizations}:
        raise Forbidden("This API key belongs to an organisation you cannot manage.")
    return key


@router.get("", name="apikeys_list")
async def list_keys(request: Request, user: KeyManager) -> Response:
    organizations = await API_KEYS_TAB.organizations(request, user)
    services(request).last_used.flush()  # the moments the API noted, so the list shows the latest
    with services(request).db() as db:
        keys = api_keys.keys_of(db, (org.id for org in organizations))
    return API_KEYS_TAB.page(request, user, "connect/apikeys.html", {"keys": keys})


@router.get("/new", name="apikeys_new")
async def new_key_form(request: Request, user: KeyManager) -> Response:
    organizations = await API_KEYS_TAB.organizations(request, user)
    return API_KEYS_TAB.page(
        request, user, "connect/apikey_new.html", {"organizations": organizations, "values": {}, "errors": {}}
    )


@router.post("", name="apikeys_create", dependencies=[Depends(verify_csrf)])
async def create_key(request: Request, user: KeyManager) -> Response:
    form = await request.form()
    values = {"name": str(form.get("name") or ""), "organization": str(form.get("organization") or "")}
    organizations = await API_KEYS_TAB.organizations(request, user)
    errors: dict[str, str] = {}
    try:
        name = api_keys.clean_name(values["name"])
    except ValidationFailed as failed:
        errors.update(failed.fields)
    organization = None
    if not values["organization"]:
        errors["organization"] = "Choose an organisation."
    else:
        organization = pick_organization(organizations, values["organization"])  # forged id: 403
    if not errors and organization is not None:
        try:
            with services(request).db() as db:
                key, secret = api_keys.create_key(db, name, organization, user)
        except ValidationFailed as failed:
            errors.update(failed.fields)
        else:
            services(request).one_time_secrets.keep(user.id, key.id, secret)
            return RedirectResponse(f"{LIST}/{key.id}/created", status_code=303)
    context: dict[str, object] = {"organizations": organizations, "values": values, "errors": errors}
    return API_KEYS_TAB.page(request, user, "connect/apikey_new.html", context, status=422)


@router.get("/{key_id}/created", name="apikeys_created")
async def show_secret_once(request: Request, key_id: str, user: KeyManager) -> Response:
    secret = services(request).one_time_secrets.take(user.id, key_id)
    if secret is None:
        # shown once already (reload, back button, another tab): it cannot be shown again
        return RedirectResponse(LIST, status_code=303)
    with services(request).db() as db:
        key = db.get(ApiKey, key_id)
    return API_KEYS_TAB.page(request, user, "connect/apikey_created.html", {"key": key, "secret": secret})


@router.get("/{key_id}/revoke", name="apikeys_revoke_confirm")
async def confirm_revoke(request: Request, key_id: str, user: KeyManager) -> Response:
    organizations = await API_KEYS_TAB.organizations(request, user)
    with services(request).db() as db:
        key = _key_in_scope(db, key_id, organizations)
    if key.revoked_at is not None:
        flash(request, f"The API key “{key.name}” is already revoked.")
        return RedirectResponse(LIST, status_code=303)
    return API_KEYS_TAB.page(request, user, "connect/apikey_revoke.html", {"key": key})


@router.post("/{key_id}/revoke", name="apikeys_revoke", dependencies=[Depends(verify_csrf)])
async def revoke_key(request: Request, key_id: str, user: KeyManager) -> Response:
    organizations = await API_KEYS_TAB.organizations(request, user)
    with services(request).db() as db:
        key = _key_in_scope(db, key_id, organizations)
        api_keys.revoke(db, key, user)
    services(request).api_callers.revoked(key.secret_hash)  # after the commit: the API refuses it from now on
    flash(request, f"The API key “{key.name}” was revoked.")
    return RedirectResponse(LIST, status_code=303)
