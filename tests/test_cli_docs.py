"""`graphbuild docs` through the click entry point: each filter, the sorts, every format, unknown names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from _query_graph import sample_graph
from click.testing import CliRunner

from graphbuild.ask.catalog_search import DOCS_COLUMNS, find_documents_by
from graphbuild.cli.main import cli
from graphbuild.text.fold import fold_words
from graphbuild.write.store import GB, ID, open_store


@pytest.fixture(scope="session")
def graph_dir(tmp_path_factory) -> Path:
    return sample_graph(tmp_path_factory)


def docs(graph_dir: Path, *args: str) -> list[dict]:
    r = CliRunner().invoke(cli, ["docs", "--graph", str(graph_dir), "--format", "json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def ids(rows: list[dict]) -> set[str]:
    return {r["document"] for r in rows}


def test_every_document_by_default_with_counts(graph_dir) -> None:
    rows = docs(graph_dir)
    store = open_store(graph_dir)
    counted = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(GB + "citationCount"), None)}
    assert ids(rows) == {iri[len(ID):] for iri in counted if iri.startswith(ID + "doc/")}
    assert all(set(DOCS_COLUMNS) <= set(r) for r in rows)
    assert [r["articles"] for r in rows] == sorted((r["articles"] for r in rows), reverse=True)
    assert {"doc/charter", "doc/plenum_xii_4"} <= ids(rows[:2])


@pytest.mark.parametrize("issuer", ["Bộ Chính trị", "bo chinh tri", "body:bo-chinh-tri"])
def test_issuer_in_any_spelling(graph_dir, issuer: str) -> None:
    rows = docs(graph_dir, "--issuer", issuer)
    assert ids(rows) == {"doc/ct-tw_2019_35", "doc/ct-tw_2016_05", "doc/nq-tw_2015_39", "doc/qd-tw_2019_205"}
    assert {r["issuer"] for r in rows} == {"Bộ Chính trị"}


def test_type_term_and_dates(graph_dir) -> None:
    assert {r["type"] for r in docs(graph_dir, "--type", "chi thi")} == {"Chỉ thị"}
    assert len(docs(graph_dir, "--type", "Chỉ thị")) == 4
    twelve = docs(graph_dir, "--term", "khóa XII")
    assert twelve and {r["term"] for r in twelve} == {"XII"} and ids(twelve) == ids(docs(graph_dir, "--term", "12"))
    in_2019 = docs(graph_dir, "--since", "2019", "--until", "2019")
    assert ids(in_2019) == {"doc/ct-tw_2019_35", "doc/ct-tw_2019_28", "doc/kh-tu_thai-nguyen_2019_146",
                            "doc/qd-tw_2019_205"}
    assert all("2019-05-01" <= r["date"] for r in docs(graph_dir, "--since", "2019-05", "--until", "2019"))


def test_province_and_cited_by_province(graph_dir) -> None:
    local = docs(graph_dir, "--province", "thai nguyen")
    assert ids(local) == {"doc/da-tu_thai-nguyen_2016_06", "doc/kh-tu_thai-nguyen_2019_146",
                          "doc/nq-hdnd_thai-nguyen_2018_02"}
    cited = docs(graph_dir, "--cited-by-province", "Thái Nguyên")
    assert "doc/nd-cp_2014_108" in ids(cited) and "doc/qd-tw_2019_205" not in ids(cited)
    assert all(r["articles"] == 1 for r in cited)
    assert docs(graph_dir, "--cited-by-province", "Thái Bình") == []  # its one article cites unresolved keys only


def test_subject_words_without_diacritics(graph_dir) -> None:
    found = docs(graph_dir, "--subject", "chat luong")
    assert {"doc/ct-tw_2007_10", "doc/ct-tw_2019_28"} <= ids(found)
    assert all("chat luong" in fold_words(f"{r['subject']} {r['label']}") for r in found)
    assert ids(docs(graph_dir, "--subject", "chất lượng chi bộ")) == {"doc/ct-tw_2007_10"}


def test_sort_by_date_and_limit(graph_dir) -> None:
    rows = docs(graph_dir, "--sort", "date", "--limit", "5")
    dates = [r["date"] for r in rows]
    assert len(rows) == 5 and dates == sorted(dates, reverse=True)


def test_formats_agree(graph_dir) -> None:
    args = ["docs", "--graph", str(graph_dir), "--issuer", "Ban Bí thư"]
    as_json = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    lines = CliRunner().invoke(cli, [*args, "--format", "jsonl"]).stdout.splitlines()
    csv_out = CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout
    assert [json.loads(x) for x in lines] == as_json
    assert next(csv.reader(io.StringIO(csv_out))) == list(DOCS_COLUMNS)
    assert [r["document"] for r in csv.DictReader(io.StringIO(csv_out))] == [r["document"] for r in as_json]
    table = CliRunner().invoke(cli, args)
    assert table.exit_code == 0 and all(r["document"] in table.stdout for r in as_json)


def test_unknown_name_is_a_usage_error(graph_dir) -> None:
    r = CliRunner().invoke(cli, ["docs", "--graph", str(graph_dir), "--issuer", "Không có cơ quan này"])
    assert r.exit_code == 2 and "issuer" in r.stderr


def test_library_function_takes_hostile_names_as_data(graph_dir) -> None:
    for x in ['"} . ?s ?p ?o {', "<http://x>", "'; DROP"]:
        assert find_documents_by(graph_dir, subject=x) == []
