"""A deployment the suite has never seen: the reference stack with its organisations renamed and its API checked
at another address and in another shape, driven by the committed profile `reshaped` and UAT_* variables alone.
The API-key features pass with no code change: every fact they need comes from the profile."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.paths import PROJECT_ROOT

pytestmark = [pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]

# the reference realm's organisations -> the names the `reshaped` profile gives them
RENAMES = {"Acme Pharma NV": "Antwerp Generics BV", "Belgian Vet Supplies BV": "Liège Veterinary Supplies SA"}
RUN_TIMEOUT_S = 1200


def _rename(admin: httpx.Client, names: dict[str, str]) -> None:
    for organisation in admin.get("/organizations", params={"max": 100}).raise_for_status().json():
        if organisation["name"] in names:
            renamed = {**organisation, "name": names[organisation["name"]]}
            admin.put(f"/organizations/{organisation['id']}", json=renamed).raise_for_status()


@pytest.fixture
def reshaped_stack(stack_info: dict, keycloak_admin: httpx.Client) -> Iterator[None]:
    _rename(keycloak_admin, RENAMES)
    try:
        yield
    finally:
        _rename(keycloak_admin, {new: old for old, new in RENAMES.items()})


def _stack_environment() -> dict[str, str]:
    """`uat stack env --with-secrets` as a mapping: the stack's URLs, realm, mailbox and credentials."""
    printed = subprocess.run(
        [str(Path(sys.executable).with_name("uat")), "stack", "env", "--with-secrets"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pairs = [shlex.split(line)[1].split("=", 1) for line in printed.splitlines() if line.startswith("export ")]
    return dict(pairs)


def test_the_api_key_features_pass_on_a_deployment_with_other_names_and_another_api_check(
    reshaped_stack: None, tmp_path: Path
) -> None:
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("UAT_")},
        **_stack_environment(),
        "UAT_PROFILE": "reshaped",
        "UAT_RUN_SECRETS_DIR": str(tmp_path / "run-secrets"),
    }
    junit = tmp_path / "junit.xml"
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "features", "-m", "api-keys", "-q", "-p", "no:randomly",
            f"--junitxml={junit}", f"--alluredir={tmp_path / 'allure-results'}", f"--output={tmp_path / 'traces'}",
            "--reruns=0",
        ],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None, done.stdout[-3000:]
    counts = {name: int(suite.get(name, "0")) for name in ("tests", "failures", "errors", "skipped")}
    assert done.returncode == 0 and counts["failures"] == counts["errors"] == 0, done.stdout[-4000:]
    assert counts["tests"] - counts["skipped"] >= 12, counts  # every API-key scenario ran
