"""Command line of the local browser services: `uat browsers up|down|status [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
import time

from stack.browsers import LocalBrowsers
from stack.errors import StackError


def build_parser(prog: str = "uat browsers") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Browsers outside the test process, on loopback: a Playwright browser server (the node inside "
        "the installed playwright package, so client and server share its version) and a Selenium Grid 4 "
        "standalone (Maven Central, cached in ~/.cache/famhp-uat) driving Debian's chromium through "
        "chromium-driver. Ports: FAMHP_UAT_BROWSER_SERVER_PORT (default 3000), FAMHP_UAT_SELENIUM_GRID_PORT "
        "(default 4444). State and logs: .stack/browsers/.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{up,down,status}")
    up = sub.add_parser("up", help="start both services and return when both are healthy (idempotent)")
    up.add_argument("--timeout", type=float, default=120, help="seconds to wait for health (default 120)")
    sub.add_parser("down", help="stop what `up` started (and the browsers they launched), nothing else")
    status = sub.add_parser("status", help="what runs where (exit 3 when not healthy, unless --json)")
    status.add_argument(
        "--json",
        action="store_true",
        help="machine-readable: browser_endpoint (ws URL), selenium_grid_url, chromium_executable, versions",
    )
    return parser


def _print_status(info: dict) -> None:
    if not info["services"]:
        print("the browser services are not running (start them with `uat browsers up`)")
        return
    urls = {"browser-server": info["browser_endpoint"], "selenium-grid": info["selenium_grid_url"]}
    for name, svc in info["services"].items():
        health = "healthy" if svc["healthy"] else ("running, NOT healthy" if svc["running"] else "STOPPED")
        print(f"  {name:<15} {health:<20} pid {svc['pid']:<8} {urls.get(name, '')}  log {svc['log']}")
    versions = info["versions"]
    if versions:
        print("  versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))


def main(argv: list[str] | None = None, prog: str = "uat browsers") -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        browsers = LocalBrowsers()
        if args.command == "up":
            started = time.monotonic()
            info = browsers.up(timeout_s=args.timeout)
            _print_status(info)
            print(
                f"ready in {time.monotonic() - started:.1f} s: UAT_BROWSER_ENDPOINT={info['browser_endpoint']} "
                f"UAT_SELENIUM_GRID_URL={info['selenium_grid_url']}"
            )
        elif args.command == "down":
            browsers.down()
        elif args.command == "status":
            info = browsers.status()
            if args.json:
                print(json.dumps(info, indent=2))
            else:
                _print_status(info)
                return 0 if info["healthy"] else 3
    except (StackError, ValueError) as exc:  # ValueError: a FAMHP_UAT_*_PORT that is not a port number
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
