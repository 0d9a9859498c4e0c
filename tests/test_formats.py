"""`graphbuild build --formats`: only the files asked for are written, and they are the full build's bytes.

Why it matters: at a million articles the optional files are most of the disk (JSON-LD alone is
the largest) and a fifth of the CPU; a user who only wants Gephi or only SPARQL should not pay
for the rest, and must get exactly the same file as a full build would give.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli as main
from graphbuild.pipeline.build import build
from graphbuild.pipeline.results import FORMATS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ALWAYS = {"graph.nt", "mentions.jsonl", "report.json", "cache"}

# --formats value -> the optional files expected in --out
CASES = [
    ("all", {"graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf"}),
    ("nt", set()),
    ("ttl", {"graph.ttl"}),
    ("jsonld", {"graph.jsonld"}),
    ("graphml", {"graph.graphml"}),
    ("gexf", {"graph.gexf"}),
    ("ttl,gexf", {"graph.ttl", "graph.gexf"}),
    ("GraphML, JSONLD", {"graph.graphml", "graph.jsonld"}),
    ("nt,ttl", {"graph.ttl"}),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The sample corpus and a small generated one: many documents, dates, provinces and bodies."""
    spec = importlib.util.spec_from_file_location("bench_generate_formats", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate_formats"] = gen
    spec.loader.exec_module(gen)
    d = tmp_path_factory.mktemp("corpus")
    gen.write_corpus(d, 150, seed=5, fmt="jsonl", shards=1)
    return [str(DATA), *sorted(str(p) for p in d.glob("articles*.jsonl"))]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, inputs: list[str]) -> Path:
    """A full build (every format, no store) to compare against."""
    out = tmp_path_factory.mktemp("full") / "out"
    build(inputs, out, jobs=1, store=False, use_cache=False)
    return out


def _cli(args: list[str]):
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("value,expected", CASES, ids=[c[0] for c in CASES])
def test_only_the_asked_formats_are_written_with_the_full_builds_bytes(tmp_path: Path, inputs: list[str], full: Path,
                                                                       value: str, expected: set[str], jobs: int) -> None:
    out = tmp_path / "out"
    r = _cli(["build", *inputs, "--out", str(out), "--formats", value, "--no-store", "--no-cache", "-q",
              "-j", str(jobs)])
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == ALWAYS | expected
    for name in expected | (ALWAYS - {"cache"}):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name


def test_repeated_option_adds_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = _cli(["build", str(DATA), "--out", str(out), "--formats", "ttl", "--formats", "graphml", "--no-store", "-q"])
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == ALWAYS | {"graph.ttl", "graph.graphml"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_date_ranged_gexf_alone_equals_the_full_builds(tmp_path: Path, inputs: list[str], jobs: str) -> None:
    """--since counts citations of the range only: that count must not depend on which Gephi file is asked for."""
    both, one = tmp_path / "both", tmp_path / "one"
    for out, fmt in ((both, "all"), (one, "gexf")):
        r = _cli(["build", *inputs, "--out", str(out), "--formats", fmt, "--since", "2019-01-01", "--no-store",
                  "-q", "-j", jobs])
        assert r.exit_code == 0, r.output
    assert (one / "graph.gexf").read_bytes() == (both / "graph.gexf").read_bytes()
    assert not (one / "graph.graphml").exists()


@pytest.mark.parametrize("value", ["xml", "ttl,rdfxml", "", "ttl,,"])
def test_unknown_format_is_a_usage_error_that_names_it(tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(DATA), "--out", str(out), "--formats", value])
    bad = [v.strip() for v in value.split(",") if v.strip() not in ("ttl", "nt")]
    assert r.exit_code == 2
    assert "--formats" in r.output and repr(bad[0]) in r.output
    assert not out.exists()


def test_library_rejects_an_unknown_format_before_touching_out(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rdfxml"):
        build([str(DATA)], tmp_path / "out", formats=["ttl", "rdfxml"])
    assert not (tmp_path / "out").exists()


def test_rebuild_with_fewer_formats_drops_the_others_and_reuses_the_cache(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _cli(["build", str(DATA), "--out", str(out), "--no-store", "-q"]).exit_code == 0
    nt = (out / "graph.nt").read_bytes()
    r = _cli(["build", str(DATA), "--out", str(out), "--formats", "graphml", "--no-store"])
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == ALWAYS | {"graph.graphml"}
    assert (out / "graph.nt").read_bytes() == nt
    assert "(0 extracted, " in r.output and json.loads((out / "report.json").read_text())["articles"] > 0


def test_formats_table_covers_every_optional_file() -> None:
    """The CLI's default and 'all' must be the library's whole table, or a valid name would be rejected."""
    from graphbuild.cli.build_cmd import _formats

    assert _formats(None, None, ()) == tuple(FORMATS) == _formats(None, None, ("all",))
    assert {n for _, files in CASES for n in files} == set(FORMATS.values())
