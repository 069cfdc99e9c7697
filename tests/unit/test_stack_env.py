"""`uat stack env`: what it prints is what the configuration reads back, and secrets only when asked."""

from __future__ import annotations

import json
import shlex

from cli.stack_env import environment_lines
from support.config.model import OrgAdmin
from support.secrets import Secret


def test_the_administrators_are_printed_as_the_json_list_uat_org_admins_reads_and_only_with_secrets() -> None:
    admins = (
        OrgAdmin("olivia@acme.test", Secret("Olivia-Pass-1!"), Secret("JBSWY3DPEHPK3PXP")),
        OrgAdmin("oscar@acme.test", Secret("Oscar-Pass-22!"), Secret("KRSXG5CTMVRXEZLU")),
    )
    values = {"org_admins": admins, "realm": "famhp-externals"}
    printed = environment_lines(values, with_secrets=True)
    exported = dict(shlex.split(line)[1].split("=", 1) for line in printed)
    assert json.loads(exported["UAT_ORG_ADMINS"]) == [
        {"email": "olivia@acme.test", "password": "Olivia-Pass-1!", "totp_secret": "JBSWY3DPEHPK3PXP"},
        {"email": "oscar@acme.test", "password": "Oscar-Pass-22!", "totp_secret": "KRSXG5CTMVRXEZLU"},
    ]
    assert environment_lines(values, with_secrets=False) == ["export UAT_REALM=famhp-externals"]
