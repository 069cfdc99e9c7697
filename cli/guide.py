"""`uat guide`: the user guide, built from a green run — one self-contained HTML file and a PDF per language, each
step in the guide's words with the screenshot the run took of it (secrets masked), stamped with the environment,
the release and the run that proved it. `--diff OLD` says which pictures changed since an earlier guide."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from support.browser import launch_args
from support.guide.definition import GuideDefinitionError, available_locales, load_guide
from support.guide.diff import DEFAULT_THRESHOLD, compare
from support.guide.proof import UnprovenGuide, prove, run_record
from support.guide.render import build
from support.paths import PROJECT_ROOT, REPORTS, RESULTS

OUTPUT = REPORTS / "guide"
GUIDE_RESULTS = REPORTS / "guide-results"
GUIDE_MARKER = "guide"
DEFAULT_LOCALE = "en"


def results_for(locale: str, ran_now: bool) -> Path:
    """Where the proving run of a language left its results: the guide's own run, else (English) the last run."""
    own = GUIDE_RESULTS / locale
    if ran_now or own.is_dir() or locale != DEFAULT_LOCALE:
        return own
    return RESULTS


def run_guide_journeys(locale: str) -> int:
    """The guide's scenarios in one language, with a screenshot after every step."""
    results = GUIDE_RESULTS / locale
    shutil.rmtree(results, ignore_errors=True)
    command = [
        str(Path(sys.executable).with_name("uat")), "run", "-q", "-m", GUIDE_MARKER, "--step-screenshots", "all",
        f"--alluredir={results}", f"--junitxml={results / 'junit.xml'}",
    ]  # fmt: skip
    print(f"guide ({locale}): running the guide's scenarios: {' '.join(command[1:])}", flush=True)
    return subprocess.call(command, cwd=PROJECT_ROOT, env={**os.environ, "UAT_LOCALE": locale})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat guide",
        description="Build the user guide from a green run: HTML and PDF per language in reports/guide/<locale>/. "
        "A step whose scenario or Gherkin step did not pass, or that has no screenshot, stops the build and is "
        "named: a guide never shows a screen that was not proven.",
    )
    parser.add_argument(
        "--locale",
        default=DEFAULT_LOCALE,
        help=f"one of {', '.join(available_locales())}, or all (default {DEFAULT_LOCALE})",
    )
    parser.add_argument(
        "--run",
        action="store_true",
        help="run the guide's scenarios first (uat run -m guide --step-screenshots all), once per language",
    )
    parser.add_argument("--results", type=Path, help="the Allure results to build from (one language only)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where the guide goes (default {OUTPUT})")
    parser.add_argument("--diff", type=Path, metavar="OLD", help="an earlier guide folder: list the changed pictures")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"share of changed pixels that counts as a change (default {DEFAULT_THRESHOLD})",
    )
    args = parser.parse_args(argv)
    output = args.output.resolve()
    locales = available_locales() if args.locale == "all" else [args.locale]
    if args.results and len(locales) != 1:
        parser.error("--results builds one language; give --locale")
    failures = 0
    with sync_playwright() as playwright:
        browser = None
        for locale in locales:
            started = time.monotonic()
            try:
                guide = load_guide(locale)
                if args.run and run_guide_journeys(locale) != 0:
                    print(f"guide ({locale}): the guide's scenarios did not all pass; building what was proven")
                results = args.results or results_for(locale, args.run)
                proofs = prove(guide, results)
            except (GuideDefinitionError, UnprovenGuide) as error:
                print(f"guide ({locale}): NOT BUILT\n{error}")
                failures += 1
                continue
            browser = browser or playwright.chromium.launch(**launch_args(os.environ.get("UAT_BROWSER_EXECUTABLE")))
            built = build(guide, proofs, run_record(results), output, browser)
            size = built.html.stat().st_size + built.pdf.stat().st_size
            print(
                f"guide ({locale}): {len(proofs)} proven steps in {time.monotonic() - started:.1f} s, "
                f"{built.html} ({built.html.stat().st_size / 1024:.0f} KiB) and {built.pdf.name} "
                f"({built.pdf.stat().st_size / 1024:.0f} KiB), {size / 1024:.0f} KiB in all"
            )
            if args.diff:
                changes = compare(args.diff / locale, output / locale, args.threshold)
                print(f"guide ({locale}): {len(changes)} picture(s) changed since {args.diff / locale}")
                for change in changes:
                    print(f"  - {change.step_id}: {change.note}")
        if browser is not None:
            browser.close()
    return 1 if failures else 0
