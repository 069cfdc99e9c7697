"""The "Confirm your invitation" landing: a single-use, expiring link. Opening it (GET) only shows what it is and a
button; confirming (POST) uses it and opens the portal sign-in. Mail scanners and link previews open links before
the person does: a GET that used the link would leave the person with a dead one."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from stack.apps.applications import PORTAL
from stack.apps.i18n import Message
from stack.apps.services.container import services
from stack.apps.web.templating import render

router = APIRouter(prefix="/invitations")

# status -> (HTTP status, kind: the reference skin's data-testid); what the page says is `invitation.<status>.*`
_REFUSALS: dict[str, tuple[int, str]] = {
    "unknown": (404, "invitation-unknown"),
    "used": (410, "invitation-used"),
    "expired": (410, "invitation-expired"),
    "superseded": (410, "invitation-replaced"),
    "withdrawn": (410, "invitation-withdrawn"),
}


def _refusal(request: Request, outcome: str) -> Response:
    status, kind = _REFUSALS[outcome]
    heading, message = Message(f"invitation.{outcome}.heading"), Message(f"invitation.{outcome}.text")
    context = {"title": heading, "message": message, "kind": kind, "portal": PORTAL.path}
    return render(request, "invitation_refused.html", context, status_code=status)


@router.get("/{token}", name="invitation_landing")
async def show(request: Request, token: str) -> Response:
    outcome, invitation = services(request).invitations.look_up(token)
    if outcome != "pending" or invitation is None:
        return _refusal(request, outcome)
    context = {"organization": invitation.organization_name, "action": request.url.path}
    return render(request, "invitation_confirm.html", context)


@router.post("/{token}", name="invitation_confirm")
async def confirm(request: Request, token: str) -> Response:
    outcome, invitation = services(request).invitations.consume(token)
    if outcome != "accepted" or invitation is None:
        return _refusal(request, outcome)
    query = urlencode({"login_hint": invitation.email})
    return RedirectResponse(f"{PORTAL.path}/login?{query}", status_code=303)
