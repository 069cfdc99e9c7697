"""The long-lived collaborators of one running app (database, Keycloak, mail, OIDC), found via the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    from stack.apps.config import Settings
    from stack.apps.keycloak_admin import KeycloakAdmin
    from stack.apps.mailer import Mailer
    from stack.apps.oidc import OidcClients
    from stack.apps.one_time import OneTimeSecrets
    from stack.apps.sessions import SessionStore
    from stack.apps.tokens import TokenVerifier


@dataclass
class Services:
    settings: Settings
    db: sessionmaker[Session]
    keycloak: KeycloakAdmin
    tokens: TokenVerifier
    mailer: Mailer
    sessions: SessionStore
    oidc: OidcClients
    one_time_secrets: OneTimeSecrets


def services(connection: HTTPConnection) -> Services:
    found = connection.app.state.services
    assert isinstance(found, Services)
    return found
