"""FAMHP Connect (IamExternalWeb) entry: the tabs a user may see, and the landing that opens the first one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import RedirectResponse, Response

from stack.apps.applications import CONNECT, IAM_API_KEY_MANAGER, IAM_USER_MANAGER
from stack.apps.auth import SignedInUser, signed_in
from stack.apps.errors import Forbidden

router = APIRouter(prefix=CONNECT.path)
connect_user = signed_in(CONNECT)
ConnectUser = Annotated[SignedInUser, Depends(connect_user)]


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    path: str
    role: str


TABS = (
    Tab("users", "Users", f"{CONNECT.path}/users", IAM_USER_MANAGER),
    Tab("apikeys", "API Keys", f"{CONNECT.path}/apikeys", IAM_API_KEY_MANAGER),
)


def visible_tabs(user: SignedInUser) -> list[Tab]:
    """A tab is shown only to holders of its role (the pages check the role again themselves)."""
    return [tab for tab in TABS if user.has_role(CONNECT.client_id, tab.role)]


@router.get("", name="connect_home")
@router.get("/", include_in_schema=False)
async def home(user: ConnectUser) -> Response:
    tabs = visible_tabs(user)
    if not tabs:
        raise Forbidden("You need the IAM_USER_MANAGER or IAM_API_KEY_MANAGER role to use FAMHP Connect.")
    return RedirectResponse(tabs[0].path, status_code=303)
