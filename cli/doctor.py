"""`uat doctor`: checks the configuration and that every target answers, and says exactly what is wrong."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from playwright.sync_api import sync_playwright

from support.browser import launch_args
from support.config import ConfigurationError, UatConfig, env_name, load_config
from support.keycloak_admin import KeycloakAdmin
from support.mail.imap import imap_connector
from support.remote_browsers import grid_status
from support.target import Target
from support.users import inviter

TIMEOUT_S = 10


@dataclass(frozen=True)
class Check:
    what: str
    run: Callable[[], str]  # returns a short detail; raises with the reason when the check fails


def _answers(url: str, expected: tuple[int, ...] = (200,), **kwargs: object) -> Callable[[], str]:
    def check() -> str:
        response = httpx.get(url, timeout=TIMEOUT_S, follow_redirects=False, **kwargs)  # type: ignore[arg-type]
        if response.status_code not in expected:
            raise RuntimeError(f"HTTP {response.status_code} (expected {', '.join(map(str, expected))})")
        return f"HTTP {response.status_code}"

    return check


def _realm(config: UatConfig) -> Callable[[], str]:
    def check() -> str:
        url = f"{config.keycloak_url}/realms/{config.realm}/.well-known/openid-configuration"
        response = httpx.get(url, timeout=TIMEOUT_S)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code} from {url}: is UAT_REALM={config.realm!r} right?")
        return f"issuer {response.json()['issuer']}"

    return check


def _mailbox(config: UatConfig) -> Callable[[], str]:
    def check() -> str:
        if config.mail_backend == "mailpit":
            info = httpx.get(f"{config.mailpit_url}/api/v1/info", timeout=TIMEOUT_S).raise_for_status().json()
            return f"Mailpit {info.get('Version', '?')}, {info.get('Messages', '?')} messages"
        assert config.imap_host and config.imap_user and config.imap_password  # load_config checked them
        login = config.imap_user.replace("{address}", "doctor@famhp-uat.test")
        connect = imap_connector(
            config.imap_host,
            config.imap_port,
            config.imap_password,
            security=config.imap_security,
            folder=config.imap_folder,
        )
        session = connect(login)
        session.logout()
        return f"IMAP login as {login} at {config.imap_host}:{config.imap_port} ({config.imap_security})"

    return check


def _admin(config: UatConfig) -> Callable[[], str]:
    def check() -> str:
        with KeycloakAdmin.from_config(config) as admin:
            admin.find_user("doctor@famhp-uat.test")  # any call that needs the admin token
        return f"admin API as {config.keycloak_admin_username}"

    return check


def _roles(config: UatConfig) -> Callable[[], str]:
    roles = ", ".join(config.roles or {})

    def check() -> str:
        with KeycloakAdmin.from_config(config) as admin:
            admin.check_client_roles(Target(config).roles(roles))
            admin.organization_ids([name for name in (config.organisation, config.second_organisation) if name])
        return f"clients, roles {roles} and the organisations exist"

    return check


def _organisation_administrator(config: UatConfig) -> Callable[[], str]:
    def check() -> str:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_args(str(config.browser_executable or "") or None))
            try:
                with inviter(config, lambda: browser) as administrator:
                    administrator.users_page()  # signs in with password and a one-time code
            finally:
                browser.close()
        return f"{config.org_admin_email} signs in and sees FAMHP Connect's Users tab"

    return check


def _browser_server(endpoint: str) -> Callable[[], str]:
    """A Playwright browser server answers plain HTTP on its WebSocket port."""
    http = endpoint.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
    return _answers(http, (200, 400, 404, 426))


def _selenium_grid(grid_url: str) -> Callable[[], str]:
    def check() -> str:
        nodes = grid_status(grid_url).get("nodes", [])
        slots = sum(len(node.get("slots", [])) for node in nodes)
        return f"ready, {len(nodes)} node(s), {slots} slot(s)"

    return check


def checks_for(config: UatConfig, *, sign_in: bool = False) -> list[Check]:
    redirect_or_page = (200, 302, 303, 307)  # without a session an application sends the browser to sign in
    checks = [
        Check(f"Keycloak realm {config.realm}", _realm(config)),
        Check(f"IAM External Portal {config.portal_url}", _answers(config.portal_url, redirect_or_page)),
        Check(f"FAMHP Connect {config.famhp_connect_url}", _answers(config.famhp_connect_url, redirect_or_page)),
        Check(f"VAMREG {config.vamreg_url}", _answers(config.vamreg_url, redirect_or_page)),
    ]
    if config.api_check_path:
        # without a key the API must refuse: the refusal proves it is there and guarded
        api = f"{config.api_url}{config.api_check_path}"
        checks.append(Check(f"FAMHP Connect API {api}", _answers(api, (config.api_refused_status,))))
    if config.browser_endpoint:
        checks.append(
            Check(f"Playwright browser server {config.browser_endpoint}", _browser_server(config.browser_endpoint))
        )
    if config.selenium_grid_url:
        checks.append(Check(f"Selenium Grid {config.selenium_grid_url}", _selenium_grid(config.selenium_grid_url)))
    if config.mail_backend:
        checks.append(Check(f"mailbox ({config.mail_backend})", _mailbox(config)))
    if config.keycloak_admin_username and config.keycloak_admin_password:
        checks.append(Check("Keycloak admin credentials", _admin(config)))
        if config.roles:
            checks.append(Check("the profile's roles and organisations in the realm", _roles(config)))
    if sign_in:
        checks.append(Check("the organisation administrator's sign-in", _organisation_administrator(config)))
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uat doctor",
        description="Check the configuration (every problem at once) and that each target URL, the mailbox "
        "and the realm answer. Exit 0 when the suite can run.",
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    parser.add_argument(
        "--sign-in",
        action="store_true",
        help="also sign the organisation administrator in to FAMHP Connect in a browser (password and one-time "
        "code): proves the credentials and the TOTP key",
    )
    args = parser.parse_args(argv)
    try:
        config = load_config()
    except ConfigurationError as error:
        print(f"configuration: NOT OK\n{error}")
        return 2
    if not args.quiet:
        print(f"configuration: OK (profile {config.profile})\n{config.describe()}\n")
    for name, where in config.placeholders.items():
        print(f"  · {env_name(name)} is still a placeholder ({where}); the scenarios that need it cannot run")
    failures = 0
    for check in checks_for(config, sign_in=args.sign_in):
        try:
            detail = check.run()
        except Exception as exc:
            failures += 1
            print(f"  ✗ {check.what}: {type(exc).__name__}: {exc}")
        else:
            if not args.quiet:
                print(f"  ✓ {check.what}: {detail}")
    print("doctor: everything answers" if not failures else f"doctor: {failures} problem(s) above")
    return 0 if not failures else 1
