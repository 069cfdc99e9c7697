"""Login themes of the reference stack: the realm renders with the chosen theme, the custom FAMHP theme shows
its banner on Keycloak's screens, `uat stack theme` switches a running stack without a restart, and a
theme or planted defect the stack does not know is refused with the list of those it knows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from stack.errors import StackError
from stack.login_themes import (
    BUILTIN_LOGIN_THEMES,
    PLANTED_DEFECTS,
    THEMES_DIR,
    install_login_themes,
    known_login_themes,
    shipped_login_themes,
)
from stack.manager import ReferenceStack
from stack.realm import fingerprint, realm_values, render_realm
from stack.settings import Credentials
from tests.stack.helpers import stack_cli

FAMHP_MESSAGES = THEMES_DIR / "famhp" / "login" / "messages"
KNOWN_LIST = ", ".join(known_login_themes())
# the first sign-in screen: username first while Organizations are on, the classic form otherwise
SIGN_IN_PAGE_ID = re.compile(r"^login-login(-username)?$")


def _messages(locale: str, messages_dir: Path = FAMHP_MESSAGES) -> dict[str, str]:
    """A theme's message bundle as Keycloak reads it (UTF-8 properties; a quote doubled for MessageFormat)."""
    lines = (messages_dir / f"messages_{locale}.properties").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip().replace("''", "'") for key, value in pairs}


# ---- offline: rendering, installing, refusing -----------------------------------------------------------


def _render(**kwargs: str) -> str:
    return render_realm(realm_values("local", 1025, "http://localhost:8000", Credentials(), **kwargs))


def test_the_realm_is_rendered_with_the_chosen_login_theme() -> None:
    assert json.loads(_render())["loginTheme"] == "keycloak.v2"
    for theme in known_login_themes():
        assert json.loads(_render(login_theme=theme))["loginTheme"] == theme


def test_a_theme_change_keeps_the_realm_fingerprint_so_the_database_survives() -> None:
    # `up --theme` sets the theme on the running realm; only a change of what the import creates needs a new database
    creds = Credentials()
    themed = [
        render_realm(realm_values("local", 1025, "http://localhost:8000", creds, login_theme=theme))
        for theme in known_login_themes()
    ]
    assert len({fingerprint(text) for text in themed}) == 1
    other_port = render_realm(realm_values("local", 3025, "http://localhost:8000", creds))
    assert fingerprint(other_port) != fingerprint(themed[0])


def test_the_stack_knows_keycloaks_themes_and_its_own() -> None:
    assert shipped_login_themes() == ("famhp",)
    assert set(known_login_themes()) == {*BUILTIN_LOGIN_THEMES, "famhp"}
    properties = (THEMES_DIR / "famhp" / "login" / "theme.properties").read_text()
    assert re.search(r"^parent=keycloak\.v2$", properties, flags=re.M)


def test_an_unknown_theme_is_refused_with_the_known_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(StackError, match=rf"unknown login theme 'famhp-dark'; known: {re.escape(KNOWN_LIST)}"):
        _render(login_theme="famhp-dark")
    monkeypatch.setenv("FAMHP_UAT_STACK_DIR", str(tmp_path))
    with pytest.raises(StackError, match=rf"unknown login theme 'nope'; known: {re.escape(KNOWN_LIST)}"):
        ReferenceStack(log=lambda _: None).up(theme="nope")
    with pytest.raises(StackError, match=r"unknown planted defect typo; known: missing-translation"):
        ReferenceStack(log=lambda _: None).up(plant=("typo",))
    assert not (tmp_path / "state.json").exists()  # refused before anything started


def test_the_cli_refuses_an_unknown_theme_naming_the_known_ones() -> None:
    for command in (["theme", "nope"], ["up", "--theme", "nope"]):
        done = stack_cli(*command)
        assert done.returncode == 2, done
        assert f"error: unknown login theme 'nope'; known: {KNOWN_LIST}" in done.stderr


def test_the_famhp_theme_speaks_every_realm_language() -> None:
    english = _messages("en")
    assert {"famhpBannerText", "famhpBrandName", "famhpPasswordAdvice"} <= set(english)
    for locale in ("nl", "fr", "de"):
        translated = _messages(locale)
        assert set(translated) == set(english), locale
        assert translated["famhpBannerText"] != english["famhpBannerText"], locale


def test_installing_copies_the_themes_and_plants_a_missing_translation_only_when_asked(tmp_path: Path) -> None:
    planted = PLANTED_DEFECTS["missing-translation"]
    install_login_themes(tmp_path)
    installed = tmp_path / "themes" / planted.theme / "login" / "messages"
    assert planted.key in _messages(planted.absent_in, installed)

    install_login_themes(tmp_path, planted=("missing-translation",))
    assert planted.key not in _messages(planted.absent_in, installed)
    assert planted.key in _messages("en", installed)
    for locale in {"fr", "de", "nl"} - {planted.absent_in}:
        assert planted.key in _messages(locale, installed), locale
    assert planted.key in _messages(planted.absent_in)  # the repository's own copy stays whole

    install_login_themes(tmp_path)  # the next start without --plant brings the key back
    assert planted.key in _messages(planted.absent_in, installed)


# ---- on the running stack -----------------------------------------------------------------------------


def _open_sign_in(page: Page, stack_info: dict) -> None:
    kc = stack_info["keycloak"]
    page.goto(f"{kc['url']}/realms/{kc['realm']}/account/")  # the account console sends the browser to sign in
    expect(page.locator("body")).to_have_attribute("data-page-id", SIGN_IN_PAGE_ID)


def _stylesheets_of(page: Page) -> list[str]:
    return page.locator("link[rel=stylesheet]").evaluate_all("links => links.map(link => link.href)")


@pytest.mark.stack
@pytest.mark.browser
def test_the_famhp_theme_shows_its_banner_on_the_sign_in_screen(
    login_theme: Callable[[str], None], page: Page, browser: Browser, stack_info: dict
) -> None:
    login_theme("famhp")
    _open_sign_in(page, stack_info)
    expect(page.locator("#famhp-banner")).to_have_text(_messages("en")["famhpBannerText"])
    expect(page.get_by_role("img", name=_messages("en")["famhpLogoAlt"])).to_be_visible()
    assert any("/login/famhp/css/famhp.css" in href for href in _stylesheets_of(page))

    dutch = browser.new_context(locale="nl-BE")
    try:
        page_nl = dutch.new_page()
        _open_sign_in(page_nl, stack_info)
        expect(page_nl.locator("html")).to_have_attribute("lang", "nl")
        expect(page_nl.locator("#famhp-banner")).to_have_text(_messages("nl")["famhpBannerText"])
    finally:
        dutch.close()


@pytest.mark.stack
@pytest.mark.browser
def test_switching_the_theme_of_a_running_stack_shows_on_the_next_page_load(
    login_theme: Callable[[str], None], reference_stack: ReferenceStack, page: Page, stack_info: dict
) -> None:
    keycloak_pid = reference_stack.status()["services"]["keycloak"]["pid"]
    for theme in ("keycloak", "famhp", "keycloak.v2"):
        login_theme(theme)
        assert json.loads(stack_cli("status", "--json").stdout)["login_theme"] == theme
        _open_sign_in(page, stack_info)
        # each theme serves its pages with its own resources: /resources/<version>/login/<theme>/...
        assert any(f"/login/{theme}/" in href for href in _stylesheets_of(page)), _stylesheets_of(page)
        expect(page.locator("#famhp-banner")).to_have_count(1 if theme == "famhp" else 0)
    assert reference_stack.status()["services"]["keycloak"]["pid"] == keycloak_pid  # no restart
