"""`uat run`: the Gherkin suite, whole or one duration-balanced shard of it (pytest-split, `least_duration`, from
the committed durations file), each shard with its own results folder; `--store-durations` refreshes that file."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from support.paths import DURATIONS, JUNIT, PROJECT_ROOT, RESULTS, SHARDS, TEST_RESULTS

SPLITTING_ALGORITHM = "least_duration"
_SHARD = re.compile(r"^(\d+)/(\d+)$")


class RunUsageError(ValueError):
    """`uat run`'s own options are wrong; the message says how to write them."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based, as pytest-split counts groups)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD.match(text.strip())
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise RunUsageError(f"--shard expects I/N with 1 <= I <= N (e.g. --shard 2/3), not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def name(self) -> str:
        return f"{self.index}-of-{self.count}"

    @property
    def folder(self) -> Path:
        """Its results folder: allure-results/, junit.xml and shard.json (what `uat report --merge` reads)."""
        return SHARDS / self.name


def _take(args: list[str], option: str) -> tuple[str | None, list[str]]:
    """The value of `--option V` or `--option=V`, and the other arguments."""
    rest, value = [], None
    iterator = iter(args)
    for arg in iterator:
        if arg == option:
            value = next(iterator, None)
            if value is None:
                raise RunUsageError(f"{option} needs a value")
        elif arg.startswith(option + "="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return value, rest


def _has(args: list[str], *options: str) -> bool:
    return any(arg == option or arg.startswith(option + "=") for arg in args for option in options)


@dataclass(frozen=True)
class RunPlan:
    """The pytest arguments `uat run ARGS` stands for, and the results folder to empty first (None: the caller
    chose its own)."""

    arguments: list[str]
    fresh_results: Path | None


def plan(args: list[str]) -> RunPlan:
    """What `uat run ARGS` runs; a RunUsageError when its own options are wrong."""
    shard_text, rest = _take(args, "--shard")
    store = "--store-durations" in rest
    rest = [arg for arg in rest if arg != "--store-durations"]
    if _has(rest, "--splits", "--group"):
        raise RunUsageError("give the shard as --shard I/N; `uat run` sets pytest-split's --splits and --group")
    options: list[str] = []
    if shard_text is not None:
        shard = Shard.parse(shard_text)
        if store:
            raise RunUsageError("--store-durations measures the whole suite: run it without --shard")
        options += [
            f"--splits={shard.count}", f"--group={shard.index}", f"--splitting-algorithm={SPLITTING_ALGORITHM}",
            f"--durations-path={DURATIONS}",
        ]  # fmt: skip
        results, junit = shard.folder / "allure-results", shard.folder / "junit.xml"
        output = TEST_RESULTS / f"shard-{shard.name}"
        if not _has(rest, "--output"):
            options.append(f"--output={output}")  # pytest-playwright empties its output folder when it starts
    else:
        results, junit = RESULTS, JUNIT
    if store:
        if _has(rest, "-n", "--numprocesses") or any(re.match(r"^-n\d+$", arg) for arg in rest):
            raise RunUsageError("--store-durations measures one process: run it without -n (workers share the CPU)")
        options += ["--store-durations", f"--durations-path={DURATIONS}"]
    fresh_results = None
    if not _has(rest, "--alluredir"):
        fresh_results = results
        options.append(f"--alluredir={results}")
    if not _has(rest, "--junitxml", "--junit-xml"):
        options.append(f"--junitxml={junit}")
    return RunPlan(["features", *options, *rest], fresh_results)


def main(args: list[str]) -> int:
    try:
        run = plan(args)
    except RunUsageError as error:
        print(f"uat run: {error}", file=sys.stderr)
        return 2
    if run.fresh_results is not None:
        shutil.rmtree(run.fresh_results, ignore_errors=True)  # the report and the gate judge this run, not older ones
    return run_suite([sys.executable, "-m", "pytest", *run.arguments])


PYTEST_INTERRUPTED = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # what a shell reports for a command stopped by Ctrl-C


def run_suite(cmd: list[str]) -> int:
    """pytest as a child that cleans up after itself when stopped: Ctrl-C reaches it from the terminal (this process
    only waits, instead of killing it as subprocess.call would), SIGTERM is passed on. An interrupted run exits 130."""
    child = subprocess.Popen(cmd, cwd=PROJECT_ROOT)
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: None),  # the child has it too: let it finish
        signal.SIGTERM: signal.signal(signal.SIGTERM, lambda number, _: child.send_signal(number)),
    }
    try:
        code = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if code == PYTEST_INTERRUPTED:
        print("uat run: the run was interrupted; its clean-up ran (see above), the report says so", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code
