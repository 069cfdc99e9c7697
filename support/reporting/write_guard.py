"""Allure results that cannot be written (a full disk, a read-only folder) stop the run with one clear message,
instead of an INTERNALERROR traceback, or a run that goes on and leaves results that look like a smaller pass."""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import allure_commons
import pytest


class ResultWriteGuard:
    """Wraps allure-commons' file writer (an allure hook wrapper): an OSError while writing ends the run."""

    def __init__(self, results: Path, on_failure: Callable[[], object] = lambda: None) -> None:
        self.results = results
        self._on_failure = on_failure  # e.g. not to write the JUnit XML onto the same full disk either

    def _guarded(self, what: str) -> Generator[None, Any, Any]:
        try:
            return (yield)
        except OSError as error:
            self._on_failure()
            pytest.exit(
                f"cannot write the Allure {what} to {self.results}: {error.strerror or error} — the run stops here; "
                "its results are incomplete and `uat gate` will not count them as a pass (free some space, or "
                "choose another --alluredir, and run again)",
                returncode=pytest.ExitCode.INTERNAL_ERROR,
            )

    @allure_commons.hookimpl(wrapper=True)
    def report_result(self, result: Any) -> Generator[None, Any, Any]:
        return (yield from self._guarded("result"))

    @allure_commons.hookimpl(wrapper=True)
    def report_container(self, container: Any) -> Generator[None, Any, Any]:
        return (yield from self._guarded("container"))

    @allure_commons.hookimpl(wrapper=True)
    def report_attached_file(self, source: Any, file_name: Any) -> Generator[None, Any, Any]:
        return (yield from self._guarded("attachment"))

    @allure_commons.hookimpl(wrapper=True)
    def report_attached_data(self, body: Any, file_name: Any) -> Generator[None, Any, Any]:
        return (yield from self._guarded("attachment"))
