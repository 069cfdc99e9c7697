"""`uat stack env`: the running reference stack as UAT_* settings (shell `export` lines), so that the suite can be
pointed at it as at any deployment: another profile, e.g. `UAT_PROFILE=prod` against the stack posing as
production, configured by UAT_* alone."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path
from typing import Any

from support.config import env_name
from support.config.model import OrgAdmin
from support.secrets import Secret
from support.stack_discovery import StackDiscoveryError, config_values, read_stack_status


def _administrators(admins: tuple[OrgAdmin, ...]) -> str:
    """UAT_ORG_ADMINS as its parser reads it: a JSON list of {email, password, totp_secret}."""
    listed = [
        {"email": admin.email, "password": admin.password.reveal(), "totp_secret": admin.totp_secret.reveal()}
        for admin in admins
    ]
    return json.dumps(listed)


def environment_lines(values: dict[str, Any], *, with_secrets: bool) -> list[str]:
    lines = []
    for name, value in sorted(values.items()):
        if isinstance(value, Secret) or _are_administrators(value):
            if not with_secrets:
                continue
            value = value.reveal() if isinstance(value, Secret) else _administrators(value)
        lines.append(f"export {env_name(name)}={shlex.quote(str(value))}")
    return lines


def _are_administrators(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(item, OrgAdmin) for item in value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat stack env",
        description="Print the running reference stack's URLs, realm and mail settings as `export UAT_...` lines "
        "(eval them in a shell). Used to run another profile against the stack, e.g. "
        '`eval "$(uat stack env)"; UAT_PROFILE=prod uat run`.',
    )
    parser.add_argument(
        "--with-secrets",
        action="store_true",
        help="also the loopback credentials (Keycloak admin, the organisation administrator, mailbox)",
    )
    parser.add_argument("--output", type=Path, help="write the lines to this file (mode 600) instead of stdout")
    args = parser.parse_args(argv)
    try:
        lines = environment_lines(config_values(read_stack_status()), with_secrets=args.with_secrets)
    except StackDiscoveryError as error:
        print(f"uat stack env: {error}")
        return 1
    text = "\n".join(lines) + "\n"
    if args.output:
        args.output.write_text(text)
        args.output.chmod(0o600)
    else:
        print(text, end="")
    return 0
