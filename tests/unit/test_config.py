"""Configuration layering (overrides > environment > .env > running stack > profile) and the single error
that names every problem."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from support.config import (
    ConfigurationError,
    UatConfig,
    load_config,
    reference_stack_wanted,
)
from support.secrets import Secret
from support.stack_discovery import StackDiscoveryError, parse_stack_status
from tests.unit.profile_facts import TARGET_FACTS_TOML

TOTP_KEY = "MFRGGZDFMZTWQ2LKGAYTEMZUGU3DOOBZ"

DEMO_PROFILE = (
    """
portal_url = "https://demo.example/portal"
famhp_connect_url = "https://demo.example/famhp-connect"
vamreg_url = "https://demo.example/vamreg"
api_url = "https://demo.example/api/v1"
keycloak_url = "https://sso.demo.example"
realm = "externals"
authenticator_issuer = "DEMO-FAMHPExternals"
user_provider = "invite-ui"
org_admin_email = "admin@demo.example"
mail_backend = "mailpit"
mailpit_url = "http://mail.demo.example:8025"
mail_address_template = "qa+{tag}@demo.example"
stack = "never"
"""
    + TARGET_FACTS_TOML
)

# the shape `uat stack status --json` prints (README, "The reference stack")
STACK_STATUS: dict[str, Any] = {
    "running": True,
    "healthy": True,
    "keycloak": {
        "url": "http://localhost:18080",
        "realm": "famhp-externals",
        "admin_username": "admin",
        "admin_password": "stack-admin-pw-1",
        "management_url": "http://localhost:19000",
    },
    "mailpit": {"url": "http://localhost:18025", "smtp_port": 11025},
    "greenmail": None,
    "apps": {"base_url": "http://localhost:18000"},
    "mail_backend": "mailpit",
    "profile": "local",
    "realm_display_name": "FAMHPExternals",
    "seed_users": [
        {
            "email": "olivia.admin@acme-pharma.test",
            "password": "Seed#Admin2026pw",
            "totp_secret": TOTP_KEY,
            "roles": {
                "famhp-connect": ["IAM_API_KEY_MANAGER", "IAM_USER_MANAGER"],
                "vamreg": ["VAMREG_USER"],
            },
            "organizations": ["Acme Pharma NV"],
        }
    ],
}


class StackRunner:
    """Stands in for the `uat stack status --json` subprocess."""

    def __init__(self, payload: dict[str, Any] | None = None, returncode: int = 0, stderr: str = "") -> None:
        self.payload = STACK_STATUS if payload is None else payload
        self.returncode = returncode
        self.stderr = stderr
        self.calls: list[Sequence[str]] = []

    def __call__(self, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        self.calls.append(command)
        return subprocess.CompletedProcess(list(command), self.returncode, json.dumps(self.payload), self.stderr)


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "environments"
    folder.mkdir()
    (folder / "demo.toml").write_text(DEMO_PROFILE)
    (folder / "local.toml").write_text((Path(__file__).parents[2] / "environments" / "local.toml").read_text())
    return folder


@pytest.fixture
def no_dotenv(tmp_path: Path) -> Path:
    return tmp_path / "absent.env"


def demo_env(**extra: str) -> dict[str, str]:
    return {
        "UAT_PROFILE": "demo",
        "UAT_ORG_ADMIN_PASSWORD": "Org#Admin2026pw",
        "UAT_ORG_ADMIN_TOTP_SECRET": TOTP_KEY,
        **extra,
    }


def load(profiles: Path, dotenv: Path, env: dict[str, str], **kwargs: Any) -> UatConfig:
    return load_config(kwargs.pop("overrides", None), env=env, dotenv_path=dotenv, profiles_dir=profiles, **kwargs)


def problems_of(excinfo: pytest.ExceptionInfo[ConfigurationError]) -> str:
    return str(excinfo.value)


# -- layering ------------------------------------------------------------------------------------------


def test_the_profile_alone_gives_a_working_configuration(profiles: Path, no_dotenv: Path) -> None:
    config = load(profiles, no_dotenv, demo_env())
    assert config.profile == "demo"
    assert config.portal_url == "https://demo.example/portal"
    assert config.user_provider == "invite-ui"
    assert config.org_admin_password == Secret("Org#Admin2026pw")
    assert config.mail_timeout_s == 30.0 and config.ui_timeout_ms == 15000 and config.otp_look_around == 1
    assert config.keycloak_admin_realm == "master" and config.imap_folder == "INBOX"
    assert config.origins["portal_url"] == f"profile {profiles / 'demo.toml'}"
    assert config.origins["mail_timeout_s"] == "default"


def test_each_layer_beats_the_ones_below(profiles: Path, tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "UAT_PORTAL_URL=https://dotenv.example/portal\n"
        "UAT_VAMREG_URL=https://dotenv.example/vamreg\n"
        "UAT_API_URL=https://dotenv.example/api\n"
    )
    env = demo_env(UAT_PORTAL_URL="https://env.example/portal", UAT_VAMREG_URL="https://env.example/vamreg")
    config = load(profiles, dotenv, env, overrides={"portal_url": "https://cli.example/portal"})

    assert config.portal_url == "https://cli.example/portal"  # CLI > env
    assert config.vamreg_url == "https://env.example/vamreg"  # env > .env
    assert config.api_url == "https://dotenv.example/api"  # .env > profile
    assert config.famhp_connect_url == "https://demo.example/famhp-connect"  # profile
    assert config.origins["portal_url"] == "command-line override"
    assert config.origins["vamreg_url"] == "environment"
    assert config.origins["api_url"] == str(dotenv)


def test_overrides_may_use_variable_names_and_values_of_any_case(profiles: Path, no_dotenv: Path) -> None:
    config = load(profiles, no_dotenv, demo_env(), overrides={"UAT_MAIL_TIMEOUT_S": "2.5", "uat_stack": "AUTO"})
    assert config.mail_timeout_s == 2.5
    assert config.stack == "auto"


def test_the_profile_can_come_from_dotenv(profiles: Path, tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("UAT_PROFILE=demo\n")
    env = demo_env()
    del env["UAT_PROFILE"]
    assert load(profiles, dotenv, env).profile == "demo"


def test_an_empty_value_does_not_hide_a_lower_layer(profiles: Path, no_dotenv: Path) -> None:
    config = load(profiles, no_dotenv, demo_env(UAT_PORTAL_URL=""))
    assert config.portal_url == "https://demo.example/portal"


def test_imap_port_defaults_follow_the_security(profiles: Path, no_dotenv: Path) -> None:
    imap = {
        "UAT_MAIL_BACKEND": "imap",
        "UAT_IMAP_HOST": "imap.example.org",
        "UAT_IMAP_USER": "{address}",
        "UAT_IMAP_PASSWORD": "imap-password",
    }
    assert load(profiles, no_dotenv, demo_env(**imap)).imap_port == 993
    assert load(profiles, no_dotenv, demo_env(**imap, UAT_IMAP_SECURITY="starttls")).imap_port == 143
    assert load(profiles, no_dotenv, demo_env(**imap, UAT_IMAP_PORT="3143")).imap_port == 3143


# -- one error with every problem -----------------------------------------------------------------------


def test_every_problem_is_reported_at_once(profiles: Path, no_dotenv: Path) -> None:
    env = {
        "UAT_PROFILE": "demo",
        "UAT_PORTAL_URL": "portal.example",  # no scheme
        "UAT_USER_PROVIDER": "ldap",  # unknown
        "UAT_MAIL_BACKEND": "imap",  # then host, user and password are needed
        "UAT_MAIL_ADDRESS_TEMPLATE": "qa@example.org",  # no {tag}
        "UAT_MAIL_TIMEOUT_S": "soon",
        "UAT_OTP_LOOK_AROUND": "-1",
        "UAT_IMAP_SECURITY": "tls13",
        "UAT_STACK": "always",
    }
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, env)
    message = problems_of(excinfo)
    expected = [
        "UAT_PORTAL_URL='portal.example' is not an http(s) URL",
        "UAT_USER_PROVIDER='ldap' is not one of keycloak-admin, invite-ui, preprovisioned",
        "UAT_MAIL_ADDRESS_TEMPLATE='qa@example.org' must contain {tag}",
        "UAT_MAIL_TIMEOUT_S='soon' is not a number of seconds",
        "UAT_OTP_LOOK_AROUND='-1' is outside 0..10",
        "UAT_IMAP_SECURITY='tls13' is not one of ssl, starttls, none",
        "UAT_STACK='always' is not one of auto, never",
        "UAT_IMAP_HOST is not set (mail backend 'imap' needs it)",
        "UAT_IMAP_USER is not set (mail backend 'imap' needs it)",
        "UAT_IMAP_PASSWORD is not set (mail backend 'imap' needs it)",
    ]
    for text in expected:
        assert text in message
    assert len(excinfo.value.problems) == len(expected)
    assert message.startswith("the UAT configuration (profile 'demo') has 10 problems:")


def test_provider_needs_are_named(profiles: Path, no_dotenv: Path) -> None:
    env = {"UAT_PROFILE": "demo", "UAT_USER_PROVIDER": "keycloak-admin"}
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, env)
    assert excinfo.value.problems == (
        "UAT_KEYCLOAK_ADMIN_USERNAME is not set (user provider 'keycloak-admin' needs it)",
        "UAT_KEYCLOAK_ADMIN_PASSWORD is not set (user provider 'keycloak-admin' needs it)",
    )


def test_preprovisioned_users_must_name_a_file(profiles: Path, no_dotenv: Path, tmp_path: Path) -> None:
    env = demo_env(UAT_USER_PROVIDER="preprovisioned", UAT_PREPROVISIONED_USERS=str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigurationError, match=r"UAT_PREPROVISIONED_USERS=.* names no file"):
        load(profiles, no_dotenv, env)
    users = tmp_path / "users.toml"
    users.write_text("")
    env["UAT_PREPROVISIONED_USERS"] = str(users)
    assert load(profiles, no_dotenv, env).preprovisioned_users == users


def test_a_placeholder_is_reported_as_missing(profiles: Path, no_dotenv: Path) -> None:
    (profiles / "demo.toml").write_text(DEMO_PROFILE.replace('"https://sso.demo.example"', '"<set UAT_KEYCLOAK_URL>"'))
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, demo_env())
    assert excinfo.value.problems == (
        "UAT_KEYCLOAK_URL is not set (every run needs it; "
        f"profile {profiles / 'demo.toml'} has the placeholder '<set UAT_KEYCLOAK_URL>')",
    )


def test_the_committed_uat_profile_lists_what_must_still_be_set(no_dotenv: Path) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        load_config(env={"UAT_PROFILE": "uat"}, dotenv_path=no_dotenv)
    message = problems_of(excinfo)
    for name in (
        "UAT_PORTAL_URL",
        "UAT_KEYCLOAK_URL",
        "UAT_REALM",
        "UAT_IMAP_HOST",
        "UAT_ORG_ADMIN_EMAIL",
        "UAT_ORG_ADMIN_PASSWORD",
        "UAT_ORG_ADMIN_TOTP_SECRET",
        "UAT_MAIL_ADDRESS_TEMPLATE",
    ):
        assert f"{name} is not set" in message
    assert "<set UAT_" not in message.replace("placeholder '<set UAT_", "")  # never used as a value


def test_secret_values_are_never_echoed(profiles: Path, no_dotenv: Path) -> None:
    bad_key = "not-base32-but-secret-0189"
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, demo_env(UAT_ORG_ADMIN_TOTP_SECRET=bad_key))
    assert "UAT_ORG_ADMIN_TOTP_SECRET=*** is not a Base32 TOTP key" in problems_of(excinfo)
    assert bad_key not in problems_of(excinfo)


def test_unknown_settings_in_files_and_overrides_are_problems(profiles: Path, tmp_path: Path) -> None:
    (profiles / "demo.toml").write_text(DEMO_PROFILE + 'portal_ulr = "typo"\n')
    dotenv = tmp_path / ".env"
    dotenv.write_text("UAT_MAILPIT_ULR=http://x\nOTHER_TOOL=1\n")
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, dotenv, demo_env(), overrides={"timeout": 3})
    assert set(excinfo.value.problems) == {
        "unknown setting 'timeout' in the command-line overrides",
        f"unknown setting UAT_MAILPIT_ULR in {dotenv}",
        f"unknown setting 'portal_ulr' in {profiles / 'demo.toml'}",
    }


def test_an_unknown_profile_is_a_problem(profiles: Path, no_dotenv: Path) -> None:
    with pytest.raises(
        ConfigurationError, match=r"UAT_PROFILE='prod' has no profile file .*known profiles: demo, local"
    ):
        load(profiles, no_dotenv, {"UAT_PROFILE": "prod"})


def test_require_names_what_a_purpose_needs(profiles: Path, no_dotenv: Path) -> None:
    config = load(profiles, no_dotenv, demo_env())
    config.require("org_admin_email", purpose="inviting users")
    with pytest.raises(ConfigurationError) as excinfo:
        config.require("keycloak_admin_username", "keycloak_admin_password", purpose="resetting brute-force locks")
    assert excinfo.value.problems == (
        "UAT_KEYCLOAK_ADMIN_USERNAME is not set (resetting brute-force locks needs it)",
        "UAT_KEYCLOAK_ADMIN_PASSWORD is not set (resetting brute-force locks needs it)",
    )


def test_describe_masks_secrets(profiles: Path, no_dotenv: Path) -> None:
    config = load(profiles, no_dotenv, demo_env())
    text = config.describe()
    assert "Org#Admin2026pw" not in text and TOTP_KEY not in text
    assert "UAT_ORG_ADMIN_PASSWORD" in text and "***" in text
    assert "Org#Admin2026pw" not in repr(config)


# -- the reference stack (profile local) ------------------------------------------------------------------


def test_local_profile_takes_values_from_the_running_stack(profiles: Path, no_dotenv: Path) -> None:
    runner = StackRunner()
    config = load(profiles, no_dotenv, {}, stack_status_runner=runner)
    assert runner.calls == [["uat", "stack", "status", "--json"]]
    assert config.profile == "local"
    assert config.keycloak_url == "http://localhost:18080"
    assert config.portal_url == "http://localhost:18000/portal"
    assert config.famhp_connect_url == "http://localhost:18000/famhp-connect"
    assert config.vamreg_url == "http://localhost:18000/vamreg"
    assert config.api_url == "http://localhost:18000/api/v1"
    assert config.mailpit_url == "http://localhost:18025"
    assert config.authenticator_issuer == "FAMHPExternals"
    assert config.keycloak_admin_password == Secret("stack-admin-pw-1")
    assert config.org_admin_email == "olivia.admin@acme-pharma.test"
    assert config.org_admin_totp_secret == Secret(TOTP_KEY)
    assert config.mail_address_template == "uat+{tag}@famhp-uat.test"  # from local.toml
    assert config.uses_reference_stack
    assert config.origins["keycloak_url"] == "reference stack (uat stack status --json)"


def test_explicit_values_beat_the_running_stack(profiles: Path, no_dotenv: Path) -> None:
    config = load(profiles, no_dotenv, {"UAT_REALM": "other-realm"}, stack_status_runner=StackRunner())
    assert config.realm == "other-realm"
    assert config.keycloak_url == "http://localhost:18080"


def test_a_greenmail_stack_gives_per_address_imap(profiles: Path, no_dotenv: Path) -> None:
    payload = {
        **STACK_STATUS,
        "mail_backend": "imap",
        "greenmail": {
            "imap_host": "localhost",
            "imap_port": 3143,
            "smtp_port": 3025,
            "api_url": "http://localhost:3080",
        },
    }
    config = load(profiles, no_dotenv, {}, stack_status_runner=StackRunner(payload))
    assert config.mail_backend == "imap"
    assert (config.imap_host, config.imap_port, config.imap_security) == ("localhost", 3143, "none")
    assert config.imap_user == "{address}"
    assert config.imap_password is not None and config.imap_password.reveal()


def test_a_stopped_stack_is_explained(profiles: Path, no_dotenv: Path) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, {}, stack_status_runner=StackRunner({**STACK_STATUS, "running": False}))
    assert excinfo.value.reference_stack_down
    assert excinfo.value.problems[-1].startswith(
        "the reference stack would provide the values it knows, but it is not running"
    )
    assert "UAT_KEYCLOAK_ADMIN_PASSWORD is not set (user provider 'keycloak-admin' needs it)" in problems_of(excinfo)


def test_a_failing_status_command_is_explained(profiles: Path, no_dotenv: Path) -> None:
    runner = StackRunner(returncode=2, stderr="error: state file is corrupt")
    with pytest.raises(ConfigurationError, match="exited with 2: error: state file is corrupt"):
        load(profiles, no_dotenv, {}, stack_status_runner=runner)


def test_the_stack_is_not_asked_when_everything_is_explicit(profiles: Path, no_dotenv: Path) -> None:
    runner = StackRunner()
    env = {
        "UAT_PORTAL_URL": "http://h/portal",
        "UAT_FAMHP_CONNECT_URL": "http://h/fc",
        "UAT_VAMREG_URL": "http://h/v",
        "UAT_API_URL": "http://h/api",
        "UAT_KEYCLOAK_URL": "http://h:8080",
        "UAT_REALM": "r",
        "UAT_KEYCLOAK_ADMIN_USERNAME": "a",
        "UAT_KEYCLOAK_ADMIN_PASSWORD": "admin-pw",
        "UAT_MAIL_BACKEND": "mailpit",
        "UAT_AUTHENTICATOR_ISSUER": "X",
        "UAT_MAILPIT_URL": "http://h:8025",
        "UAT_ORG_ADMIN_EMAIL": "o@h.test",
        "UAT_ORG_ADMIN_PASSWORD": "org-pw-12",
        "UAT_ORG_ADMIN_TOTP_SECRET": TOTP_KEY,
    }
    config = load(profiles, no_dotenv, env, stack_status_runner=runner)
    assert runner.calls == []
    assert not config.uses_reference_stack


def test_reference_stack_wanted_only_without_a_target(no_dotenv: Path) -> None:
    assert reference_stack_wanted(env={}, dotenv_path=no_dotenv)
    assert not reference_stack_wanted(env={"UAT_STACK": "never"}, dotenv_path=no_dotenv)
    assert not reference_stack_wanted(env={"UAT_PROFILE": "uat"}, dotenv_path=no_dotenv)
    assert not reference_stack_wanted(env={"UAT_PORTAL_URL": "https://x.example/portal"}, dotenv_path=no_dotenv)


def test_stack_status_must_have_its_keys() -> None:
    with pytest.raises(StackDiscoveryError, match="lacks or mangles 'keycloak'"):
        parse_stack_status({"apps": {"base_url": "http://localhost:8000"}})


# -- languages -----------------------------------------------------------------------------------------


def test_the_locale_sets_the_browsers_language_and_a_plain_invitation_wording_serves_every_language(
    profiles: Path, no_dotenv: Path
) -> None:
    config = load(profiles, no_dotenv, demo_env(UAT_LOCALE="nl"))
    assert config.locale == "nl" and config.browser_language == "nl-BE"
    assert config.translation_findings == "report"
    assert config.invitation_language == "en"  # the demo deployment mails in one language


def test_invitation_wordings_by_language_need_the_runs_language_when_the_mail_speaks_it(
    profiles: Path, no_dotenv: Path
) -> None:
    dutch_only = json.dumps({"nl": "Bevestig uw uitnodiging"})
    env = demo_env(UAT_LOCALE="fr", UAT_INVITATION_IN_USER_LANGUAGE="true", UAT_INVITATION_SUBJECT=dutch_only)
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, env)
    assert "UAT_INVITATION_SUBJECT has no wording for 'fr'" in problems_of(excinfo)

    env = demo_env(UAT_LOCALE="nl", UAT_INVITATION_IN_USER_LANGUAGE="true", UAT_INVITATION_SUBJECT=dutch_only)
    config = load(profiles, no_dotenv, env)
    assert config.invitation_language == "nl" and config.invitation_subject == {"nl": "Bevestig uw uitnodiging"}


def test_an_unknown_locale_or_language_is_named(profiles: Path, no_dotenv: Path) -> None:
    env = demo_env(UAT_LOCALE="es", UAT_INVITATION_SUBJECT=json.dumps({"es": "Confirme"}))
    with pytest.raises(ConfigurationError) as excinfo:
        load(profiles, no_dotenv, env)
    assert "UAT_LOCALE" in problems_of(excinfo) and "names es" in problems_of(excinfo)
