"""FAMHP Connect (IamExternalWeb) entry: the tabs a user may see, and the landing that opens the first one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stack.apps.applications import CONNECT, IAM_API_KEY_MANAGER, IAM_USER_MANAGER
from stack.apps.i18n import Message
from stack.apps.routes.guards import signed_in
from stack.apps.services.container import services
from stack.apps.services.keycloak_admin import Organization
from stack.apps.services.organizations import organizations_for_role
from stack.apps.web.auth import SignedInUser, require_role
from stack.apps.web.refusals import Forbidden
from stack.apps.web.templating import render

router = APIRouter(prefix=CONNECT.path)
ConnectUser = Annotated[SignedInUser, Depends(signed_in(CONNECT))]


@dataclass(frozen=True)
class Tab:
    """One tab: shown to, and usable by, holders of ``role`` only; ``duty`` names what the role allows. Its label is
    the catalogue's `connect.tab.<key>`."""

    key: str
    path: str
    role: str
    duty: Message

    async def holder(self, user: ConnectUser) -> SignedInUser:
        """FastAPI dependency: the signed-in user, who must hold the tab's role (the nav hiding it is a courtesy)."""
        require_role(user, CONNECT.client_id, self.role, self.duty)
        return user

    async def organizations(self, request: Request, user: SignedInUser) -> list[Organization]:
        """The organisations the user may act for in this tab."""
        return await organizations_for_role(services(request).keycloak, user, CONNECT.client_id, self.role)

    def page(
        self, request: Request, user: SignedInUser, name: str, context: dict[str, object], status: int = 200
    ) -> Response:
        """Renders a page of this tab, with the tab nav."""
        return render(request, name, {"tabs": visible_tabs(user), "active_tab": self.key, **context}, status)


USERS_TAB = Tab("users", f"{CONNECT.path}/users", IAM_USER_MANAGER, Message("duty.manage_users"))
API_KEYS_TAB = Tab("apikeys", f"{CONNECT.path}/apikeys", IAM_API_KEY_MANAGER, Message("duty.manage_api_keys"))
TABS = (USERS_TAB, API_KEYS_TAB)


def visible_tabs(user: SignedInUser) -> list[Tab]:
    """A tab is shown only to holders of its role (the pages check the role again themselves)."""
    return [tab for tab in TABS if user.has_role(CONNECT.client_id, tab.role)]


@router.get("", name="connect_home")
@router.get("/", include_in_schema=False)
async def home(user: ConnectUser) -> Response:
    tabs = visible_tabs(user)
    if not tabs:
        raise Forbidden(Message("error.connect_roles_needed"))
    return RedirectResponse(tabs[0].path, status_code=303)
