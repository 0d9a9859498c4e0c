"""The sample graph the query tests ask, built once per test session by the real build.

A helper module rather than a conftest.py (others own the test tree's shared files): each
query test module wraps :func:`sample_graph` in a session fixture; the cache here makes the
build happen once whatever the number of modules.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
_BUILT: dict[str, Path] = {}


def sample_graph(tmp_path_factory) -> Path:
    """out/ of `graphbuild build data/` (absolute input paths, so sources resolve from any cwd)."""
    if "out" not in _BUILT:
        from graphbuild.pipeline.build import build

        out = tmp_path_factory.mktemp("query-graph", numbered=True) / "out"
        build([str(DATA)], out, jobs=1)
        _BUILT["out"] = out
    return _BUILT["out"]
