"""What the routes call: invitations, API keys, Keycloak admin, mail, OIDC clients, sessions, tokens."""
