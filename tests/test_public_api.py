"""The library is what ``graphbuild.__all__`` names: each name imports from ``graphbuild``, ``import graphbuild``
alone loads nothing else, and the README's library examples run as written.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import graphbuild

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", graphbuild.__all__)
def test_every_public_name_imports_from_graphbuild(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from graphbuild import {name}", namespace)
    value = namespace[name]
    assert getattr(value, "__name__", None) == name, f"graphbuild.{name} is {value!r}"
    assert getattr(importlib.import_module(value.__module__), name) is value


def test_extract_is_the_function_even_after_its_package_is_imported() -> None:
    importlib.import_module("graphbuild.extract.scan")
    from graphbuild import extract

    assert extract is sys.modules["graphbuild.extract.find"].extract
    assert graphbuild.extract is extract


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        graphbuild.nothing_here  # noqa: B018


def test_import_graphbuild_loads_nothing_else() -> None:
    code = ("import sys; before = set(sys.modules); import graphbuild; "
            "print(sorted(set(sys.modules) - before))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "['graphbuild']", run.stdout


def _library_examples() -> list[str]:
    """The Python blocks of the README's section "The library", in order."""
    section = README.split("\n## The library\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```python\n(.*?)^```$", section, flags=re.S | re.M)


def test_readme_library_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _library_examples()
    assert len(blocks) >= 4
    for block in blocks:
        imported = re.findall(r"^(?:from|import) (\S+)", block, flags=re.M)
        assert set(imported) == {"graphbuild"}, f"the README's library examples import only from graphbuild: {block}"
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block, "README.md", "exec"), namespace)
        assert printed.getvalue().strip(), f"this README example printed nothing:\n{block}"
    assert (tmp_path / "out" / "graph.nt").is_file()
