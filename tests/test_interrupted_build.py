"""Interrupted and repeated builds (issue #6).

* SIGKILL a real ``graphbuild build`` subprocess at several moments of a build that takes a few
  seconds (a corpus from bench/generate.py): the previous output in ``--out`` is still byte for
  byte what it was and rdflib reads its graph.nt and graph.ttl; the next build succeeds.
* The same input gives byte-identical output files run after run (also when the second run reuses
  the first one's extraction cache) and with ``--jobs 1`` or ``--jobs 2``.

Each killed build is started in its own session and the whole session is killed afterwards, so no
process of this test outlives it.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SLOW = os.environ.get("GRAPHBUILD_SLOW") == "1"
KILL_ARTICLES = 600  # a build of about 2-3 s on the 2-core CI machine
KILL_AT = (0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0) if SLOW else (0.2, 0.6, 0.93)
COMPARED = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "report.json", "mentions.jsonl")


def generate(out: Path, n: int) -> Path:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "-n", str(n), "--seed", "6",
                    "--out", str(out), "-q"], check=True, timeout=120)
    return out / "articles.jsonl"


def build_cmd(inputs: list[str], out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "graphbuild.cli.main", "build", *inputs, "--out", str(out), "-q", *extra]


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def parses(out: Path) -> int:
    import rdflib

    g = rdflib.Graph()
    g.parse(out / "graph.nt", format="nt")
    t = rdflib.Graph()
    t.parse(out / "graph.ttl", format="turtle")
    assert len(g) == len(t) > 0
    json.loads((out / "report.json").read_text(encoding="utf-8"))
    return len(g)


def is_complete_build(out: Path, articles: int) -> bool:
    """report.json of ``articles`` articles, and a graph.nt with as many lines as it says triples."""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    with open(out / "graph.nt", encoding="utf-8") as fh:
        lines = sum(1 for _ in fh)
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    return report["articles"] == articles and lines == report["triples"] and ttl.rstrip().endswith(".")


def session_pids(sid: int) -> list[int]:
    """Processes still alive in session ``sid`` (the build and what it forked)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.append(int(d.name))
    return pids


def kill_session(sid: int) -> None:
    try:
        os.killpg(sid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("kill_corpus"), KILL_ARTICLES)


@pytest.fixture(scope="module")
def killed(kill_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A previous build of data/ in ``out``, then builds of the big corpus into it, SIGKILLed at KILL_AT."""
    root = tmp_path_factory.mktemp("killed")
    out = root / "out"
    first = run(build_cmd([str(DATA)], out, "-j", "1"))
    assert first.returncode == 0, first.stderr
    before = tree_digest(out)
    t0 = time.monotonic()
    timing = run(build_cmd([str(kill_corpus)], root / "timing", "-j", "2", "--no-cache"))
    full = time.monotonic() - t0
    assert timing.returncode == 0, timing.stderr
    rounds = []
    for frac in KILL_AT:
        proc = subprocess.Popen(build_cmd([str(kill_corpus)], out, "-j", "2", "--no-cache"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(full * frac)
        finished = proc.poll() is not None
        if not finished:  # a build that already ended (and was reaped by poll) has no pid left to kill
            try:
                os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` would
            except ProcessLookupError:
                finished = True
        proc.wait()
        time.sleep(0.5)
        orphans = session_pids(proc.pid)
        kill_session(proc.pid)
        rounds.append({"frac": frac, "finished": finished, "orphans": orphans,
                       "out_exists": out.exists(),
                       "beside": sorted(p.name for p in root.iterdir() if p.name.startswith(".out"))})
        assert out.exists(), f"SIGKILL at {frac:.0%} of the build left no {out}: {rounds[-1]['beside']}"
        now = tree_digest(out)
        if now != before:
            # Killed after the new output was moved into place (or it finished): then it must be
            # the whole new build, never a mixture.
            assert is_complete_build(out, KILL_ARTICLES), f"SIGKILL at {frac:.0%} left a partial output"
            rounds[-1]["swapped"] = True
            before = now
        else:
            parses(out)
    final = run(build_cmd([str(kill_corpus)], out, "-j", "2"))
    return {"root": root, "out": out, "rounds": rounds, "final": final, "full": full}


def test_sigkill_keeps_previous_output_whole(killed: dict) -> None:
    # The assertions are made in the fixture after every kill; here: they did run.
    assert any(not r["finished"] and not r.get("swapped") for r in killed["rounds"]), killed["rounds"]
    assert all(r["out_exists"] for r in killed["rounds"])


def test_next_build_after_kills_succeeds(killed: dict) -> None:
    final = killed["final"]
    assert final.returncode == 0, final.stderr
    report = json.loads((killed["out"] / "report.json").read_text(encoding="utf-8"))
    assert report["articles"] == KILL_ARTICLES
    with open(killed["out"] / "graph.nt", encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == report["triples"]


def test_no_temporary_folders_left_after_next_build(killed: dict) -> None:
    left = [p.name for p in killed["root"].iterdir() if p.name.startswith(".out")]
    assert not left, left


def test_no_orphan_processes_after_sigkill(killed: dict) -> None:
    assert not [r for r in killed["rounds"] if r["orphans"]], killed["rounds"]


# --- byte-identical outputs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def det_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("det_corpus"), 300)


def _outputs(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in COMPARED}


def test_same_input_gives_byte_identical_outputs(det_corpus: Path, tmp_path: Path) -> None:
    inputs = [str(det_corpus), str(DATA)]
    a, b = tmp_path / "a", tmp_path / "b"
    for cmd in (build_cmd(inputs, a, "-j", "1", "--no-store"), build_cmd(inputs, b, "-j", "2", "--no-store")):
        r = run(cmd)
        assert r.returncode == 0, r.stderr
    first = _outputs(a)
    assert _outputs(b) == first, "--jobs 1 and --jobs 2 differ"
    r = run(build_cmd(inputs, a, "-j", "2", "--no-store"))  # again into the same --out: the cache is used
    assert r.returncode == 0, r.stderr
    assert _outputs(a) == first, "a rebuild (with the extraction cache) differs from the first build"
    r = run(build_cmd(inputs, a, "-j", "1", "--no-store", "--no-cache"))
    assert r.returncode == 0, r.stderr
    assert _outputs(a) == first, "a rebuild without the cache differs from the first build"
