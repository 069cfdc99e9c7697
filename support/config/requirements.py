"""What a run needs and what goes together: the settings a run's provider and mail backend need, the one home of
the organisation administrators, and settings valid one by one but not together. Every problem is a sentence
naming its variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.config.model import env_name
from support.config.settings import (
    ALWAYS_NEEDED,
    CREATING_PROVIDERS,
    NEEDED_BY_BACKEND,
    NEEDED_BY_PROVIDER,
    NEEDED_TO_CREATE,
)


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    explicit: set[str] = field(default_factory=set)
    placeholders: dict[str, str] = field(default_factory=dict)  # name -> "<placeholder> in <origin>"
    invalid: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def choose_admin_pool(parsed: Parsed) -> list[str]:
    """One home for the administrators: UAT_ORG_ADMINS, unless the person set UAT_ORG_ADMIN_EMAIL and the list only
    came from a weaker layer (the reference stack), then that one administrator."""
    listed = parsed.values.get("org_admins")
    single = parsed.values.get("org_admin_email")
    if not listed or not single or "org_admin_email" not in parsed.explicit:
        return []
    if "org_admins" not in parsed.explicit:
        parsed.values["org_admins"] = None
        parsed.origins["org_admins"] = f"unset: {env_name('org_admin_email')} names one administrator"
        return []
    if single.lower() not in {admin.email.lower() for admin in listed}:
        return [
            f"{env_name('org_admin_email')}={single!r} is not among the administrators {env_name('org_admins')} "
            "lists: set one of the two"
        ]
    return []


def missing(parsed: Parsed) -> list[str]:
    needed: dict[str, str] = dict.fromkeys(ALWAYS_NEEDED, "every run needs it")
    if not parsed.values.get("read_only"):
        needed.update(dict.fromkeys(NEEDED_TO_CREATE, "a run that creates users, mail and API keys needs it"))
    provider, backend = parsed.values.get("user_provider"), parsed.values.get("mail_backend")
    for name in NEEDED_BY_PROVIDER.get(provider or "", ()):
        if name.startswith("org_admin_") and parsed.values.get("org_admins"):
            continue  # UAT_ORG_ADMINS names the administrators
        needed.setdefault(name, f"user provider '{provider}' needs it")
    for name in NEEDED_BY_BACKEND.get(backend or "", ()):
        needed.setdefault(name, f"mail backend '{backend}' needs it")
    problems = []
    for name, reason in needed.items():
        if parsed.values.get(name) is None and name not in parsed.invalid:
            placeholder = f"; {parsed.placeholders[name]}" if name in parsed.placeholders else ""
            problems.append(f"{env_name(name)} is not set ({reason}{placeholder})")
    return problems + _inconsistent(parsed.values)


def _inconsistent(values: Mapping[str, Any]) -> list[str]:
    """Settings that are valid one by one but not together."""
    problems = []
    if values.get("read_only") and values.get("user_provider") in CREATING_PROVIDERS:
        problems.append(
            f"{env_name('user_provider')}={values['user_provider']!r} creates users, but this profile is read-only "
            f"({env_name('read_only')}=true): use 'preprovisioned' or leave it unset"
        )
    problems += _browser_problems(values)
    applications, roles = values.get("applications") or {}, values.get("roles") or {}
    clients = set(applications.values())
    for meaning, (client, _) in roles.items():
        if clients and client not in clients:
            problems.append(
                f"{env_name('roles')}: {meaning!r} belongs to client {client!r}, which "
                f"{env_name('applications')} does not name (it names {', '.join(sorted(clients))})"
            )
    return problems


def _browser_problems(values: Mapping[str, Any]) -> list[str]:
    """Where the browsers run: one engine at most, and a Chromium path only where it is used."""
    endpoint, grid, executable = (
        values.get("browser_endpoint"),
        values.get("selenium_grid_url"),
        values.get("browser_executable"),
    )
    if endpoint and grid:
        return [
            f"{env_name('browser_endpoint')} and {env_name('selenium_grid_url')} are both set: the browsers run on "
            "a browser server or on a Selenium Grid, not both; unset one"
        ]
    if grid and executable:
        return [
            f"{env_name('browser_executable')} has no effect on a Selenium Grid ({env_name('selenium_grid_url')}"
            f"={grid!r}): the grid node's stereotype names the browser binary; unset it"
        ]
    if executable and not endpoint and not Path(executable).is_file():
        return [f"{env_name('browser_executable')}={str(executable)!r} names no file on this machine"]
    if not grid and os.environ.get("SELENIUM_REMOTE_URL"):
        return [
            "SELENIUM_REMOTE_URL is set, so Playwright would launch every browser on that grid, but "
            f"{env_name('selenium_grid_url')} is not: set {env_name('selenium_grid_url')} to the grid instead "
            "(the suite then sets SELENIUM_REMOTE_URL itself), or unset SELENIUM_REMOTE_URL"
        ]
    return []
