"""The reference apps' rules that need no running stack: configuration, name and invitation input rules,
temporary passwords, return URLs, one-time secrets."""

from __future__ import annotations

import re

import pytest

from stack.apps.applications import CONNECT, PORTAL, ROLE_CLIENTS
from stack.apps.config import ConfigError, load_settings
from stack.apps.services.api_keys import clean_name, hash_secret, new_secret
from stack.apps.services.invitation_requests import parse_request
from stack.apps.services.invitations import temporary_password
from stack.apps.services.keycloak_admin import Organization
from stack.apps.services.oidc_clients import safe_next
from stack.apps.services.one_time_secrets import OneTimeSecrets
from stack.apps.web.refusals import Forbidden, ValidationFailed

SECRETS = {
    "FAMHP_PORTAL_CLIENT_SECRET": "a" * 32,
    "FAMHP_CONNECT_CLIENT_SECRET": "b" * 32,
    "FAMHP_VAMREG_CLIENT_SECRET": "c" * 32,
    "FAMHP_PROVISIONER_CLIENT_SECRET": "d" * 32,
    "FAMHP_SESSION_SECRET": "s" * 32,
}
ACME = Organization("org-acme", "Acme Pharma NV", "acme-pharma")
EVERY_ROLE = list(ROLE_CLIENTS)  # an inviter who holds every role (what they may grant: test_apps_hardening.py)


def test_configuration_defaults_everything_but_the_secrets() -> None:
    settings = load_settings(SECRETS)
    assert settings.apps_base_url == "http://localhost:8000"
    assert settings.issuer == "http://localhost:8080/realms/famhp-externals"
    assert settings.invitation_ttl_hours == 72
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("/.stack/apps/apps.db")


def test_configuration_lists_every_problem_at_once() -> None:
    environ = {
        "FAMHP_SMTP_PORT": "70000",
        "FAMHP_KEYCLOAK_URL": "localhost:8080",
        "FAMHP_SESSION_SECRET": "short",
    }
    with pytest.raises(ConfigError) as raised:
        load_settings(environ)
    message = str(raised.value)
    for name in (
        "FAMHP_PORTAL_CLIENT_SECRET is not set",
        "FAMHP_CONNECT_CLIENT_SECRET is not set",
        "FAMHP_VAMREG_CLIENT_SECRET is not set",
        "FAMHP_PROVISIONER_CLIENT_SECRET is not set",
        "FAMHP_SMTP_PORT='70000'",
        "FAMHP_KEYCLOAK_URL='localhost:8080'",
        "FAMHP_SESSION_SECRET='short'",
    ):
        assert name in message
    assert len(raised.value.problems) == 7


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("  Feed  ", "Feed"), ("My   key", "My key"), ("abc", "abc"), ("x" * 64, "x" * 64)],
)
def test_api_key_names_are_trimmed(raw: str, stored: str) -> None:
    assert clean_name(raw) == stored


@pytest.mark.parametrize("raw", ["", "   ", "ab", "x" * 65, "nul\x00inside"])
def test_api_key_names_break_the_rules(raw: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        clean_name(raw)
    assert set(raised.value.fields) == {"name"}


def test_api_key_secret_has_a_visible_prefix_and_is_stored_as_sha256() -> None:
    secret, prefix = new_secret()
    assert re.fullmatch(r"famhp_[0-9a-f]{8}", prefix) and secret.startswith(prefix + "_")
    assert len(hash_secret(secret)) == 64 and secret not in hash_secret(secret)


def test_temporary_passwords_meet_the_realm_policy() -> None:
    for _ in range(200):
        password = temporary_password()
        assert 12 <= len(password) <= 64
        assert re.search(r"[A-Z]", password) and re.search(r"[a-z]", password)
        assert re.search(r"[0-9]", password) and re.search(r"[^A-Za-z0-9]", password)


def _fields(**changes: str) -> dict[str, str]:
    return {
        "email": "Ines@Example.org",
        "first_name": " Ines ",
        "last_name": "Invitee",
        "organization": ACME.id,
        **changes,
    }


def test_invitation_input_is_normalised() -> None:
    wanted = parse_request(_fields(), ["VAMREG_USER", "IAM_USER_MANAGER"], [ACME], EVERY_ROLE)
    assert (wanted.email, wanted.first_name, wanted.organization) == ("ines@example.org", "Ines", ACME)
    assert wanted.roles == ("IAM_USER_MANAGER", "VAMREG_USER")


def test_invitation_input_reports_all_field_problems() -> None:
    with pytest.raises(ValidationFailed) as raised:
        fields = _fields(email="a@b", first_name="", last_name="x" * 101, organization="")
        parse_request(fields, ["ROOT"], [ACME], EVERY_ROLE)
    assert set(raised.value.fields) == {"email", "first_name", "last_name", "organization", "roles"}


def test_invitation_for_a_foreign_organisation_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        parse_request(_fields(organization="org-elsewhere"), [], [ACME], EVERY_ROLE)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/famhp-connect/apikeys?x=1", "/famhp-connect/apikeys?x=1"),
        ("/famhp-connect", "/famhp-connect"),
        ("/famhp-connect-evil/x", "/famhp-connect"),
        ("//evil.example/famhp-connect", "/famhp-connect"),
        ("https://evil.example/famhp-connect", "/famhp-connect"),
        ("/famhp-connect/..//evil.example", "/famhp-connect"),
        ("/portal", "/famhp-connect"),
        (None, "/famhp-connect"),
    ],
)
def test_return_urls_stay_inside_the_application(candidate: str | None, expected: str) -> None:
    assert safe_next(CONNECT, candidate) == expected
    assert safe_next(PORTAL, "/portal/") == "/portal/"


def test_a_new_secret_is_shown_once_and_only_to_its_creator() -> None:
    secrets = OneTimeSecrets()
    secrets.keep("user-1", "key-1", "famhp_x_secret")
    assert secrets.take("user-2", "key-1") is None
    assert secrets.take("user-1", "key-1") == "famhp_x_secret"
    assert secrets.take("user-1", "key-1") is None
