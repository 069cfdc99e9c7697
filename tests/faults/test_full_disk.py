"""A full disk for the results: with no room at the start the run stops before any browser starts, naming the folder
and the room it needs; a disk that fills during the run stops it at the first result it cannot write, with one clear
message; and the gate never counts what is there as a pass. The results live on a small tmpfs of their own."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.keycloak_admin import KeycloakAdmin
from support.run_ledger import new_run_id
from tests.faults.harness import run_suite, uat
from tests.faults.injector import fill_disk
from tests.faults.leftovers import test_users

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (mounting one needs root, as on this machine and in CI containers run as root)."""
    mount_point = tmp_path / "reports"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True)
    assert mounted.returncode == 0, f"cannot mount a tmpfs for the results (root needed): {mounted.stderr!r}"
    try:
        (mount_point / "allure-results").mkdir()
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def _gate(disk: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    return uat("gate", "--results", str(disk / "allure-results"), "--junit", str(disk / "junit.xml"), "--no-scan",
               "--min-scenarios", "0", "--summary", str(workdir / "summary.md"))  # fmt: skip


def test_no_room_at_the_start_stops_the_run_before_any_browser(small_disk: Path, workdir: Path) -> None:
    fill_disk(small_disk)
    run = run_suite(workdir, "has_the_link", results=small_disk / "allure-results")
    assert run.returncode == 4, run.tail()  # pytest's usage error: nothing ran
    assert f"no room for the run's results: {small_disk / 'allure-results'} has 0.0 MB free" in run.output, run.tail()
    assert "UAT_MIN_FREE_MB" in run.output
    assert not run.verdicts
    gate = _gate(small_disk, workdir)
    assert gate.returncode != 0, gate.stdout


def test_a_disk_that_fills_during_the_run_stops_it_and_the_gate_refuses_it(
    small_disk: Path, workdir: Path, realm_admin: KeycloakAdmin, fault_timings: dict[str, float]
) -> None:
    run_id = new_run_id()
    run = run_suite(
        workdir, "has_the_link", when="after:an organisation administrator has invited",
        action=f"fill-disk:{small_disk}", results=small_disk / "allure-results",
        env={"UAT_MIN_FREE_MB": "0.5", "UAT_RUN_ID": run_id},
    )  # fmt: skip
    assert run.returncode == 3, run.tail()  # stopped: pytest's exit status for an internal error
    assert f"cannot write the Allure result to {small_disk / 'allure-results'}: No space left on device" in run.output
    assert "`uat gate` will not count them as a pass" in run.output
    gate = _gate(small_disk, workdir)
    assert gate.returncode == 1, gate.stdout
    assert "the run did not finish (state 'running'" in gate.stdout, gate.stdout
    assert not test_users(realm_admin, run_id), "the stopped run left its user"  # its clean-up still ran
    fault_timings["disk full during the run: until the run stopped"] = run.ended - run.injected_at()
