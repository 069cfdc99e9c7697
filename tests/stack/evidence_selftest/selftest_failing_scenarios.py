"""Binds the deliberately failing scenarios; collected only when a test names this file explicitly."""

from pathlib import Path

from pytest_bdd import scenarios

scenarios("failing.feature", features_base_dir=Path(__file__).parent)
