"""The bundled reference stack: real Keycloak, Mailpit, GreenMail and the reference portal apps."""
