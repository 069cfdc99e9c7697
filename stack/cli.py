"""Command line of the reference stack: `uat stack up|down|status|logs` (also `python -m stack`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable

from stack.apps.skins import DEFAULT_SKIN, SKIN_VARIABLE, SKINS
from stack.errors import StackError
from stack.login_themes import DEFAULT_LOGIN_THEME, PLANTED_DEFECTS, known_login_themes
from stack.manager import DEFAULT_START_TIMEOUT_S, ReferenceStack
from stack.outages import COMMANDS as OUTAGE_COMMANDS
from stack.outages import add_commands as add_outage_commands
from stack.outages import handle as handle_outage
from stack.settings import MAIL_BACKENDS, PROFILES


def build_parser(prog: str = "uat stack") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="The bundled reference stack: real Keycloak, Mailpit, GreenMail and the reference portal "
        "apps on localhost. Downloads are cached in ~/.cache/famhp-uat (FAMHP_UAT_CACHE); state, logs and "
        "databases live in .stack/ of this checkout. The realm seeds FAMHP_UAT_SEED_ADMINS organisation "
        "administrators (default 4), one per shard or worker; `status --json` lists them as seed_users.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="{up,down,status,logs,theme,skin,stop,start,fault}"
    )
    up = sub.add_parser("up", help="start every service and return when all are healthy (idempotent)")
    up.add_argument(
        "--mail",
        choices=MAIL_BACKENDS,
        default="mailpit",
        help="where Keycloak and the apps send mail: Mailpit (REST API) or GreenMail (IMAP)",
    )
    up.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="local",
        help="what the realm poses as: local (display name FAMHPExternals), uat (UAT-FAMHPExternals), prod "
        "(FAMHPExternals with the itsme® and eID identity providers production offers; local <-> prod switch "
        "on a running stack without a restart)",
    )
    up.add_argument(
        "--theme",
        default=DEFAULT_LOGIN_THEME,
        metavar="NAME",
        help=f"the realm's login theme: {', '.join(known_login_themes())} (default {DEFAULT_LOGIN_THEME}); "
        "keycloak is Keycloak's PatternFly 4 theme, famhp the stack's own custom theme (extends keycloak.v2). "
        "Changing it later needs no restart: `uat stack theme NAME`",
    )
    up.add_argument(
        "--plant",
        action="append",
        default=[],
        metavar="DEFECT",
        help="put a known defect into the stack on purpose, for the checks that must find it (repeatable): "
        + "; ".join(f"{name}: {_describe(name)}" for name in sorted(PLANTED_DEFECTS)),
    )
    up.add_argument(
        "--skin",
        default=os.environ.get(SKIN_VARIABLE) or DEFAULT_SKIN,
        metavar="NAME",
        help="the markup the reference apps serve (same routes, behaviour, JSON and e-mails): "
        + "; ".join(f"{name}: {skin.summary}" for name, skin in SKINS.items())
        + f" (default ${SKIN_VARIABLE} or {DEFAULT_SKIN}). Changing it later restarts the apps only: "
        "`uat stack skin NAME`",
    )
    up.add_argument("--fresh", action="store_true", help="start from empty databases (realm re-imported)")
    up.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_START_TIMEOUT_S,
        help=f"seconds to wait for health (default {DEFAULT_START_TIMEOUT_S:.0f}: a first start creates Keycloak's "
        "database)",
    )
    sub.add_parser("down", help="stop every process this checkout's stack started, and nothing else")
    status = sub.add_parser("status", help="what runs where")
    status.add_argument(
        "--json",
        action="store_true",
        help="machine-readable: URLs, realm, admin and seed-user credentials (loopback only)",
    )
    theme = sub.add_parser(
        "theme",
        help="switch the login theme of the running stack (no restart; the next page load shows it)",
        description="Sets the realm's login theme through Keycloak's admin REST API. Without NAME: print the "
        "current theme and the known ones.",
    )
    theme.add_argument("name", nargs="?", metavar="NAME", help=", ".join(known_login_themes()))
    skin = sub.add_parser(
        "skin",
        help="switch the markup of the running reference apps (restarts the apps only, a few seconds)",
        description="Restarts the apps process with another skin; Keycloak, the mail server, sessions and the "
        "apps' data stay. Without NAME: print the current skin and the known ones.",
    )
    skin.add_argument("name", nargs="?", metavar="NAME", help=", ".join(SKINS))
    add_outage_commands(sub)
    logs = sub.add_parser("logs", help="print the end of a service's log")
    logs.add_argument("service", nargs="?", help="keycloak, mailpit, greenmail or apps (default: all)")
    logs.add_argument("-n", "--lines", type=int, default=40)
    return parser


def _describe(defect: str) -> str:
    planted = PLANTED_DEFECTS[defect]
    return (
        f"message key {planted.key} of theme {planted.theme} left out of {planted.absent_in} "
        f"(shown on {planted.page_id}, so it falls back to English there)"
    )


def _print_status(info: dict) -> None:
    if not info["services"]:
        print("the reference stack is not running (start it with `uat stack up`)")
        return
    print(
        f"profile {info['profile']} · mail backend {info['mail_backend']} · realm {info['keycloak']['realm']} · "
        f"login theme {info['login_theme'] or 'unknown (Keycloak does not answer)'} · "
        f"apps skin {info['apps_skin'] or 'unknown (the apps do not answer)'}"
    )
    for planted in info["planted"]:
        print(f"  planted: {planted['defect']} ({_describe(planted['defect'])})")
    urls = {
        "keycloak": info["keycloak"]["url"],
        "mailpit": info["mailpit"]["url"],
        "greenmail": (info["greenmail"] or {}).get("api_url", ""),
        "apps": info["apps"]["base_url"],
    }
    for name, svc in info["services"].items():
        health = "healthy" if svc["healthy"] else ("running, NOT healthy" if svc["running"] else "STOPPED")
        print(f"  {name:<10} {health:<20} pid {svc['pid']:<8} {urls.get(name, '')}  log {svc['log']}")


def _switch(
    stack: ReferenceStack,
    what: str,
    status_key: str,
    known: tuple[str, ...],
    switch: Callable[[str], str],
    name: str | None,
) -> None:
    """`uat stack theme|skin [NAME]`: switch to NAME, or print the current one and the known ones."""
    if name is None:
        print(f"{what}: {stack.status()[status_key] or 'unknown (the stack is not running)'}")
        print(f"known: {', '.join(known)}")
    else:
        before = switch(name)
        print(f"{what}: {name}" + ("" if before == name else f" (was {before})"))


def main(argv: list[str] | None = None, prog: str = "uat stack") -> int:
    args = build_parser(prog).parse_args(argv)
    stack = ReferenceStack()
    try:
        if args.command == "up":
            started = time.monotonic()
            info = stack.up(
                mail=args.mail,
                profile=args.profile,
                fresh=args.fresh,
                timeout_s=args.timeout,
                theme=args.theme,
                plant=tuple(args.plant),
                skin=args.skin,
            )
            _print_status(info)
            print(
                f"ready in {time.monotonic() - started:.1f} s: portal {info['apps']['base_url']}/portal, "
                f"mail {info['mailpit']['url']}"
            )
        elif args.command == "down":
            stack.down()
        elif args.command == "status":
            info = stack.status()
            if args.json:
                print(json.dumps(info, indent=2))
            else:
                _print_status(info)
                return 0 if info["healthy"] else 3
        elif args.command == "theme":
            _switch(stack, "login theme", "login_theme", known_login_themes(), stack.set_login_theme, args.name)
        elif args.command == "skin":
            _switch(stack, "apps skin", "apps_skin", tuple(SKINS), stack.set_skin, args.name)
        elif args.command in OUTAGE_COMMANDS:
            handle_outage(stack, args)
        elif args.command == "logs":
            services = [args.service] if args.service else ["keycloak", "mailpit", "greenmail", "apps"]
            for name in services:
                try:
                    text = stack.tail(name, args.lines)
                except StackError:
                    if args.service:
                        raise
                    continue
                print(f"==> {name} <==\n{text}")
    except (StackError, ValueError) as exc:  # ValueError: a FAMHP_UAT_* number (port, administrators) out of range
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
