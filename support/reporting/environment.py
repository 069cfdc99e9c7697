"""The run's environment as Allure shows it: profile, commit, CI job, tool versions and the target's URLs (never
a credential), written as Java .properties text."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support.paths import PROJECT_ROOT
from support.secrets import mask_text

ENVIRONMENT_FILE = "environment.properties"


def git_commit(environ: Mapping[str, str], cwd: Path = PROJECT_ROOT) -> str:
    """The commit under test: the CI's variable if there is one, else the checkout's HEAD (+ '-dirty')."""
    for name in ("UAT_GIT_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA"):
        if environ.get(name):
            return environ[name]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd, capture_output=True, text=True,
            timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def properties_text(values: Mapping[str, str]) -> str:
    """Java .properties text (what Allure reads as environment.properties), secrets masked."""

    def escape(text: str, is_key: bool) -> str:
        out = []
        for index, char in enumerate(text):
            if char == "\\":
                out.append("\\\\")
            elif char == "\n":
                out.append("\\n")
            elif char == "\r":
                out.append("\\r")
            elif (char in "=: " and is_key) or (char in " #!" and index == 0):
                out.append("\\" + char)
            elif ord(char) > 0x7E:
                out.append(f"\\u{ord(char):04x}")
            else:
                out.append(char)
        return "".join(out)

    return "".join(f"{escape(key, True)}={escape(mask_text(value), False)}\n" for key, value in values.items())


def run_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What is known before the configuration loads: profile, commit, CI job, tool versions."""
    from importlib.metadata import PackageNotFoundError, version

    def package_version(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    values = {
        "profile": environ.get("UAT_PROFILE", "local"),
        "git.commit": git_commit(environ),
        "python": platform.python_version(),
        "pytest-bdd": package_version("pytest-bdd"),
        "playwright": package_version("playwright"),
    }
    job = environ.get("GITHUB_SERVER_URL") and environ.get("GITHUB_RUN_ID")
    if job:
        values["ci.job"] = f"{environ['GITHUB_SERVER_URL']}/{environ.get('GITHUB_REPOSITORY', '')}/actions/runs/{job}"
    elif environ.get("CI_JOB_URL"):
        values["ci.job"] = environ["CI_JOB_URL"]
    return values


def target_environment(config: Any) -> dict[str, str]:
    """The target of the run, from the suite's `UatConfig` (only URLs and names; never a credential)."""
    values = {
        "profile": config.profile,
        "target.portal": config.portal_url,
        "target.famhp-connect": config.famhp_connect_url,
        "target.vamreg": config.vamreg_url,
        "target.api": config.api_url,
        "target.keycloak": config.keycloak_url,
        "realm": config.realm,
        "authenticator.issuer": config.authenticator_issuer,
        "users.provider": config.user_provider or "none (read-only)",
        "mail.backend": config.mail_backend or "none (read-only)",
    }
    if config.organisation:
        values["organisation"] = config.organisation
    values["browser.engine"] = config.browser_engine
    if config.browser_endpoint or config.selenium_grid_url:
        values["browser.address"] = config.browser_endpoint or config.selenium_grid_url
    if config.mail_backend == "mailpit" and config.mailpit_url:
        values["mail.mailpit"] = config.mailpit_url
    elif config.imap_host:
        values["mail.imap"] = f"{config.imap_host}:{config.imap_port} ({config.imap_security})"
    return values
