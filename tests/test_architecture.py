"""The layout's rules (ARCHITECTURE.md), checked on the source: which stage may import which.

The packages read as the pipeline: text -> domain -> read / extract -> resolve -> graph -> write
-> pipeline -> engines, with ask beside them and cli on top.  A package may import only the
packages listed for it here; nothing imports the CLI, and only the CLI imports click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graphbuild"
STEPS = ("text", "domain", "read", "extract", "resolve", "graph", "write")
MAY_IMPORT: dict[str, set[str]] = {
    "text": set(),
    "domain": {"text"},
    "read": {"text", "domain"},
    "extract": {"text", "domain"},
    "resolve": {"text", "domain"},
    "graph": {"text", "domain", "resolve"},
    "write": {"text", "domain", "resolve", "graph"},
    "pipeline": set(STEPS),
    "engines": set(STEPS) | {"pipeline"},
    "ask": {"text", "domain", "read", "extract", "resolve", "graph", "write"},
    "web": {"text", "domain", "read", "extract", "resolve", "graph", "write", "ask"},
    "cli": set(STEPS) | {"pipeline", "engines", "ask", "web", "(top)"},
    "(top)": set(STEPS) | {"pipeline", "engines", "ask", "cli"},
}


def _package_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "(top)"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, lazy ones inside functions included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            if node.module == "graphbuild":
                out += [(node.lineno, f"graphbuild.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "ontology" not in p.parts)


def test_every_package_has_rules_and_says_what_it_owns() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name != "ontology"}
    assert packages <= set(MAY_IMPORT), f"packages without import rules: {packages - set(MAY_IMPORT)}"
    for name in packages:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"graphbuild/{name}/__init__.py must say what it owns and may import"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_pipeline(path: Path) -> None:
    here = _package_of(path)
    wrong = []
    for line, module in _imports(path):
        if module == "click" or module.startswith("click."):
            if here != "cli":
                wrong.append(f"line {line}: click (only the CLI may use click)")
            continue
        if not module.startswith("graphbuild.") or module.split(".")[1] in ("data", "ontology", "__version__"):
            continue
        target = module.split(".")[1]
        if target not in MAY_IMPORT:  # a top-level module of graphbuild
            target = "(top)"
        if target != here and target not in MAY_IMPORT[here]:
            wrong.append(f"line {line}: {module} ({here} may import {sorted(MAY_IMPORT[here]) or 'nothing'})")
    assert not wrong, f"{path.relative_to(PACKAGE)}: " + "; ".join(wrong)
