"""Binds every scenario under features/ to pytest (pytest-bdd); the steps live in steps/."""

from pytest_bdd import scenarios

scenarios(".")
