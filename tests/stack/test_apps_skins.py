"""The reference apps' skins: each serves every page of the other, a skin without test hooks has none, a skin the
apps do not know is refused with the list of those they know, and `uat stack skin` switches a running stack by
restarting the apps only (Keycloak and the mail server keep running; sessions and data stay)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from stack.apps.config import ConfigError, load_settings
from stack.apps.skins import DEFAULT_SKIN, SKIN_VARIABLE, SKINS
from stack.apps.web.templating import SKINS_DIR
from stack.errors import StackError
from stack.manager import ReferenceStack
from stack.settings import PROJECT_ROOT

KNOWN = ", ".join(SKINS)


def _stack_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stack", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, env=os.environ
    )


def _pages(skin: str) -> set[str]:
    """A skin's page templates (partials start with an underscore and may differ from skin to skin)."""
    root = SKINS_DIR / skin
    return {str(path.relative_to(root)) for path in root.rglob("*.html") if not path.name.startswith("_")}


# ---- offline ----------------------------------------------------------------------------------------------------


def test_every_skin_has_every_page() -> None:
    assert set(SKINS) == {path.name for path in SKINS_DIR.iterdir() if path.is_dir()}
    reference = _pages(DEFAULT_SKIN)
    assert "connect/apikeys.html" in reference
    for skin in SKINS:
        assert _pages(skin) == reference, skin


def test_a_skin_without_test_hooks_writes_none() -> None:
    for skin in (skin for skin in SKINS.values() if not skin.test_ids):
        written = [path for path in (SKINS_DIR / skin.name).rglob("*.html") if "data-testid" in path.read_text()]
        assert written == [], f"{skin.name}: {written}"


def test_the_apps_refuse_an_unknown_skin_naming_the_known_ones() -> None:
    secrets = {name: "x" * 20 for name in ("PORTAL", "CONNECT", "VAMREG", "PROVISIONER")}
    environ = {f"FAMHP_{name}_CLIENT_SECRET": value for name, value in secrets.items()}
    environ["FAMHP_SESSION_SECRET"] = "s" * 20
    assert load_settings(environ).skin == DEFAULT_SKIN
    assert load_settings({**environ, SKIN_VARIABLE: "cards"}).skin == "cards"
    with pytest.raises(ConfigError, match=rf"{SKIN_VARIABLE}='dark' must be one of {KNOWN}"):
        load_settings({**environ, SKIN_VARIABLE: "dark"})


def test_the_stack_refuses_an_unknown_skin_before_starting_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for command in (["skin", "dark"], ["up", "--skin", "dark"]):
        done = _stack_cli(*command)
        assert done.returncode == 2, done
        assert f"error: unknown skin 'dark'; known: {KNOWN}" in done.stderr
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    with pytest.raises(StackError, match="unknown skin 'dark'"):
        ReferenceStack(log=lambda _: None).up(skin="dark")
    assert not (tmp_path / "state.json").exists()


# ---- on the running stack ---------------------------------------------------------------------------------------


@pytest.mark.stack
def test_switching_the_skin_restarts_the_apps_only_and_keeps_the_api(
    reference_stack: ReferenceStack, stack_info: dict
) -> None:
    before = reference_stack.status()
    base = before["apps"]["base_url"]
    refused = {}
    try:
        for skin in SKINS:
            done = _stack_cli("skin", skin)
            assert done.returncode == 0, done.stderr
            status = json.loads(_stack_cli("status", "--json").stdout)
            assert status["apps_skin"] == skin and status["healthy"], status
            for service in ("keycloak", "mailpit"):
                assert status["services"][service]["pid"] == before["services"][service]["pid"], service
            assert httpx.get(f"{base}/healthz", timeout=10).json() == {"status": "UP", "skin": skin}
            answer = httpx.get(f"{base}/api/v1/whoami", timeout=10)
            refused[skin] = (answer.status_code, answer.json())
        assert len(set(map(str, refused.values()))) == 1, refused  # the same JSON, whatever the markup
        assert refused[DEFAULT_SKIN][0] == 401
    finally:
        reference_stack.set_skin(before["apps_skin"] or DEFAULT_SKIN)
