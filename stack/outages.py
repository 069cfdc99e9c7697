"""`uat stack stop|start SERVICE` and `uat stack fault`: outages and server errors on purpose, for the suite's
fault-injection tests, and for rehearsing what a run says when its environment fails."""

from __future__ import annotations

import argparse
from typing import Any

from stack.apps.web.fault_switch import InjectedFault, read_faults, write_faults
from stack.manager import ReferenceStack

COMMANDS = ("stop", "start", "fault")


def add_commands(sub: Any) -> None:
    stop = sub.add_parser("stop", help="stop one service of the running stack (an outage on purpose)")
    stop.add_argument("service", help="keycloak, mailpit, greenmail or apps")
    start = sub.add_parser("start", help="start a stopped service again (same options, data kept)")
    start.add_argument("service", help="keycloak, mailpit, greenmail or apps")
    start.add_argument("--timeout", type=float, default=240, help="seconds to wait for health (default 240)")
    fault = sub.add_parser(
        "fault",
        help="make the reference apps answer one route with a server error (`fault clear` ends it)",
        description="A switch file in .stack/apps/ the running apps read on each request: no restart. "
        "Without arguments: list the routes that fail now.",
    )
    fault.add_argument("action", nargs="?", choices=("fail", "clear"), help="fail METHOD PATH, or clear every fault")
    fault.add_argument("method", nargs="?", help="GET, POST, … or * (with fail)")
    fault.add_argument("path", nargs="?", help="the exact path, e.g. /famhp-connect/apikeys (with fail)")
    fault.add_argument("--status", type=int, default=500, help="the status to answer (default 500)")


def handle(stack: ReferenceStack, args: argparse.Namespace) -> None:
    if args.command == "stop":
        stack.stop_service(args.service)
    elif args.command == "start":
        took = stack.start_service(args.service, args.timeout)
        print(f"{args.service} is running and healthy" + (f" after {took:.1f} s" if took else " (it was running)"))
    elif args.action == "fail":
        if not args.method or not args.path or not args.path.startswith("/"):
            raise SystemExit("usage: uat stack fault fail METHOD /path [--status 500]")
        faults = [f for f in read_faults(stack.faults_file) if (f.method, f.path) != (args.method.upper(), args.path)]
        write_faults(stack.faults_file, [*faults, InjectedFault(args.method.upper(), args.path, args.status)])
        print(f"the apps now answer {args.method.upper()} {args.path} with HTTP {args.status}")
    elif args.action == "clear":
        write_faults(stack.faults_file, [])
        print("the apps answer every route normally again")
    else:
        faults = read_faults(stack.faults_file)
        for fault in faults:
            print(f"{fault.method} {fault.path} -> HTTP {fault.status}")
        print(f"{len(faults)} route(s) fail on purpose" if faults else "no route fails on purpose")
