"""VAMREG: a small OIDC-protected application that shows who is signed in and for which organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from stack.apps.applications import VAMREG, VAMREG_USER
from stack.apps.i18n import Message
from stack.apps.routes.guards import signed_in
from stack.apps.services.container import services
from stack.apps.web.auth import SignedInUser, require_role
from stack.apps.web.templating import render

router = APIRouter(prefix=VAMREG.path)
VamregUser = Annotated[SignedInUser, Depends(signed_in(VAMREG))]


@router.get("", name="vamreg_home")
@router.get("/", include_in_schema=False)
async def home(request: Request, user: VamregUser) -> Response:
    require_role(user, VAMREG.client_id, VAMREG_USER, Message("duty.use_vamreg"))
    organizations = await services(request).keycloak.user_organizations(user.id)
    return render(request, "vamreg/home.html", {"organizations": organizations})
