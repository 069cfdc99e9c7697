"""The Chromium and ChromeDriver that the local browser services drive: where they are, and that they match."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from stack.errors import StackError

_VERSION = re.compile(r"\b(\d+)\.(\d+)\.(\d+)\.(\d+)\b")


@dataclass(frozen=True)
class Executable:
    path: Path
    version: str

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])


def parse_version(output: str) -> str | None:
    """The first four-part version in a `--version` answer ("Chromium 156.0.8078.108 built on Debian …")."""
    match = _VERSION.search(output)
    return match.group(0) if match else None


def _locate(variable: str, names: tuple[str, ...], fix: str) -> Path:
    configured = os.environ.get(variable)
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise StackError(f"{variable}={configured} is not an executable file. Fix: point it at one, or unset it.")
        return path
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise StackError(f"{names[0]} is not installed (looked for {', '.join(names)} on PATH). Fix: {fix}")


def _version(path: Path) -> str:
    try:
        done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StackError(f"could not run {path} --version: {exc}") from exc
    # Debian's chromium wrapper prints shell noise on stderr; the version is on stdout
    version = parse_version(done.stdout) or parse_version(done.stderr)
    if done.returncode != 0 or version is None:
        raise StackError(f"{path} --version gave no version (exit {done.returncode}): {done.stdout + done.stderr}")
    return version


def find_chromium() -> Executable:
    path = _locate(
        "FAMHP_UAT_CHROMIUM",
        ("chromium", "chromium-browser"),
        "apt-get install chromium (Playwright's own browser download is not used), or set FAMHP_UAT_CHROMIUM.",
    )
    return Executable(path, _version(path))


def find_chromedriver() -> Executable:
    path = _locate(
        "FAMHP_UAT_CHROMEDRIVER",
        ("chromedriver",),
        "apt-get install chromium-driver (the same version as chromium), or set FAMHP_UAT_CHROMEDRIVER.",
    )
    return Executable(path, _version(path))


def require_same_major(chromium: Executable, chromedriver: Executable) -> None:
    """ChromeDriver drives only the Chromium major it was built for; say so before the grid accepts sessions."""
    if chromium.major != chromedriver.major:
        raise StackError(
            f"version mismatch: {chromium.path} is Chromium {chromium.version} but {chromedriver.path} is "
            f"ChromeDriver {chromedriver.version}; ChromeDriver drives only its own major version. "
            "Fix: apt-get install chromium chromium-driver (Debian keeps them in step), "
            "or set FAMHP_UAT_CHROMIUM / FAMHP_UAT_CHROMEDRIVER to a matching pair."
        )
