"""The size rules: every module of graphbuild/ under 600 lines, every function under 60 (the ``def`` line to
its last line, as ``ast`` gives them).

A module or function over its limit is split along its seams.  The ones that are not yet are listed
below with the size they have now, so they cannot grow while they wait.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "graphbuild"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60

# Modules over the limit, each at its size then, so none can grow: the list may only shrink.
MODULES_OVER: dict[str, int] = {}
FUNCTIONS_OVER: dict[str, int] = {}  # "path:function" -> lines

SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "ontology" not in p.parts)


def _module_sizes() -> dict[str, int]:
    return {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in SOURCES}


def _function_sizes() -> dict[str, int]:
    """Lines of each function and method, by "path:name" (the longest of those sharing a name)."""
    sizes: dict[str, int] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{path.relative_to(PACKAGE).as_posix()}:{node.name}"
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                sizes[key] = max(lines, sizes.get(key, 0))
    return sizes


def test_modules_are_under_600_lines() -> None:
    over = {name: n for name, n in _module_sizes().items() if n >= MAX_MODULE_LINES and n > MODULES_OVER.get(name, 0)}
    assert not over, f"modules of {MAX_MODULE_LINES} lines or more (split them): {over}"


def test_functions_are_under_60_lines() -> None:
    over = {key: n for key, n in _function_sizes().items()
            if n >= MAX_FUNCTION_LINES and n > FUNCTIONS_OVER.get(key, 0)}
    assert not over, f"functions of {MAX_FUNCTION_LINES} lines or more (split them): {over}"


def test_the_waiting_lists_hold_only_offenders() -> None:
    """An entry goes once its module or function is under the limit, so the lists only shrink."""
    modules, functions = _module_sizes(), _function_sizes()
    stale = {name: modules.get(name) for name in MODULES_OVER if modules.get(name, 0) < MAX_MODULE_LINES}
    stale |= {key: functions.get(key) for key in FUNCTIONS_OVER if functions.get(key, 0) < MAX_FUNCTION_LINES}
    assert not stale, f"under the limit now (or gone): drop them from the list: {stale}"
