"""IAM External Portal: a dashboard with the user's organisations and a tile per application they may open."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from stack.apps.applications import PORTAL, TILE_APPLICATIONS
from stack.apps.routes.guards import signed_in
from stack.apps.services.container import services
from stack.apps.web.auth import SignedInUser
from stack.apps.web.templating import render

router = APIRouter(prefix=PORTAL.path)
PortalUser = Annotated[SignedInUser, Depends(signed_in(PORTAL))]


@router.get("", name="portal_home")
@router.get("/", include_in_schema=False)
async def dashboard(request: Request, user: PortalUser) -> Response:
    organizations = await services(request).keycloak.user_organizations(user.id)
    # a tile per application on which the user holds at least one client role (from the access token)
    tiles = [app for app in TILE_APPLICATIONS if user.roles.get(app.client_id)]
    return render(request, "portal/dashboard.html", {"organizations": organizations, "tiles": tiles})
