"""The run's secrets on disk, private to the user (folder 700, files 600), so that `uat scan-artifacts` can look for
each value after the run (also after a killed run); and their removal, which every way out of the scan and of the CI
job performs."""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from support.paths import RUN_SECRETS
from support.secrets import known_secret_bytes, known_secrets

RUN_SECRETS_ENV = "UAT_RUN_SECRETS_DIR"


def run_secrets_dir(environ: Mapping[str, str]) -> Path:
    configured = environ.get(RUN_SECRETS_ENV)
    return Path(configured) if configured else RUN_SECRETS


def private_directory(directory: Path) -> Path:
    """The folder, made if needed, readable by its owner only (also when it existed with a looser mode)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    return directory


def write_private_file(path: Path, text: str) -> None:
    """Write a file only its owner can read (mode 600, in a folder of mode 700), atomically."""
    private_directory(path.parent)
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(partial, 0o600)  # an existing file keeps its old mode through O_CREAT
    partial.replace(path)


def remove_run_secrets(directory: Path) -> None:
    """Delete the recorded secrets (the folder and everything in it); nothing to do when they are gone."""
    shutil.rmtree(directory, ignore_errors=True)


class RunSecretsRecorder:
    """Keeps this process's secret registry on disk (outside every artifact folder) so that `uat scan-artifacts`
    can look for each value after the run; rewritten whenever the registry grew, so a killed run leaves it too."""

    def __init__(self, directory: Path, process_name: str) -> None:
        self.path = directory / f"{process_name}-{os.getpid()}.json"
        self._written_count = -1

    def record(self) -> None:
        texts = known_secrets()
        raw = known_secret_bytes() - {text.encode() for text in texts}  # raw TOTP keys that are no text
        if len(texts) + len(raw) == self._written_count:
            return
        self._written_count = len(texts) + len(raw)
        payload = {
            "texts": sorted(texts),
            "raw_base64": sorted(base64.b64encode(value).decode("ascii") for value in raw),
        }
        write_private_file(self.path, json.dumps(payload, indent=1))
