"""Nothing left behind, without a target: the run's id in addresses and key names, the ledger a killed run leaves
(whole lines, unlocked), what a sweep removes from it and when it forgets it, what an old run id marks, durations,
and the gate refusing results of a run that did not finish."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cli.gate import GateSettings, judge, load_scenarios
from cli.gate import main as gate_main
from support import run_ledger
from support.config import UatConfig
from support.mail.addresses import unique_address
from support.reporting.run_state import (
    FINISHED,
    RUNNING,
    free_space_problem,
    incomplete_results,
    write_interrupted_result,
    write_run_state,
)
from support.run_ledger import LedgerContents, dead_ledgers, is_held, new_run_id, started_at
from support.sweep import Sweeper, parse_duration
from support.sweep.marked import MarkedThings, address_pattern
from tests.unit.reliability_profile import unit_config

TARGET = {
    "keycloak_url": "http://kc.test",
    "realm": "famhp-externals",
    "famhp_connect_url": "http://apps.test/famhp-connect",
}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> UatConfig:
    return unit_config(tmp_path_factory.mktemp("profiles"))


# ---- the run's id -------------------------------------------------------------------------------------------------
def test_a_run_id_says_when_the_run_started() -> None:
    run_id = new_run_id(now=1_795_990_000)
    assert run_id.startswith("uat-") and len(run_id) == 15
    assert started_at(run_id) == datetime.fromtimestamp(1_795_990_000, UTC)
    assert started_at("Nightly export") is None


def test_the_run_id_is_in_every_address_within_the_local_part_limit() -> None:
    run_id = new_run_id()
    for template in ("uat+{tag}@famhp-uat.test", "a-rather-long-shared-mailbox-name+{tag}@example.org"):
        address = unique_address(template, "Activate the account by scanning the QR code " * 3, marker=run_id)
        assert f"-{run_id}-" in address and len(address.split("@")[0]) <= 64, address
        assert address_pattern(template).match(address), address


def test_the_environment_gives_the_run_id_to_the_processes_of_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    given = new_run_id()
    monkeypatch.setenv(run_ledger.RUN_ID_ENV, given)
    assert run_ledger.current_run_id() == given
    monkeypatch.setenv(run_ledger.RUN_ID_ENV, "not-a-run-id")
    assert run_ledger.current_run_id() != "not-a-run-id"


# ---- the ledger -------------------------------------------------------------------------------------------------
def _write_ledger(directory: Path) -> run_ledger.RunLedger:
    ledger = run_ledger.RunLedger.open(directory, new_run_id(), "gw0", TARGET)
    ledger.record(run_ledger.ADDRESS, address="uat+a@famhp-uat.test")
    ledger.record(run_ledger.ADDRESS, address="uat+b@famhp-uat.test")
    ledger.record(run_ledger.API_KEY, name="Nightly export x", organisation="Acme Pharma NV", creator="uat+a@x")
    ledger.record(run_ledger.API_KEY, name="Vet registrations x", organisation="Acme Pharma NV", creator="uat+a@x")
    ledger.record(run_ledger.USER_REMOVED, address="uat+a@famhp-uat.test")
    ledger.record(run_ledger.API_KEY_REVOKED, name="Nightly export x", organisation="Acme Pharma NV")
    return ledger


def test_a_living_run_holds_its_ledger_and_a_dead_one_leaves_it_for_the_sweep(tmp_path: Path) -> None:
    ledger = _write_ledger(tmp_path)
    assert is_held(ledger.path) and list(dead_ledgers(tmp_path)) == []
    ledger.close(delete=False)  # what a SIGKILL does to the lock
    assert list(dead_ledgers(tmp_path)) == [ledger.path]
    contents = LedgerContents.read(ledger.path)
    assert contents.target == TARGET and contents.process.startswith("gw0-")
    assert contents.users_to_check == ["uat+b@famhp-uat.test"]
    assert [key.name for key in contents.keys_to_check] == ["Vet registrations x"]


def test_a_line_cut_short_by_a_kill_or_a_full_disk_costs_only_that_line(tmp_path: Path) -> None:
    ledger = _write_ledger(tmp_path)
    ledger.close(delete=False)
    with ledger.path.open("a") as torn:
        torn.write('{"kind": "address", "addr')
    assert LedgerContents.read(ledger.path).users_to_check == ["uat+b@famhp-uat.test"]


def test_a_clean_end_deletes_the_ledger_and_its_folder(tmp_path: Path) -> None:
    ledger = _write_ledger(tmp_path)
    ledger.close(delete=True)
    assert not ledger.path.exists() and not ledger.path.parent.exists()


# ---- sweeping -----------------------------------------------------------------------------------------------------
class FakeAdmin:
    def __init__(self, users: set[str], failing: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.users, self.failing = set(users), failing

    def find_user(self, email: str) -> Any:
        if email in self.failing:
            raise RuntimeError("HTTP 503")
        return type("Account", (), {"id": email})() if email in self.users else None

    def delete_user(self, user_id: str) -> bool:
        self.users.discard(user_id)
        return True


class FakeInbox:
    def __init__(self, mails: dict[str, int]) -> None:
        self.mails = mails

    def __enter__(self) -> FakeInbox:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def messages_for(self, address: str, *, since: datetime) -> list[str]:
        return [address] * self.mails.get(address, 0)

    def delete(self, messages: list[str]) -> None:
        for address in messages:
            self.mails[address] -= 1


class FakeRevoker:
    def __init__(self, active: set[tuple[str, str]]) -> None:
        self.active = active

    def revoke(self, name: str, organisation: str) -> bool:
        if (name, organisation) in self.active:
            self.active.discard((name, organisation))
            return True
        return False

    def revoke_where(self, left_behind: Callable[[str], bool]) -> list[str]:
        names = [name for name, _ in self.active if left_behind(name)]
        self.active = {(name, organisation) for name, organisation in self.active if name not in names}
        return names


def _revoker(revoker: FakeRevoker) -> Callable[[], Any]:
    @contextmanager
    def session() -> Iterator[FakeRevoker]:
        yield revoker

    return session


def _dead(tmp_path: Path) -> LedgerContents:
    ledger = _write_ledger(tmp_path)
    ledger.close(delete=False)
    return LedgerContents.read(ledger.path)


def test_a_sweep_removes_what_a_dead_ledger_lists_and_forgets_it(tmp_path: Path, config: UatConfig) -> None:
    contents = _dead(tmp_path)
    admin = FakeAdmin({"uat+b@famhp-uat.test", "olivia.admin@acme-pharma.test"})
    inbox = FakeInbox({"uat+a@famhp-uat.test": 1, "uat+b@famhp-uat.test": 2})
    revoker = FakeRevoker({("Vet registrations x", "Acme Pharma NV"), ("Production key", "Acme Pharma NV")})
    sweeper = Sweeper(config, admin=admin, key_revoker=_revoker(revoker), inbox_factory=lambda _: inbox)  # type: ignore[arg-type]
    report = sweeper.sweep_ledgers([contents])
    assert report.clean and report.swept_ledgers == [contents.path] and not contents.path.exists()
    assert report.removed_users == ["uat+b@famhp-uat.test"] and admin.users == {"olivia.admin@acme-pharma.test"}
    assert report.revoked_keys == ["Vet registrations x (Acme Pharma NV)"]
    assert revoker.active == {("Production key", "Acme Pharma NV")}  # nothing the run did not make
    assert report.deleted_mails == 3


def test_what_a_sweep_cannot_remove_keeps_the_ledger_and_says_why(tmp_path: Path, config: UatConfig) -> None:
    contents = _dead(tmp_path)
    sweeper = Sweeper(config, admin=None, key_revoker=None, inbox_factory=None)
    report = sweeper.sweep_ledgers([contents])
    assert not report.clean and contents.path.exists()
    assert report.left == [
        "user uat+b@famhp-uat.test: no Keycloak admin credentials to remove it",
        "API key 'Vet registrations x' (Acme Pharma NV): no key manager to revoke it",
    ]


def test_a_ledger_of_another_target_is_left_alone(tmp_path: Path, config: UatConfig) -> None:
    contents = _dead(tmp_path)
    contents.target = {**TARGET, "keycloak_url": "https://kc.uat.example"}
    report = Sweeper(config, admin=FakeAdmin(set()), key_revoker=None, inbox_factory=None).sweep_ledgers([contents])  # type: ignore[arg-type]
    assert report.clean and contents.path.exists() and "https://kc.uat.example" in report.other_targets[0]


def test_old_run_ids_mark_what_is_left_over_but_not_a_living_or_recent_run(config: UatConfig) -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    old, recent, living = (new_run_id((now - timedelta(hours=hours)).timestamp()) for hours in (7, 1, 9))
    marked = MarkedThings(config, timedelta(hours=6), {living}, now)
    assert marked.is_left_over(f"Nightly export {old}-k2m9")
    assert not marked.is_left_over(f"Nightly export {recent}-k2m9")
    assert not marked.is_left_over(f"Nightly export {living}-k2m9")
    assert not marked.is_left_over("Production key")
    assert marked.is_left_over_address(unique_address("uat+{tag}@famhp-uat.test", "x", marker=old))
    assert not marked.is_left_over_address(f"someone+{old}@elsewhere.test")  # not the template's


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("6h", 21600), ("2d", 172800), ("1h30m", 5400)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "6", "six hours", "6h and more"])
def test_a_duration_that_is_none_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration such as 90s, 30m, 6h or 2d"):
        parse_duration(text)


# ---- results of a run that did not finish -------------------------------------------------------------------------
def test_results_of_a_finished_run_are_whole(tmp_path: Path) -> None:
    write_run_state(tmp_path, FINISHED, exit_status=0)
    (tmp_path / "a-result.json").write_text("{}")
    assert incomplete_results(tmp_path, tmp_path / "junit.xml") == []


def test_a_run_that_did_not_finish_half_written_results_and_a_torn_junit_are_refused(tmp_path: Path) -> None:
    write_run_state(tmp_path, RUNNING)
    (tmp_path / "b-result.json.tmp").write_text('{"name": "half')
    (tmp_path / "c-result.json").write_text('{"name": "half')
    (tmp_path / "junit.xml").write_text("<testsuites><testsuite")
    problems = incomplete_results(tmp_path, tmp_path / "junit.xml")
    assert len(problems) == 4, problems
    assert problems[0].startswith("the run did not finish (state 'running': killed, or it could not write its results")


def test_the_gate_refuses_a_killed_run_that_wrote_no_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_run_state(tmp_path, RUNNING)
    code = gate_main(["--results", str(tmp_path), "--junit", str(tmp_path / "junit.xml"), "--no-scan",
                      "--min-scenarios", "0", "--summary", str(tmp_path / "summary.md")], environ={})  # fmt: skip
    assert code == 1 and "the run did not finish" in capsys.readouterr().out


def test_the_interrupted_result_says_so_and_fails_the_gate(tmp_path: Path) -> None:
    path = write_interrupted_result(tmp_path, "the run was interrupted by SIGINT during x", started_ms=1)
    result = json.loads(path.read_text())
    assert result["status"] == "broken" and result["statusDetails"]["message"].startswith(
        "support.faults.RunInterrupted"
    )
    verdict = judge(
        load_scenarios(tmp_path), [], GateSettings(min_scenarios=0), datetime.now(UTC).date(), None, incomplete=[]
    )
    assert not verdict.passed


def test_too_little_room_for_the_results_is_said_before_the_run(tmp_path: Path) -> None:
    problem = free_space_problem(tmp_path / "allure-results", {"UAT_MIN_FREE_MB": str(10**12)})
    assert problem is not None and f"{tmp_path} has " in problem and "UAT_MIN_FREE_MB" in problem
    assert free_space_problem(tmp_path, {"UAT_MIN_FREE_MB": "0"}) is None
    assert os.path.isdir(tmp_path)
