"""The suite's layering beyond imports (lint-imports checks those): each pytest hook has one home in the plugin,
steps only bind (short, calling no other step, asking pytest for no fixture by name), and no module of the
suite's layers grows past what a reader takes in at once."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from support.paths import PROJECT_ROOT

SUITE_LAYERS = ("support", "fixtures", "pages", "steps")
MAX_MODULE_LINES = 400
MAX_STEP_LINES = 8
STEP_DECORATORS = {"given", "when", "then", "step"}


def _modules(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (PROJECT_ROOT / folder).rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_step(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in STEP_DECORATORS:
            return True
    return False


def _steps() -> list[tuple[Path, ast.FunctionDef]]:
    return [
        (path, node)
        for path in _modules("steps")
        for node in _tree(path).body
        if isinstance(node, ast.FunctionDef) and _is_step(node)
    ]


def _body_lines(function: ast.FunctionDef) -> int:
    body = function.body[1:] if ast.get_docstring(function) else function.body
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0  # type: ignore[operator]


def test_each_pytest_hook_is_implemented_in_one_plugin_module() -> None:
    homes: dict[str, list[str]] = defaultdict(list)
    for path in _modules("fixtures"):
        for node in _tree(path).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("pytest_"):
                homes[node.name].append(path.name)
    twice = {hook: modules for hook, modules in homes.items() if len(modules) > 1}
    assert not twice, f"hooks implemented in more than one plugin module: {twice}"


def test_steps_are_short_bindings() -> None:
    steps = _steps()
    assert len(steps) > 50, "the step modules were not found"
    too_long = [
        f"{path.name}:{step.name} ({_body_lines(step)})" for path, step in steps if _body_lines(step) > MAX_STEP_LINES
    ]
    assert not too_long, f"steps longer than {MAX_STEP_LINES} lines: {too_long}"


def test_no_step_calls_another_step() -> None:
    names = {step.name for _, step in _steps()}
    calls = [
        f"{path.name}:{step.name} -> {node.func.id}"
        for path, step in _steps()
        for node in ast.walk(step)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]
    assert not calls, f"steps that call steps (move the shared action into a task or page object): {calls}"


def test_steps_hold_nothing_but_steps() -> None:
    other = [
        f"{path.name}:{node.name}"
        for path in _modules("steps")
        for node in _tree(path).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not (isinstance(node, ast.FunctionDef) and _is_step(node))
    ]
    assert not other, f"helpers in steps/ (they belong to the library, support/): {other}"


def test_steps_ask_pytest_for_no_fixture_by_name() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT)) for path in _modules("steps") if "getfixturevalue" in path.read_text()
    ]
    assert not offenders, f"steps that look fixtures up by name (declare them as arguments): {offenders}"


@pytest.mark.parametrize("path", _modules(*SUITE_LAYERS), ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_modules_stay_readable(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by concept"
