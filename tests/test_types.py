"""The package type-checks: ``python -m mypy graphbuild`` with the settings of pyproject.toml ([tool.mypy]).

Strict everywhere, except the few relaxations pyproject.toml lists by name (libraries without
stubs, and packages still being reworked).  mypy's cache goes to the system's temporary folder,
not the work tree, so a test run changes no file of the repository and a second run is quick.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error() -> None:
    pytest.importorskip("mypy", reason="mypy is in the test extra: pip install '.[test]'")
    cache = Path(tempfile.gettempdir()) / f"graphbuild-mypy-{hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]}"
    run = subprocess.run([sys.executable, "-m", "mypy", "graphbuild", "--cache-dir", str(cache)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    print(run.stdout, run.stderr)
    assert run.returncode == 0 and "Success: no issues found" in run.stdout, run.stdout + run.stderr
