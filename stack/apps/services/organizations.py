"""Organisation scoping: which Keycloak organisations a signed-in user may act for with a given role."""

from __future__ import annotations

from stack.apps.i18n import Message
from stack.apps.services.keycloak_admin import KeycloakAdmin, Organization
from stack.apps.web.auth import SignedInUser
from stack.apps.web.refusals import Forbidden


async def organizations_for_role(
    keycloak: KeycloakAdmin, user: SignedInUser, client_id: str, role: str
) -> list[Organization]:
    """Organisations where the user is a member AND holds ``role`` (roles are realm-wide client roles,
    so that is every membership when the role is held, none otherwise). Asked live: membership is
    Keycloak's, never a copy in the session."""
    if not user.has_role(client_id, role):
        return []
    return await keycloak.user_organizations(user.id)


def pick_organization(allowed: list[Organization], organization_id: str) -> Organization:
    """The organisation the form or API names, if the user may act for it; a forged id is a 403."""
    for organization in allowed:
        if organization.id == organization_id:
            return organization
    raise Forbidden(Message("error.foreign_organisation"))
