"""The long-lived services of one running app, built once by main.py and found by the routes via the request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

from stack.apps.services.account_checks import AccountChecks
from stack.apps.services.api_callers import ApiCallers
from stack.apps.services.invitations import Invitations
from stack.apps.services.keycloak_admin import KeycloakAdmin
from stack.apps.services.last_used import LastUsed
from stack.apps.services.oidc_clients import OidcClients
from stack.apps.services.one_time_secrets import OneTimeSecrets
from stack.apps.services.rate_limits import RateLimits
from stack.apps.services.tokens import TokenVerifier


@dataclass(frozen=True)
class Services:
    db: sessionmaker[Session]
    keycloak: KeycloakAdmin
    tokens: TokenVerifier
    oidc: OidcClients
    invitations: Invitations
    one_time_secrets: OneTimeSecrets
    accounts: AccountChecks
    rate_limits: RateLimits
    last_used: LastUsed
    api_callers: ApiCallers


def services(connection: HTTPConnection) -> Services:
    found = connection.app.state.services
    assert isinstance(found, Services)
    return found
