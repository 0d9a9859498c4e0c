"""`graphbuild export` through the click entry point: the five CSV files, BOM, headers, counts matching the graph."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from _query_graph import sample_graph
from click.testing import CliRunner

from graphbuild.ask.export import (
    ARTICLE_COLUMNS,
    BODY_COLUMNS,
    CITATION_COLUMNS,
    DOCUMENT_COLUMNS,
    RELATION_COLUMNS,
)
from graphbuild.cli.main import cli
from graphbuild.write.store import DCT, GB, ID, NIF, RDF, open_store

HEADERS = {"documents": DOCUMENT_COLUMNS, "articles": ARTICLE_COLUMNS, "bodies": BODY_COLUMNS,
           "citations": CITATION_COLUMNS, "relations": RELATION_COLUMNS}


@pytest.fixture(scope="session")
def graph_dir(tmp_path_factory) -> Path:
    return sample_graph(tmp_path_factory)


@pytest.fixture(scope="session")
def exported(graph_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "tables"
    r = CliRunner().invoke(cli, ["export", str(out), "--graph", str(graph_dir)])
    assert r.exit_code == 0, r.output
    return out


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_five_files_with_bom_and_one_header(exported) -> None:
    assert sorted(p.name for p in exported.iterdir()) == sorted(f"{n}.csv" for n in HEADERS)
    for name, columns in HEADERS.items():
        raw = (exported / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        with (exported / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert tuple(rows[0]) == columns
        assert all(tuple(r) != columns for r in rows[1:])


def _distinct(store: ox.Store, pattern: tuple) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(*pattern)}


def test_row_counts_match_the_graph(graph_dir, exported) -> None:
    store = open_store(graph_dir)
    articles = _distinct(store, (None, ox.NamedNode(RDF + "type"), ox.NamedNode(GB + "Article")))
    bodies = _distinct(store, (None, ox.NamedNode(RDF + "type"), ox.NamedNode(GB + "Body")))
    documents = {s for s in _distinct(store, (None, ox.NamedNode(GB + "citationCount"), None))
                 if s.startswith((ID + "doc/", ID + "citekey/"))}
    pairs = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(DCT + "references"), None)}
    mentions = _distinct(store, (None, ox.NamedNode(NIF + "referenceContext"), None))
    assert len(read(exported / "articles.csv")) == len(articles)
    assert len(read(exported / "bodies.csv")) == len(bodies)
    assert {r["iri"] for r in read(exported / "documents.csv")} == documents
    citations = read(exported / "citations.csv")
    assert len(citations) == len(pairs)
    assert sum(int(r["mentions"]) for r in citations) == len(mentions)


def test_labels_and_sentences_in_vietnamese(exported) -> None:
    docs = {r["document"]: r for r in read(exported / "documents.csv")}
    assert docs["doc/qd-tw_2019_205"]["label"].startswith("Quy định 205-QĐ/TW")
    assert docs["doc/qd-tw_2019_205"]["issuer"] == "Bộ Chính trị"
    cited = [r for r in read(exported / "citations.csv") if r["document"] == "doc/qd-tw_2019_205"]
    assert cited and "»" in cited[0]["sentence"] and cited[0]["article_title"]
    for r in read(exported / "relations.csv"):
        assert r["document"] in docs and r["target"] in docs and r["relation"]


def test_xlsx_one_workbook(graph_dir, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "graph.xlsx"
    r = CliRunner().invoke(cli, ["export", str(book), "--graph", str(graph_dir), "--format", "xlsx", "--no-context"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == list(HEADERS)
    assert tuple(c.value for c in wb["documents"][1]) == DOCUMENT_COLUMNS


def test_not_a_graph_is_a_usage_error(tmp_path) -> None:
    r = CliRunner().invoke(cli, ["export", str(tmp_path / "t"), "--graph", str(tmp_path / "nothing")])
    assert r.exit_code == 2


HOSTILE_TITLES = ['=HYPERLINK("http://127.0.0.1/x","bấm vào đây")', "+1+cmd|' /C calc'!A0", "@SUM(1,2)",
                  "-2+3", "Bình thường: 205-QĐ/TW"]


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory) -> Path:
    """Articles whose titles a spreadsheet would run as formulas."""
    root = tmp_path_factory.mktemp("hostile")
    records = [json.dumps({"id": f"a{i}", "title": title, "date": f"2020-01-0{i + 1}",
                           "text": f"Bài {i}. Thực hiện Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị."},
                          ensure_ascii=False) for i, title in enumerate(HOSTILE_TITLES)]
    (root / "articles.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", str(root / "articles.jsonl"), "--out", str(root / "out"), "-q"])
    assert r.exit_code == 0, r.output
    return root / "out"


def test_csv_cells_that_open_like_a_formula_stay_text(hostile_graph, tmp_path) -> None:
    r = CliRunner().invoke(cli, ["export", str(tmp_path / "t"), "--graph", str(hostile_graph)])
    assert r.exit_code == 0, r.output
    titles = {row["title"] for row in read(tmp_path / "t" / "articles.csv")}
    assert titles == {"'" + t if t[0] in "=+-@" else t for t in HOSTILE_TITLES}


def test_xlsx_cells_that_open_like_a_formula_stay_text(hostile_graph, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "graph.xlsx"
    r = CliRunner().invoke(cli, ["export", str(book), "--graph", str(hostile_graph), "--format", "xlsx"])
    assert r.exit_code == 0, r.output
    sheet = openpyxl.load_workbook(book)["articles"]
    column = [c.value for c in sheet[1]].index("title")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == set(HOSTILE_TITLES)  # as written, never evaluated
    assert all(c.data_type == "s" for c in cells)
