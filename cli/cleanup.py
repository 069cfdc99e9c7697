"""`uat cleanup`: removes what killed or failed runs left on the target — users, API keys, mails — from their ledgers
in .uat/runs/, and with --older-than whatever carries the id of a run that started that long ago."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from support.config import ConfigurationError, load_config
from support.run_ledger import LedgerContents, dead_ledgers, live_run_ids, runs_dir
from support.sweep import SweepReport, parse_duration, sweeper_for


def _duration(text: str) -> object:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat cleanup",
        description="Remove what runs left behind on the configured target. Every address, API key and mail a run "
        "creates is written in its ledger (.uat/runs/<run id>/) before it exists; a run that was killed leaves its "
        "ledger, and this command (or the next run) sweeps it: users through the Keycloak admin API "
        "(UAT_KEYCLOAK_ADMIN_*), API keys revoked in FAMHP Connect as the organisation's key manager "
        "(UAT_ORG_ADMIN_*), mails deleted from the mailbox. Exit 0 when nothing is left, 1 when something could not "
        "be removed (the output says what and why), 2 on a configuration problem.",
    )
    parser.add_argument(
        "--older-than",
        type=_duration,
        metavar="DURATION",
        help="also remove, without a ledger, every user, API key and mail that carries the id of a run started "
        "longer ago than DURATION (90s, 30m, 6h, 2d) and not running on this machine: for a deployment swept "
        "from another runner, or a lost checkout",
    )
    parser.add_argument(
        "--list", action="store_true", help="only list the ledgers of dead runs and what they name; touch nothing"
    )
    args = parser.parse_args(argv)
    directory = runs_dir()
    ledgers = [LedgerContents.read(path) for path in dead_ledgers(directory)]
    if args.list:
        for ledger in ledgers:
            print(
                f"{ledger.path}: run {ledger.run_id}, {len(ledger.addresses)} address(es), "
                f"{len(ledger.users_to_check)} user(s) and {len(ledger.keys_to_check)} API key(s) not known removed"
            )
        print(f"{len(ledgers)} ledger(s) of dead runs in {directory}")
        return 0
    try:
        config = load_config()
    except ConfigurationError as error:
        print(f"uat cleanup: {error}")
        return 2
    sweeper = sweeper_for(config)
    report = SweepReport()
    if ledgers:
        print(f"sweeping {len(ledgers)} ledger(s) of dead runs in {directory}")
        report.merge(sweeper.sweep_ledgers(ledgers))
    if args.older_than is not None:
        print(f"sweeping what runs older than {args.older_than} left on {config.keycloak_url} and the mailbox")
        report.merge(sweeper.sweep_marked(args.older_than, live_run_ids(directory), datetime.now(UTC)))
    if not ledgers and args.older_than is None:
        print(f"nothing to sweep: no ledger of a dead run in {directory} (use --older-than to search the target)")
        return 0
    print(report.summary())
    print("uat cleanup: nothing left" if report.clean else f"uat cleanup: {len(report.left)} thing(s) left (above)")
    return 0 if report.clean else 1
