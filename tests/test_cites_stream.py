"""`graphbuild cites` writes rows as their sentences are read, newest first, with the same answer as the list."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from graphbuild.ask.context import SourceContext
from graphbuild.ask.query import CitingArticles, cites_by_document, cites_streaming, citing_articles
from graphbuild.ask.records import CITES_COLUMNS
from graphbuild.cli import _streams
from graphbuild.cli.main import cli
from graphbuild.pipeline.build import build

X = "Quy định 205-QĐ/TW"
ARTICLES = 300  # more than one chunk of CitingArticles (64, then 256)


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory):
    """A JSON Lines corpus whose articles all cite 205-QĐ/TW: dates repeat (ties), a few are undated."""
    tmp = tmp_path_factory.mktemp("stream")
    with open(tmp / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for i in range(ARTICLES):
            row = {"id": f"a{i:04d}", "title": f"Tin số {i % 37}",
                   "text": f"Bài {i}. Tỉnh ủy quán triệt Quy định 205-QĐ/TW của Bộ Chính trị đến {i} chi bộ. Hết."}
            if i % 50:
                row["date"] = f"202{i % 6}-0{1 + i % 9}-1{i % 7}"  # after 2019: 205-QĐ/TW of 2019
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    build([str(tmp / "corpus.jsonl")], tmp / "out")
    return tmp / "out"


def _cli(graph_dir, fmt):
    done = CliRunner().invoke(cli, ["cites", X, "--graph", str(graph_dir), "--format", fmt])
    assert done.exit_code == 0, done.output
    return done.stdout


def _listed(graph_dir):
    _, per_document = cites_by_document(graph_dir, X)
    return [c.to_dict() for _, rows in per_document for c in rows]


def test_json_is_the_materialised_answer(graph_dir):
    rows = _listed(graph_dir)
    assert len(rows) == ARTICLES
    assert _cli(graph_dir, "json") == json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def test_jsonl_and_csv_rows_are_the_same_rows_newest_first(graph_dir):
    rows = _listed(graph_dir)
    lines = [json.loads(line) for line in _cli(graph_dir, "jsonl").splitlines()]
    assert lines == rows
    table = list(csv.reader(io.StringIO(_cli(graph_dir, "csv"))))
    assert table[0] == list(CITES_COLUMNS)
    assert [r[CITES_COLUMNS.index("article")] for r in table[1:]] == [r["article"] for r in rows]
    for doc in {r["document"] for r in rows}:  # each document's rows together, newest first, undated last
        dates = [r["date"] for r in rows if r["document"] == doc]
        dated = [d for d in dates if d is not None]
        assert dates == sorted(dated, reverse=True) + [None] * (len(dates) - len(dated))
    assert all("»Quy định 205-QĐ/TW«" in r["sentence"] and "chi bộ" in r["sentence"] for r in rows)


def test_table_lists_each_article(graph_dir):
    out = _cli(graph_dir, "table")
    assert f"— {ARTICLES} article(s)" in out
    assert out.count("»Quy định 205-QĐ/TW«") == ARTICLES


def _graph(graph_dir):
    from graphbuild.ask.documents import Graph

    return Graph(graph_dir)


def test_citing_articles_reads_sentences_as_it_is_iterated(graph_dir, monkeypatch):
    g = _graph(graph_dir)
    doc = cites_streaming(g, X)[0].documents[0]
    listed = [c.article for c in citing_articles(g, doc)]
    calls = []
    real = SourceContext.add_sentences
    monkeypatch.setattr(SourceContext, "add_sentences", lambda self, chunk: (calls.append(len(chunk)),
                                                                              real(self, chunk))[1])
    citing = CitingArticles(g, doc)
    assert len(citing) > 64 and calls == []  # counted without reading any source
    first = next(iter(citing))
    assert first.sentence and calls == [64]
    assert [c.article for c in citing] == listed
    assert [c.article for c in citing] == listed
    assert sum(calls) == len(citing)  # the first iteration read each sentence once; the second none


def test_cli_flushes_rows_before_reading_the_next_sentences(graph_dir, monkeypatch):
    """Streaming, observed: the first rows reach stdout before the second chunk's sources are read."""
    seen_at_flush: list[tuple[int, int]] = []  # (rows written so far, chunks read so far)
    calls = []
    real = SourceContext.add_sentences
    monkeypatch.setattr(SourceContext, "add_sentences", lambda self, chunk: (calls.append(len(chunk)),
                                                                              real(self, chunk))[1])

    class Stdout(io.StringIO):
        def flush(self):
            seen_at_flush.append((self.getvalue().count("\n"), len(calls)))

    stdout = Stdout()
    monkeypatch.setattr(_streams, "text_stream", lambda name: stdout if name == "stdout" else io.StringIO())
    with pytest.raises(SystemExit) as done:
        cli.main(["cites", X, "--graph", str(graph_dir), "--format", "jsonl"], standalone_mode=True)
    assert done.value.code == 0
    first = len(citing_articles(_graph(graph_dir), cites_streaming(graph_dir, X)[0].documents[0], context=False))
    assert seen_at_flush[0] == (min(64, first), 1)  # one chunk's rows out, only that chunk's sentences read
    assert stdout.getvalue().count("\n") == ARTICLES
