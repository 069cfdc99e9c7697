"""`uat report`: builds the Allure 3 report (npm `allure`, no Java) from reports/allure-results."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT_ROOT / "reports" / "allure-results"
REPORT = PROJECT_ROOT / "reports" / "allure-report"


def allure_cli() -> Path:
    local = PROJECT_ROOT / "node_modules" / ".bin" / "allure"
    if local.exists():
        return local
    raise SystemExit("Allure 3 is not installed: run `make install` (npm ci installs the pinned `allure`).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat report", description="Build the Allure 3 report of the last run."
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="Allure results folder")
    parser.add_argument("--output", type=Path, default=REPORT, help="report folder")
    args = parser.parse_args(argv)
    if not args.results.is_dir() or not any(args.results.glob("*-result.json")):
        print(f"no Allure results in {args.results}: run the suite first (`uat run`)")
        return 2
    if args.output.exists():
        shutil.rmtree(args.output)
    started = time.monotonic()
    code = subprocess.call(
        [
            str(allure_cli()),
            "generate",
            str(args.results),
            "-o",
            str(args.output),
            "--config",
            str(PROJECT_ROOT / "allurerc.json"),
        ],
        cwd=PROJECT_ROOT,
    )
    if code == 0:
        print(f"report built in {time.monotonic() - started:.1f} s: {args.output / 'index.html'}")
    return code
