"""`uat report`: the Allure 3 report (npm `allure`, no Java) of the last run, as a folder and as one HTML file that
can be mailed, with the run history kept in reports/history.jsonl."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.results import results_of
from support.paths import ALLURE_CONFIG, HISTORY, NODE_BIN, PROJECT_ROOT, REPORT, RESULTS, SINGLE_FILE_REPORT

# allurerc.json names two plugins; Allure writes each into <output>/<plugin id>/
FOLDER_PLUGIN = "awesome"
SINGLE_FILE_PLUGIN = "single-file"

# Most mail servers refuse messages above 20-25 MB, and base64 makes the attachment a third larger.
MAILABLE_SIZE = 15 * 1024 * 1024

# Allure 3's awesome template always loads Google Analytics; a report of a regulator's UAT opened in a browser
# must not call a third party, so the tag is cut out of every generated page.
_ANALYTICS_TAG = re.compile(
    r"\s*<script async src=\"https://www\.googletagmanager\.com/gtag/js[^\"]*\"></script>\s*"
    r"<script>\s*window\.dataLayer[\s\S]*?</script>"
)


def allure_cli() -> Path:
    local = NODE_BIN / "allure"
    if local.exists():
        return local
    raise SystemExit("Allure 3 is not installed: run `make install` (npm ci installs the pinned `allure`).")


def build_config(base: dict[str, Any], staging: Path, history: Path | None) -> dict[str, Any]:
    """The project's allurerc.json with the output in a staging folder and the history where asked."""
    config = {key: value for key, value in base.items() if key not in ("output", "historyPath")}
    config["output"] = str(staging)
    if history is not None:
        config["historyPath"] = str(history)
    return config


def strip_analytics(html_file: Path) -> bool:
    text = html_file.read_text(encoding="utf-8")
    cleaned, count = _ANALYTICS_TAG.subn("", text)
    if count:
        html_file.write_text(cleaned, encoding="utf-8")
    return bool(count)


def folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file()) if path.is_dir() else 0


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def generate(
    results: Path | Sequence[Path],
    report: Path,
    single_file: Path,
    history: Path | None,
    config_path: Path = ALLURE_CONFIG,
) -> int:
    """One report from one or several results folders (shards merge: Allure reads them all)."""
    given = [results] if isinstance(results, Path) else list(results)
    folders = [folder for folder in given if folder.is_dir() and any(folder.glob("*-result.json"))]
    empty = [folder for folder in given if folder not in folders]
    if not folders:
        print(f"no Allure results in {', '.join(map(str, empty))}: run the suite (or that shard) first (`uat run`)")
        return 2
    if empty:  # a shard that crashed: the report shows the others, the gate fails on the missing scenarios
        print(f"warning: no Allure results in {', '.join(map(str, empty))}; the report shows the other folders")
    staging = report.parent / f".{report.name}.build"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    config_file = staging.parent / f".{report.name}.allurerc.json"
    config = build_config(json.loads(config_path.read_text(encoding="utf-8")), staging / "out", history)
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    started = time.monotonic()
    try:
        code = subprocess.call(
            [str(allure_cli()), "generate", *map(str, folders), "--config", str(config_file)], cwd=PROJECT_ROOT
        )
        if code != 0:
            print(f"allure generate failed (exit {code}); the previous report is left as it was")
            return code
        built_folder = staging / "out" / FOLDER_PLUGIN
        built_single = staging / "out" / SINGLE_FILE_PLUGIN / "index.html"
        for page in [*built_folder.glob("*.html"), built_single]:
            strip_analytics(page)
        shutil.rmtree(report, ignore_errors=True)
        shutil.rmtree(single_file, ignore_errors=True)
        shutil.move(built_folder, report)
        single_file.mkdir(parents=True)
        shutil.move(built_single, single_file / "index.html")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        config_file.unlink(missing_ok=True)
    elapsed = time.monotonic() - started
    history_note = ""
    if history is not None and history.exists():
        runs = sum(1 for line in history.read_text(encoding="utf-8").splitlines() if line.strip())
        history_note = f"\n  history:     {history} ({runs} run{'s' if runs != 1 else ''})"
    single_size = (single_file / "index.html").stat().st_size
    mailable = (
        "opens from disk, can be mailed"
        if single_size <= MAILABLE_SIZE
        else "opens from disk; too large to mail: share the folder, or run with --step-screenshots failure"
    )
    shown_report = report.relative_to(PROJECT_ROOT) if report.is_relative_to(PROJECT_ROOT) else report
    merged = f" from {len(folders)} results folders" if len(folders) > 1 else ""
    print(
        f"Allure report built{merged} in {elapsed:.1f} s\n"
        f"  folder:      {report / 'index.html'} ({human_size(folder_size(report))}; "
        f"open it with `npx allure open {shown_report}`)\n"
        f"  single file: {single_file / 'index.html'} ({human_size(single_size)}; {mailable})" + history_note
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat report",
        description="Build the Allure 3 report of the last run: a folder, a single mailable HTML file, and the "
        "run history (keep reports/history.jsonl between CI runs to see trends and flaky scenarios).",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="Allure results folder (%(default)s)")
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="one report from several shards: their folders (reports/shards/*, each with allure-results/) or "
        "results folders; replaces --results",
    )
    parser.add_argument("--output", type=Path, default=REPORT, help="report folder (%(default)s)")
    parser.add_argument(
        "--single-file", type=Path, default=SINGLE_FILE_REPORT, help="folder of the one-file report (%(default)s)"
    )
    parser.add_argument("--history", type=Path, default=HISTORY, help="run history, one line a run (%(default)s)")
    parser.add_argument("--no-history", action="store_true", help="neither read nor extend the history")
    args = parser.parse_args(argv)
    return generate(
        [results_of(folder).resolve() for folder in args.merge] if args.merge else args.results.resolve(),
        args.output.resolve(),
        args.single_file.resolve(),
        None if args.no_history else args.history.resolve(),
    )
