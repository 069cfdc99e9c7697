"""The stack's own logic without running it: realm rendering, clear errors for missing tools and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stack import provision
from stack.errors import StackError
from stack.manager import ReferenceStack
from stack.realm import TEMPLATE, fingerprint, realm_values, render_realm, with_seed_admins
from stack.settings import Credentials, Ports, seed_admin_count


def _render(profile: str) -> dict:
    return json.loads(render_realm(realm_values(profile, 1025, "http://localhost:8000", Credentials())))


def test_profiles_name_the_authenticator_account() -> None:
    assert _render("local")["displayName"] == "FAMHPExternals"
    assert _render("uat")["displayName"] == "UAT-FAMHPExternals"


def test_realm_template_lists_every_required_action_it_relies_on() -> None:
    actions = {a["alias"]: a for a in _render("local")["requiredActions"]}
    for alias in ("CONFIGURE_TOTP", "TERMS_AND_CONDITIONS", "UPDATE_PASSWORD", "VERIFY_PROFILE", "UPDATE_PROFILE"):
        assert actions[alias]["enabled"], alias
    assert actions["CONFIGURE_TOTP"]["priority"] < actions["TERMS_AND_CONDITIONS"]["priority"]
    assert actions["TERMS_AND_CONDITIONS"]["priority"] < actions["UPDATE_PASSWORD"]["priority"]


def test_seed_admin_otp_credential_carries_the_generated_secret() -> None:
    creds = Credentials()
    realm = json.loads(render_realm(realm_values("local", 1025, "http://localhost:8000", creds)))
    seed = next(u for u in realm["users"] if u.get("email") == creds.seed_admin_email)
    otp = next(c for c in seed["credentials"] if c["type"] == "otp")
    assert json.loads(otp["secretData"]) == {"value": creds.seed_admin_totp_raw}
    assert len(creds.seed_admin_totp_base32) == 32


def test_a_changed_realm_has_another_fingerprint() -> None:
    one = render_realm(realm_values("local", 1025, "http://localhost:8000", Credentials()))
    other = render_realm(realm_values("local", 3025, "http://localhost:8000", Credentials()))
    assert fingerprint(one) != fingerprint(other)


def test_an_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    template = tmp_path / "realm.json"
    template.write_text(TEMPLATE.read_text().replace("${SMTP_PORT}", "${SMTP_PORTT}"))
    with pytest.raises(KeyError, match="SMTP_PORTT"):
        render_realm(realm_values("local", 1025, "http://localhost:8000", Credentials()), template)


def test_unknown_profile_and_mail_backend_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    with pytest.raises(StackError, match="unknown mail backend 'smtp'"):
        ReferenceStack(log=lambda _: None).up(mail="smtp")
    with pytest.raises(StackError, match="unknown profile 'production'"):
        ReferenceStack(log=lambda _: None).up(profile="production")


def test_a_bad_port_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMHP_UAT_APPS_PORT", "eighty")
    with pytest.raises(ValueError, match="FAMHP_UAT_APPS_PORT='eighty' is not a TCP port number"):
        Ports.from_environment()


def test_missing_maven_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StackError, match=r"Maven \(mvn\) is not installed.*apt-get install maven"):
        provision.maven_fetch("org.example:nothing:1", "nothing-1.jar", tmp_path, log=lambda _: None)


def test_no_suitable_java_lists_what_was_found() -> None:
    with pytest.raises(StackError, match=r"no suitable Java found: .* needs Java 99; found: .*Fix:"):
        provision.find_java(acceptable=(99,))


def test_every_seed_admin_has_its_own_totp_key_and_both_organisations() -> None:
    creds = Credentials().with_seed_admins(3)
    realm = json.loads(
        with_seed_admins(render_realm(realm_values("local", 1025, "http://x", creds)), creds.seed_admins)
    )
    emails = [admin.email for admin in creds.seed_admins]
    assert len(set(emails)) == 3 and emails[0] == creds.seed_admin_email
    secrets_seen = set()
    for admin in creds.seed_admins:
        user = next(u for u in realm["users"] if u.get("username") == admin.email)
        otp = next(c for c in user["credentials"] if c["type"] == "otp")
        secrets_seen.add(json.loads(otp["secretData"])["value"])
        assert next(c for c in user["credentials"] if c["type"] == "password")["value"] == admin.password
        assert user["clientRoles"]["famhp-connect"] == ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"]
    assert len(secrets_seen) == 3
    for organisation in realm["organizations"]:
        assert {m["username"] for m in organisation["members"]} == set(emails)


def test_resizing_the_seed_admins_keeps_the_secrets_of_those_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "credentials.json"
    four = Credentials.load_or_create(path, 4)
    two = Credentials.load_or_create(path, 2)
    assert two.seed_admins == four.seed_admins[:2]
    assert Credentials.load_or_create(path).seed_admins == two.seed_admins  # a status never resizes
    monkeypatch.setenv("FAMHP_UAT_SEED_ADMINS", "0")
    with pytest.raises(ValueError, match="FAMHP_UAT_SEED_ADMINS='0'"):
        seed_admin_count()


def test_reading_the_credentials_never_rewrites_them(tmp_path: Path) -> None:
    """Parallel runs ask `uat stack status --json` at the same moment: a read that rewrote the file (truncate, then
    write) let another reader see it empty."""
    path = tmp_path / "credentials.json"
    Credentials.load_or_create(path, 3)
    before = path.stat().st_mtime_ns, path.stat().st_ino
    for _ in range(3):
        Credentials.load_or_create(path)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    assert oct(path.stat().st_mode & 0o777) == "0o600"
