"""`uat scan-artifacts`: fails when a secret the run used, or a value shaped like one, shows up anywhere in the run's
artifacts (the scan itself is support.leaks.scan); leaves reports/scan-clean.txt only when they are clean."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from support.leaks.scan import DEFAULT_PATHS, describe_outcome, record_verdict, run_scan, shown, withdraw_verdict
from support.paths import RUN_SECRETS, SCAN_CLEAN
from support.reporting.run_secrets import RUN_SECRETS_ENV


def exit_on_termination() -> None:
    """SIGTERM (a cancelled CI job, `kill`) ends the process through the normal way out, so the recorded secrets
    are deleted there too."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def add_clean_marker_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--clean-marker",
        type=Path,
        default=SCAN_CLEAN,
        help=f"written only after a clean scan, deleted before every scan; CI publishes only when it is there "
        f"(default {shown(SCAN_CLEAN)})",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat scan-artifacts",
        description="Fail when any secret the run used, in any encoding, or a value shaped like an API key or an "
        "otpauth:// URI, appears in its artifacts (default: reports/, test-results/, .stack/logs/). Exit 0 clean "
        f"(and {shown(SCAN_CLEAN)} written), 1 a secret leaked, 2 nothing known to look for.",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the run's artifacts)")
    parser.add_argument("--secrets-dir", type=Path, help=f"the run's recorded secrets (default ${RUN_SECRETS_ENV} "
                        f"or {shown(RUN_SECRETS)})")  # fmt: skip
    parser.add_argument("--keep-secrets", action="store_true", help="do not delete the recorded secrets after the scan")
    add_clean_marker_option(parser)
    args = parser.parse_args(argv)
    exit_on_termination()
    withdraw_verdict(args.clean_marker)
    outcome = run_scan(args.paths or list(DEFAULT_PATHS), os.environ, args.secrets_dir, forget=not args.keep_secrets)
    record_verdict(outcome, args.clean_marker)
    print(describe_outcome(outcome))
    if outcome.problem:
        return 2
    return 1 if outcome.findings else 0


if __name__ == "__main__":
    sys.exit(main())
