"""The "Confirm your invitation" landing: a single-use, expiring link that opens the portal sign-in."""

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


@router.get("/{token}", name="invitation_landing")
async def confirm(request: Request, token: str) -> Response:
    outcome, invitation = services(request).invitations.consume(token)
    if outcome == "accepted" and invitation is not None:
        query = urlencode({"login_hint": invitation.email})
        return RedirectResponse(f"{PORTAL.path}/login?{query}", status_code=303)
    status, kind = _REFUSALS[outcome]
    heading, message = Message(f"invitation.{outcome}.heading"), Message(f"invitation.{outcome}.text")
    context = {"title": heading, "message": message, "kind": kind, "portal": PORTAL.path}
    return render(request, "invitation_refused.html", context, status_code=status)
