"""Scaling out: remote-browser settings, several organisation administrators (one per shard or worker, leased on
this machine), `uat run --shard`, and the gate's judgement of merged shards."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli import gate
from cli.results import load_merged
from cli.run import RunUsageError, Shard, plan
from support.config import ConfigurationError
from support.config.model import OrgAdmin
from support.keycloak_admin import KeycloakAdmin
from support.org_admins import SIGN_IN_SPACING_S, Slot, lease_org_admin, slot_of
from support.paths import ALLURE_CONFIG, DURATIONS
from support.secrets import Secret
from support.stack_discovery import config_values, parse_stack_status
from tests.unit.test_config import DEMO_PROFILE, STACK_STATUS, TOTP_KEY, demo_env, load

OTHER_TOTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "environments"
    folder.mkdir()
    (folder / "demo.toml").write_text(DEMO_PROFILE)
    return folder


@pytest.fixture
def no_dotenv(tmp_path: Path) -> Path:
    return tmp_path / "absent.env"


def admins(count: int) -> tuple[OrgAdmin, ...]:
    return tuple(
        OrgAdmin(f"admin{n}@demo.example", Secret(f"Pw#{n}abcdefghij"), Secret(TOTP_KEY)) for n in range(count)
    )


# -- settings -----------------------------------------------------------------------------------------


def test_org_admins_list_is_the_pool_and_needs_no_single_admin(profiles: Path, no_dotenv: Path) -> None:
    listed = [
        {"email": "a1@demo.example", "password": "Pw#1abcdefghijk", "totp_secret": TOTP_KEY},
        {"email": "a2@demo.example", "password": "Pw#2abcdefghijk", "totp_secret": OTHER_TOTP_KEY},
    ]
    env = {"UAT_PROFILE": "demo", "UAT_ORG_ADMINS": json.dumps(listed)}
    (profiles / "demo.toml").write_text(
        (profiles / "demo.toml").read_text().replace('org_admin_email = "admin@demo.example"\n', "")
    )
    config = load(profiles, no_dotenv, env)
    assert [admin.email for admin in config.org_admin_pool] == ["a1@demo.example", "a2@demo.example"]
    assert config.org_admin_pool[1].password == Secret("Pw#2abcdefghijk")
    assert "Pw#2" not in repr(config.org_admin_pool)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("[{", "is not a JSON list of administrators"),
        ("[]", "must list administrators"),
        ('[{"email": "a@demo.example", "password": "x1"}]', "item 1 has no totp_secret"),
        ('[{"email": "not-an-address", "password": "x1", "totp_secret": "' + TOTP_KEY + '"}]', "item 1: is not an"),
    ],
)
def test_a_bad_org_admins_list_is_one_clear_problem_without_its_secrets(
    profiles: Path, no_dotenv: Path, value: str, problem: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load(profiles, no_dotenv, demo_env(UAT_ORG_ADMINS=value))
    assert problem in str(raised.value)
    assert "x1" not in str(raised.value) and TOTP_KEY not in str(raised.value)


def test_the_same_administrator_twice_is_refused(profiles: Path, no_dotenv: Path) -> None:
    twice = [{"email": "a@demo.example", "password": "Pw#1abcdefghijk", "totp_secret": TOTP_KEY}] * 2
    with pytest.raises(ConfigurationError, match=r"names a@demo.example more than once"):
        load(profiles, no_dotenv, demo_env(UAT_ORG_ADMINS=json.dumps(twice)))


def test_an_explicit_single_admin_beats_the_stacks_list_and_must_be_in_an_explicit_list(
    profiles: Path, no_dotenv: Path
) -> None:
    listed = [{"email": "a1@demo.example", "password": "Pw#1abcdefghijk", "totp_secret": TOTP_KEY}]
    both = demo_env(UAT_ORG_ADMIN_EMAIL="admin@demo.example", UAT_ORG_ADMINS=json.dumps(listed))
    with pytest.raises(ConfigurationError, match=r"UAT_ORG_ADMIN_EMAIL='admin@demo\.example' is not among"):
        load(profiles, no_dotenv, both)


def test_the_stack_lists_every_seeded_administrator() -> None:
    payload: dict[str, Any] = json.loads(json.dumps(STACK_STATUS))
    second = dict(payload["seed_users"][0], email="oscar.admin@acme-pharma.test", totp_secret=OTHER_TOTP_KEY)
    payload["seed_users"].append(second)
    values = config_values(parse_stack_status(payload))
    assert [admin.email for admin in values["org_admins"]] == [
        "olivia.admin@acme-pharma.test",
        "oscar.admin@acme-pharma.test",
    ]
    assert values["org_admin_email"] == "olivia.admin@acme-pharma.test"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"UAT_BROWSER_ENDPOINT": "http://h:3000/"}, "is not a ws:// or wss:// URL"),
        (
            {"UAT_BROWSER_ENDPOINT": "ws://h:3000/", "UAT_SELENIUM_GRID_URL": "http://h:4444"},
            "are both set",
        ),
        (
            {"UAT_SELENIUM_GRID_URL": "http://h:4444", "UAT_BROWSER_EXECUTABLE": "/usr/bin/chromium"},
            "has no effect on a Selenium Grid",
        ),
        ({"UAT_BROWSER_EXECUTABLE": "/nowhere/chromium"}, "names no file on this machine"),
    ],
)
def test_remote_browser_settings_are_checked_together(
    profiles: Path, no_dotenv: Path, env: dict[str, str], problem: str
) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        load(profiles, no_dotenv, demo_env(**env))


def test_the_engine_follows_the_configuration(profiles: Path, no_dotenv: Path) -> None:
    assert load(profiles, no_dotenv, demo_env()).browser_engine == "local"
    server = load(profiles, no_dotenv, demo_env(UAT_BROWSER_ENDPOINT="ws://h:3000/"))
    assert server.browser_engine == "browser-server" and server.browser_endpoint == "ws://h:3000/"
    # a path on the browser server's machine need not exist here
    remote_path = demo_env(UAT_BROWSER_ENDPOINT="ws://h:3000/", UAT_BROWSER_EXECUTABLE="/opt/chrome/chrome")
    assert str(load(profiles, no_dotenv, remote_path).browser_executable) == "/opt/chrome/chrome"
    grid = load(profiles, no_dotenv, demo_env(UAT_SELENIUM_GRID_URL="http://h:4444/"))
    assert grid.browser_engine == "selenium-grid" and grid.selenium_grid_url == "http://h:4444"


# -- one administrator per shard and worker ------------------------------------------------------------


def test_shards_and_workers_prefer_distinct_administrators() -> None:
    slots = [slot_of(shard, 3, f"gw{worker}", 2) for shard in (1, 2, 3) for worker in (0, 1)]
    assert sorted(slot.index for slot in slots) == list(range(6))
    assert slot_of(None, None, None, None) == Slot()
    assert slot_of(2, 3, None, None).describe() == "shard 2/3"


def test_each_process_on_this_machine_leases_its_own_administrator(tmp_path: Path) -> None:
    pool = admins(3)
    scope = f"test-{time.time_ns()}"
    leases = [lease_org_admin(pool, slot_of(shard, 3, None, None), scope) for shard in (1, 2, 3)]
    try:
        assert [lease.admin.email for lease in leases] == [admin.email for admin in pool]
        assert not any(lease.shared for lease in leases)
        fourth = lease_org_admin(pool, slot_of(1, 3, None, None), scope)  # every one is taken here: shared
        assert fourth.shared and fourth.admin == pool[0]
    finally:
        for lease in leases:
            lease.release()


def test_a_taken_administrator_sends_the_process_to_a_free_one(tmp_path: Path) -> None:
    pool, scope = admins(3), f"test-{time.time_ns()}"
    # another process holds shard 2's administrator: lease it in a separate interpreter
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LEASE.format(scope=scope)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lease = lease_org_admin(pool, slot_of(2, 3, None, None), scope)
        assert lease.admin == pool[2] and not lease.shared
        lease.release()
    finally:
        holder.kill()
        holder.wait()


_HOLD_LEASE = """
import sys, time
from support.config.model import OrgAdmin
from support.org_admins import lease_org_admin, slot_of
from support.secrets import Secret
pool = tuple(OrgAdmin(f"admin{{n}}@demo.example", Secret("p"), Secret("k")) for n in range(3))
lease = lease_org_admin(pool, slot_of(2, 3, None, None), "{scope}")
print("held", flush=True)
time.sleep(60)
"""


def test_no_administrator_at_all_is_a_configuration_problem() -> None:
    with pytest.raises(ValueError, match="UAT_ORG_ADMINS"):
        lease_org_admin((), Slot(), "test-none")


def test_sign_ins_of_a_shared_administrator_keep_the_quick_login_window_apart() -> None:
    scope = f"test-{time.time_ns()}"
    first = lease_org_admin(admins(1), Slot(), scope)
    second = lease_org_admin(admins(1), Slot(), scope)
    ends: list[float] = []

    def sign_in(lease: Any) -> None:
        with lease.sign_in_turn():
            ends.append(time.time())

    threads = [threading.Thread(target=sign_in, args=(lease,)) for lease in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first.release()
    assert len(ends) == 2 and abs(ends[1] - ends[0]) >= SIGN_IN_SPACING_S * 0.99


# -- uat run --shard ---------------------------------------------------------------------------------------


def test_a_shard_runs_pytest_split_on_the_committed_durations_into_its_own_folders() -> None:
    run = plan(["--shard", "2/3", "-m", "smoke"])
    assert run.arguments[0] == "features" and run.arguments[-2:] == ["-m", "smoke"]
    assert {"--splits=3", "--group=2", "--splitting-algorithm=least_duration", f"--durations-path={DURATIONS}"} <= set(
        run.arguments
    )
    assert run.fresh_results == Shard(2, 3).folder / "allure-results"
    assert any(arg.endswith("reports/shards/2-of-3/junit.xml") for arg in run.arguments)
    assert any(arg.endswith("test-results/shard-2-of-3") for arg in run.arguments)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--shard", "0/3"], "1 <= I <= N"),
        (["--shard", "three"], "I/N"),
        (["--shard", "1/2", "--store-durations"], "without --shard"),
        (["--store-durations", "-n", "2"], "without -n"),
        (["--splits", "2", "--group", "1"], "give the shard as --shard"),
    ],
)
def test_wrong_run_options_are_refused_with_the_fix(args: list[str], problem: str) -> None:
    with pytest.raises(RunUsageError, match=problem):
        plan(args)


def test_the_committed_durations_name_every_scenario_of_the_suite() -> None:
    durations = json.loads(DURATIONS.read_text())
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "features", "--collect-only", "-q", "-p", "no:randomly"],
        capture_output=True, text=True, check=False, cwd=DURATIONS.parents[1],
    ).stdout.splitlines()  # fmt: skip
    scenarios = {line for line in collected if line.startswith("features/") and "::" in line}
    assert scenarios and scenarios <= set(durations), sorted(scenarios - set(durations))[:3]


# -- uat gate --merge -----------------------------------------------------------------------------------------


def _shard(folder: Path, index: int, count: int, names: list[str], selection: int, status: str = "passed") -> Path:
    results = folder / f"{index}-of-{count}" / "allure-results"
    results.mkdir(parents=True)
    for number, name in enumerate(names):
        result = {"name": name, "historyId": name, "status": status, "start": number, "stop": number + 1}
        (results / f"{index}-{number}-result.json").write_text(json.dumps(result))
    record = {"shard": index, "shards": count, "scenarios": names, "selection": selection}
    (results.parent / "shard.json").write_text(json.dumps(record))
    return results.parent


def test_merged_shards_count_as_the_whole_selection(tmp_path: Path) -> None:
    folders = [_shard(tmp_path, 1, 2, ["a", "b"], 3), _shard(tmp_path, 2, 2, ["c"], 3)]
    merged = load_merged(folders)
    assert not merged.problems and sorted(s.name for s in merged.scenarios) == ["a", "b", "c"]


def test_a_missing_overlapping_or_unfinished_shard_fails_the_merge(tmp_path: Path) -> None:
    missing = load_merged([_shard(tmp_path / "m", 1, 3, ["a"], 3), _shard(tmp_path / "m", 3, 3, ["c"], 3)])
    assert any("shard(s) 2/3 missing" in problem for problem in missing.problems)
    assert any("hold 2 scenarios, the whole selection had 3" in problem for problem in missing.problems)
    overlap = load_merged([_shard(tmp_path / "o", 1, 2, ["a", "b"], 2), _shard(tmp_path / "o", 2, 2, ["b"], 2)])
    assert any("ran in more than one shard: b" in problem for problem in overlap.problems)
    mixed = load_merged([_shard(tmp_path / "x", 1, 2, ["a"], 2), _shard(tmp_path / "x", 2, 2, ["b"], 5)])
    assert any("different selections" in problem for problem in mixed.problems)


def test_the_gate_judges_merged_shards_with_the_whole_suites_count(tmp_path: Path) -> None:
    folders = [str(_shard(tmp_path, 1, 2, ["a", "b"], 3)), str(_shard(tmp_path, 2, 2, ["c"], 3))]
    common = ["--no-scan", "--summary", str(tmp_path / "summary.md")]
    assert gate.main(["--merge", *folders, "--min-scenarios", "3", *common], environ={}) == 0
    assert gate.main(["--merge", folders[0], "--min-scenarios", "3", *common], environ={}) == 1
    assert "shard(s) 2/2 missing" in (tmp_path / "summary.md").read_text()


# -- a locked administrator ---------------------------------------------------------------------------------------


def _keycloak(attack: dict[str, Any], realm: dict[str, Any]) -> KeycloakAdmin:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 60})
        if "/attack-detection/brute-force/users/" in request.url.path:
            return httpx.Response(200, json=attack)
        return httpx.Response(200, json=realm)

    return KeycloakAdmin("http://kc", "r", "admin", Secret("pw"), transport=httpx.MockTransport(answer))


REALM_BRUTE_FORCE = {"failureFactor": 10, "minimumQuickLoginWaitSeconds": 60, "waitIncrementSeconds": 60,
                     "maxFailureWaitSeconds": 900}  # fmt: skip


def test_a_quick_login_lockout_names_what_is_left_of_the_wait() -> None:
    began_ms = int((time.time() - 20) * 1000)
    lockout = _keycloak({"disabled": True, "numFailures": 0, "lastFailure": began_ms}, REALM_BRUTE_FORCE).lockout_of(
        "u"
    )
    assert lockout.locked and lockout.quick_login
    assert lockout.wait_s is not None and 35 <= lockout.wait_s <= 41
    described = lockout.describe("olivia.admin@acme-pharma.test")
    assert "has temporarily locked olivia.admin@acme-pharma.test (two sign-ins within" in described
    assert "unlocks in about" in described


def test_failures_beyond_the_factor_wait_an_increment_each() -> None:
    lockout = _keycloak({"disabled": True, "numFailures": 20, "lastFailure": 0}, REALM_BRUTE_FORCE).lockout_of("u")
    assert not lockout.quick_login and lockout.wait_s == 120
    assert not _keycloak({"disabled": False, "numFailures": 0}, REALM_BRUTE_FORCE).lockout_of("u").locked


def test_a_locked_account_has_its_own_category() -> None:
    rules = gate.load_category_rules(ALLURE_CONFIG)
    message = (
        "support.users.providers.base.AccountTemporarilyLocked: Keycloak's brute-force detection has temporarily "
        "locked olivia.admin@acme-pharma.test (two sign-ins within the realm's quick-login window); it unlocks in "
        "about 58 s"
    )
    scenario = gate.Scenario([gate.Attempt("s", "h", "broken", 0, 1, message, "", False, ())])
    assert gate.category_of(scenario, rules) == "Environment: account locked by brute-force detection"


# -- one reference stack for runs started together -------------------------------------------------------------------


def test_the_last_run_out_stops_a_stack_that_a_run_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from support import stack_discovery

    running = {"healthy": False}
    commands: list[list[str]] = []

    def status(runner: Any = None) -> Any:
        if not running["healthy"]:
            raise stack_discovery.StackNotRunning("not running")
        return type("Status", (), {"healthy": True})()

    def run(command: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
        commands.append(command[1:])
        running["healthy"] = command[1:3] == ["stack", "up"]
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(stack_discovery, "STACK_STATE", tmp_path)
    monkeypatch.setattr(stack_discovery, "read_stack_status", status)
    monkeypatch.setattr(stack_discovery, "uat_command", lambda: "uat")
    monkeypatch.setattr(stack_discovery.subprocess, "run", run)
    first = stack_discovery.use_reference_stack("mailpit")
    second = stack_discovery.use_reference_stack("mailpit")
    assert first.started and not second.started and commands == [["stack", "up", "--mail", "mailpit"]]
    stack_discovery.leave_reference_stack(first)  # the starter finishes first: the other shard still runs
    assert commands[-1][:2] == ["stack", "up"] and "other runs on this machine still use it" in capsys.readouterr().out
    stack_discovery.leave_reference_stack(second)
    assert commands[-1] == ["stack", "down"]


def test_a_stack_started_by_hand_stays_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from support import stack_discovery

    commands: list[list[str]] = []
    (tmp_path / "auto-started").touch()  # left by a run that was killed; nobody holds the stack now
    monkeypatch.setattr(stack_discovery, "STACK_STATE", tmp_path)
    monkeypatch.setattr(stack_discovery, "read_stack_status", lambda runner=None: type("S", (), {"healthy": True})())
    monkeypatch.setattr(stack_discovery.subprocess, "run", lambda command, check=False: commands.append(command))
    stack_discovery.leave_reference_stack(stack_discovery.use_reference_stack("mailpit"))
    assert commands == []
