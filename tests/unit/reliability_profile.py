"""A whole configuration for the reliability unit tests (verdicts, sweeps), read from a profile as a run reads it."""

from __future__ import annotations

from pathlib import Path

from support.config import UatConfig, load_config
from tests.unit.profile_facts import TARGET_FACTS_TOML

PROFILE = (
    """
portal_url = "http://apps.test/portal"
famhp_connect_url = "http://apps.test/famhp-connect"
vamreg_url = "http://apps.test/vamreg"
api_url = "http://apps.test/api/v1"
keycloak_url = "http://kc.test"
realm = "famhp-externals"
authenticator_issuer = "FAMHPExternals"
user_provider = "keycloak-admin"
keycloak_admin_username = "admin"
keycloak_admin_password = "admin-pw"
mail_backend = "mailpit"
mailpit_url = "http://mail.test"
mail_address_template = "uat+{tag}@famhp-uat.test"
mail_timeout_s = 30
ui_timeout_ms = 8000
stack = "never"
"""
    + TARGET_FACTS_TOML
)


def unit_config(profiles: Path) -> UatConfig:
    (profiles / "unit.toml").write_text(PROFILE)
    return load_config(env={"UAT_PROFILE": "unit"}, dotenv_path=profiles / "no.env", profiles_dir=profiles)
