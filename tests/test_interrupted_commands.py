"""Interrupted commands (issue #20): Ctrl-C or SIGTERM on any command, and output piped into ``head``.

* ``graphbuild build --jobs 2`` (reader, extraction workers, store loader, GNU sort, forked
  writers) stopped at several moments, by SIGINT to its whole process group (what Ctrl-C in a
  terminal does) or SIGTERM to the main process (what ``kill`` or a service manager does):
  exit 130 / 143, one line on stderr, no traceback, no process of it left, the previous output
  byte-identical and no temporary folder beside it.
* ``sparql`` on a query Oxigraph computes for hours, and ``extract`` on a large input: the same.
* ``sparql``, ``extract``, ``cites`` and ``stats`` piped into ``head -n 1``: nothing on stderr, exit 141.

``serve`` is covered by test_web.py::test_a_signal_ends_serve_with_one_line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _helpers import folder_digest
from test_interrupted_build import KILL_ARTICLES, build_cmd, generate, kill_session, session_pids

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GB = [sys.executable, "-m", "graphbuild.cli.main"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("stop_corpus"), KILL_ARTICLES * 2)


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stop_graph") / "out"
    subprocess.run([*GB, "build", str(DATA), "--out", str(out), "-q", "-j", "1"], check=True, env=ENV, timeout=300)
    return out


def _wait_until_it_catches(pid: int, sig: int, limit: float = 60.0) -> None:
    """Wait until process ``pid`` has a handler for ``sig`` (its SigCgt mask in /proc), or has ended."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                caught = next((int(line.split()[1], 16) for line in fh if line.startswith("SigCgt:")), 0)
        except (OSError, StopIteration):
            return
        if caught & (1 << (sig - 1)):
            return
        time.sleep(0.02)


def stop(cmd: list[str], sig: int, after: float, group: bool) -> tuple[int, str, list[int]]:
    """Start ``cmd`` in its own session, send ``sig`` after ``after`` s (to the group or the main process);
    its exit status, its stderr, and the processes of its session still alive 5 s later."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV,
                         start_new_session=True)
    try:
        _wait_until_it_catches(p.pid, sig)  # a loaded machine may take seconds to start Python and import
        time.sleep(after)
        if p.poll() is None:
            os.killpg(p.pid, sig) if group else os.kill(p.pid, sig)
        _, err = p.communicate(timeout=60)
        deadline = time.monotonic() + 5
        while session_pids(p.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        return p.returncode, err, session_pids(p.pid)
    finally:
        kill_session(p.pid)
        p.wait()


def assert_one_line(code: int, err: str, sig: int, command: str) -> None:
    assert code == 128 + sig, (code, err[-2000:])
    assert "Traceback" not in err and err.strip() == f"graphbuild {command}: stopped by {signal.Signals(sig).name}", err


@pytest.mark.parametrize("sig, group", [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("at", [0.15, 0.5, 0.85])
def test_stopped_build_leaves_the_previous_output(corpus: Path, tmp_path: Path, sig: int, group: bool,
                                                  at: float) -> None:
    out = tmp_path / "out"
    subprocess.run(build_cmd([str(DATA)], out, "-j", "1"), check=True, env=ENV, timeout=300)
    before = folder_digest(out)
    began = time.monotonic()
    subprocess.run(build_cmd([str(corpus)], tmp_path / "timing", "-j", "2", "--no-cache"), check=True, env=ENV,
                   timeout=600)
    full = time.monotonic() - began
    code, err, left = stop(build_cmd([str(corpus)], out, "-j", "2", "--no-cache"), sig, full * at, group)
    if code == 0:  # the machine was faster this time: a complete new build is also a right outcome
        assert (out / "report.json").exists() and (out / "graph.nt").stat().st_size > 0, "a complete build"
        assert folder_digest(out) != before, "the finished build replaced the previous output"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "timing"], "a temporary folder was left"
        return
    assert_one_line(code, err, sig, "build")
    assert not left, f"processes of the build still running: {left}"
    assert folder_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "timing"], "a temporary folder was left"


@pytest.mark.parametrize("sig, group", [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "sigterm"])
def test_stopped_sparql_ends_at_once(graph: Path, sig: int, group: bool) -> None:
    began = time.monotonic()
    code, err, left = stop([*GB, "sparql", HEAVY, "--graph", str(graph), "--timeout", "0"], sig, 2.0, group)
    assert time.monotonic() - began < 15, "the query went on after the signal"
    assert_one_line(code, err, sig, "sparql")
    assert not left


@pytest.mark.parametrize("sig, group", [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "sigterm"])
def test_stopped_extract(corpus: Path, sig: int, group: bool) -> None:
    # The corpus four times over, and the signal 0.5 s after the handlers are in: extraction is still running.
    code, err, left = stop([*GB, "extract", *[str(corpus)] * 4, "--format", "jsonl"], sig, 0.5, group)
    assert_one_line(code, err, sig, "extract")
    assert not left


@pytest.mark.parametrize("command", [
    ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--format", "tsv"],
    ["sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--format", "nt"],
    ["sparql", "SELECT * WHERE { ?s ?p ?o }"],
    ["extract", str(DATA), "--format", "jsonl"],
    ["cites", "205-QĐ/TW", "--format", "jsonl"],
    ["stats", "--format", "csv"],
], ids=["sparql-tsv", "sparql-nt", "sparql-table", "extract", "cites", "stats"])
def test_output_piped_into_head_ends_quietly(graph: Path, command: list[str]) -> None:
    args = [*command, "--graph", str(graph)] if command[0] != "extract" else command
    shell = " ".join(map(_quote, [*GB, *args])) + " | head -c 100 >/dev/null; echo ${PIPESTATUS[0]} >&2"
    r = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=ENV, timeout=120)
    lines = r.stderr.strip().splitlines()
    assert lines and lines[-1] in ("0", "141"), r.stderr  # 0: the whole output fitted the pipe's buffer
    assert all(line.startswith("(") and "row" in line for line in lines[:-1]), r.stderr  # at most the row count


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)
