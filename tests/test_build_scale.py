"""What keeps a big build's memory flat and its progress visible (issue #5).

* JSON Lines files from ``STREAM_MIN_BYTES`` are read line by line; that must read exactly what
  decoding the whole file reads (same articles, same errors, same line numbers).
* The dedupe keys move from a set to sqlite past a limit; the articles kept must not change.
* ``read_articles(progress=...)`` counts input bytes, and ``graphbuild build`` shows a progress
  line with MB/s, articles/s and time left (not with ``--quiet``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli
from graphbuild.read import articles as articles_mod
from graphbuild.read.articles import read_articles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _lines() -> list[str]:
    recs = [{"id": f"r{i}", "title": f"Tin {i}", "date": "2021-03-04",
             "text": f"Bài {i} về Nghị quyết số {i + 1}-NQ/TW của Tỉnh ủy Thái Nguyên.\u2028Dòng sau."}
            for i in range(40)]
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines[5] = lines[5][:30]  # a broken line
    lines[7] = ""  # blank
    lines[9] = lines[3]  # a duplicate text
    lines[11] = json.dumps({"title": "no text"})
    return lines


def _read(path: Path) -> list[str]:
    return [repr(a) for a in read_articles([str(path)])]


@pytest.mark.parametrize("variant", ["lf", "crlf", "bom", "no-final-newline"])
def test_streamed_jsonl_reads_what_the_whole_file_reads(tmp_path: Path, monkeypatch, variant: str) -> None:
    sep = "\r\n" if variant == "crlf" else "\n"
    text = sep.join(_lines()) + ("" if variant == "no-final-newline" else sep)
    data = (b"\xef\xbb\xbf" if variant == "bom" else b"") + text.encode("utf-8")
    f = tmp_path / "a.jsonl"
    f.write_bytes(data)
    whole = _read(f)
    monkeypatch.setattr(articles_mod, "STREAM_MIN_BYTES", 0)
    assert articles_mod._streamable(f)
    assert _read(f) == whole
    assert sum("Article(" in r for r in whole) == 36


def test_files_that_are_not_plain_utf8_are_read_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(articles_mod, "STREAM_MIN_BYTES", 0)
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes('{"text": "café"}\n'.encode("latin-1"))
    nul = tmp_path / "utf16.jsonl"
    nul.write_bytes('{"text": "Nghị quyết"}\n'.encode("utf-16"))
    assert not articles_mod._streamable(bad) and not articles_mod._streamable(nul)
    assert [str(e) for e in read_articles([str(bad)])] == [str(e) for e in read_articles([str(bad)])]


def test_dedupe_past_the_memory_limit_keeps_the_same_articles(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join(_lines() * 3) + "\n", encoding="utf-8")
    in_memory = _read(f)
    monkeypatch.setattr(articles_mod._SeenSet, "LIMIT", 4)
    assert _read(f) == in_memory
    seen = articles_mod._SeenSet(limit=2)
    assert [seen.add(k) for k in (b"a", b"b", b"c", b"a", b"d", b"c")] == [True, True, True, False, True, False]
    assert seen.db is not None
    seen.close()


def test_progress_counts_every_input_byte(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    total = f.stat().st_size + sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    for stream_min in (0, 1 << 30):
        monkeypatch.setattr(articles_mod, "STREAM_MIN_BYTES", stream_min)
        progress = [0]
        seen = []
        for _ in read_articles([str(f), str(DATA)], progress=progress):
            seen.append(progress[0])
        assert seen == sorted(seen) and 0 < seen[0] and progress[0] == total


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_line_with_rate_and_eta(tmp_path: Path, monkeypatch, jobs: str) -> None:
    monkeypatch.setenv("GRAPHBUILD_PROGRESS_EVERY", "0")  # every update, and shown although small
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["build", str(DATA), "--out", str(out), "--jobs", jobs, "--no-store"])
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.replace("\r", "\n").splitlines() if x.startswith("building ")]
    assert lines, r.output
    assert "MB/s" in lines[-1] and "articles/s" in lines[-1] and "left" in lines[-1] and "100%" in lines[-1]
    assert "building: read, extracted and resolved; writing" in r.output
    quiet = CliRunner().invoke(cli, ["build", str(DATA), "--out", str(out), "--jobs", jobs, "--no-store", "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_store_loaded_from_pieces_during_the_read_holds_every_triple(tmp_path: Path, monkeypatch) -> None:
    """--jobs 2 loads the store from many N-Triples pieces while reading; same graph as --jobs 1."""
    import pyoxigraph as ox

    from graphbuild.pipeline.build import build
    from graphbuild.write import rdf_formats, sorted_nt

    if sorted_nt._gnu_sort() is None:
        pytest.skip("no GNU sort: the store is loaded from graph.nt after the sort")
    monkeypatch.setattr(sorted_nt, "STORE_PIECE_BYTES", 4096)  # dozens of pieces on the sample corpus
    monkeypatch.setattr(rdf_formats, "STORE_BATCH_BYTES", 1000)  # and several bulk loads per piece (and in --jobs 1)
    one = build([str(DATA)], tmp_path / "one", jobs=1)
    two = build([str(DATA)], tmp_path / "two", jobs=2)
    assert (tmp_path / "one" / "graph.nt").read_bytes() == (tmp_path / "two" / "graph.nt").read_bytes()
    lines = (tmp_path / "two" / "graph.nt").read_bytes().count(b"\n")
    store = ox.Store.read_only(str(tmp_path / "two" / "store"))
    assert one.triples == two.triples == lines == len(store)
    # Compared store to store: Oxigraph stores some typed literals in canonical form (an
    # xsd:nonNegativeInteger comes back as xsd:integer), whichever way it was loaded.
    first = ox.Store.read_only(str(tmp_path / "one" / "store"))
    assert {q.triple for q in store} == {q.triple for q in first}
