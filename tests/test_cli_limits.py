"""The limits that protect the machine hold on the command line as in `serve` (issue #20).

* ``sparql`` streams: 400,000 rows leave the process in bounded memory (they were all held
  before: ~800 MB for 800,000 rows), a CONSTRUCT is written as Oxigraph produces it, and
  ``--max-rows`` stops the stream with exit 1.
* ``sparql`` has a time limit without ``--timeout`` (300 s; ``--timeout 0`` for none), and a
  query given up on stops using the CPU (the process ends).
* ``cites``/``show``/``refs`` bound what they parse: a 20 KB argument, a number of 4,400 digits
  and an argument that is not UTF-8 end in one line, exit 1, at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
# The command with its peak RSS (KB) printed on stderr at exit.  VmHWM, not ru_maxrss: after fork
# and exec, ru_maxrss still counts the forked copy of this (large) test process.
MEASURED = ("import atexit, re, sys; "
            "atexit.register(lambda: print('peak-rss-kb', re.search(r'VmHWM:\\s+(\\d+)', "
            "open('/proc/self/status').read()).group(1), file=sys.stderr)); "
            "from graphbuild.cli.main import main; sys.argv[0] = 'graphbuild'; main()")


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("limits") / "out"
    subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "build", str(DATA), "--out", str(out), "-q", "-j", "1"],
                   check=True, env=ENV, timeout=300)
    return out


def measured(*args: str | bytes, stdout: Path | None = None) -> tuple[int, str, int]:
    """Exit status, stderr (without the measurement) and peak RSS in MB of ``graphbuild ARGS``."""
    with open(stdout or os.devnull, "wb") as out:
        r = subprocess.run([sys.executable, "-c", MEASURED, *args], stdout=out, stderr=subprocess.PIPE, env=ENV,
                           timeout=300)
    err = r.stderr.decode("utf-8", "replace")
    lines = err.splitlines()
    rss = int(lines[-1].split()[1]) // 1024 if lines and lines[-1].startswith("peak-rss-kb") else -1
    return r.returncode, "\n".join(lines[:-1]), rss


def test_a_large_select_is_streamed_in_bounded_memory(graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.tsv"
    code, err, rss = measured("sparql", "SELECT ?a ?c WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 400000", "--graph",
                              str(graph), "--format", "tsv", stdout=out)
    assert code == 0, err
    with open(out, "rb") as fh:
        assert sum(1 for _ in fh) == 400_001
    assert 0 < rss < 200, f"peak RSS {rss} MB for 400,000 streamed rows"


def test_a_construct_is_streamed(graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nt"
    code, err, rss = measured("sparql", "CONSTRUCT { ?a <urn:x:p> ?c } WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 150000",
                              "--graph", str(graph), "--format", "nt", stdout=out)
    assert code == 0, err
    import pyoxigraph as ox

    with open(out, "rb") as fh:
        assert sum(1 for _ in ox.parse(fh, format=ox.RdfFormat.N_TRIPLES)) > 1000
    assert 0 < rss < 300, f"peak RSS {rss} MB"


def test_max_rows_stops_the_stream(graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.tsv"
    code, err, _ = measured("sparql", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(graph), "--format", "tsv",
                            "--max-rows", "10", stdout=out)
    assert code == 1 and "larger than 10 rows; add a LIMIT" in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 11  # the header and the first 10 rows


def test_sparql_has_a_time_limit_by_default() -> None:
    from graphbuild.cli.sparql_cmd import DEFAULT_TIMEOUT, sparql

    option = next(p for p in sparql.params if p.name == "timeout")
    assert option.default == DEFAULT_TIMEOUT and 0 < DEFAULT_TIMEOUT <= 600


def test_a_query_given_up_on_stops_using_the_cpu(graph: Path) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    began = time.monotonic()
    code, err, _ = measured("sparql", heavy, "--graph", str(graph), "--timeout", "1")
    assert code == 1 and err.strip() == "graphbuild sparql: error: query took longer than 1 s", err
    assert time.monotonic() - began < 10, "the process (and so the query's CPU) went on after the time limit"


@pytest.mark.parametrize("command", ["cites", "show", "refs"])
@pytest.mark.parametrize("argument, words", [
    ("Quyết định 1 " * 1540, "characters long; give at most 1,000"),
    ("9" * 4400, "4,400 characters long"),
    ("Quy định " + "1" * 4400, "characters long"),
    (b"205-Q\xc4/TW", "not UTF-8 text (byte 0xC4 at character 6)"),
], ids=["20KB", "4400-digits", "4400-digit-reference", "not-utf8"])
def test_arguments_are_bounded(graph: Path, command: str, argument: str | bytes, words: str) -> None:
    began = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", command, argument, "--graph", str(graph)],
                       capture_output=True, env=ENV, timeout=60)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 1 and "Traceback" not in err, err[-2000:]
    assert len(err.strip().splitlines()) == 1 and words in err, err[:500]
    assert time.monotonic() - began < 10


def test_a_query_that_is_not_utf8(graph: Path, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "sparql", b"ASK { ?s ?p '\xff' }", "--graph",
                        str(graph)], capture_output=True, text=True, env=ENV, timeout=60)
    assert r.returncode == 1 and r.stderr.strip() == ("graphbuild sparql: error: the query is not UTF-8 text; "
                                                      "save it as UTF-8 (or pass it as @FILE)")
    f = tmp_path / "q.rq"
    f.write_bytes(b"ASK { ?s ?p '\xff' }")
    r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "sparql", f"@{f}", "--graph", str(graph)],
                       capture_output=True, text=True, env=ENV, timeout=60)
    assert r.returncode == 2 and "not UTF-8 text" in r.stderr and "Traceback" not in r.stderr
