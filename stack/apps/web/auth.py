"""Who is signed in to the current application, and the guard that requires a client role (the guard that requires
a sign-in, re-checked against Keycloak, is routes/guards.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from stack.apps.applications import Application
from stack.apps.i18n import Message
from stack.apps.web.refusals import Forbidden

# when the session's roles and enabled state were last read from Keycloak (epoch seconds)
CHECKED_AT = "checked_at"


@dataclass(frozen=True)
class SignedInUser:
    id: str
    email: str
    name: str
    sso_session_id: str
    roles: dict[str, list[str]] = field(default_factory=dict)

    def has_role(self, client_id: str, role: str) -> bool:
        return role in self.roles.get(client_id, [])


class LoginRequired(Exception):
    """No session in this application: start its own authorization-code flow, then come back to ``next``."""

    def __init__(self, application: Application, next_url: str) -> None:
        self.application = application
        self.next_url = next_url
        super().__init__(f"sign-in to {application.title} required")


def current_user(request: Request) -> SignedInUser | None:
    user = request.session.get("user")
    if not user:
        return None
    return SignedInUser(
        id=user["sub"],
        email=user.get("email", ""),
        name=user.get("name") or user.get("email", ""),
        sso_session_id=user.get("sid", ""),
        roles=request.session.get("roles", {}),
    )


def return_url(request: Request, application: Application) -> str:
    # only a GET can be replayed after the round trip through Keycloak; a form post restarts at home
    if request.method != "GET":
        return application.path
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def require_role(user: SignedInUser, client_id: str, role: str, duty: Message) -> None:
    """`duty` says what the role allows ("manage API keys"), for the refusal."""
    if not user.has_role(client_id, role):
        raise Forbidden(Message("error.role_needed", role=role, duty=duty))
