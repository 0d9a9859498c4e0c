"""graphbuild.ask.figures counts in passes over the store what these SPARQL aggregates say (they were
`stats` until they took 30 s at 100k articles): the same figures on graphs built from real-style text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _query_graph import sample_graph
from click.testing import CliRunner

from graphbuild.ask.documents import Graph
from graphbuild.ask.figures import figures
from graphbuild.cli.main import cli
from graphbuild.write.store import ID

ROOT = Path(__file__).resolve().parents[1]

TOP_DOCS = """
SELECT ?doc ?label (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  ?m gb:refersTo ?doc ; nif:referenceContext ?a .
  OPTIONAL { ?doc rdfs:label ?label }
} GROUP BY ?doc ?label ORDER BY DESC(?articles) DESC(?mentions) ?doc LIMIT 10"""
ISSUERS = """
SELECT ?body ?label (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  ?doc eli:passed_by ?body .
  OPTIONAL { ?body rdfs:label ?label }
  OPTIONAL { ?a dct:references ?doc }
} GROUP BY ?body ?label ORDER BY DESC(?articles) DESC(?documents) ?body LIMIT 10"""
PER_YEAR = """
SELECT ?year (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  ?m nif:referenceContext ?a .
  ?a dct:issued ?date .
  BIND (YEAR(?date) AS ?year)
} GROUP BY ?year ORDER BY ?year"""
TOTALS = "SELECT (COUNT(DISTINCT ?a) AS ?articles) (COUNT(?m) AS ?mentions) WHERE { ?m nif:referenceContext ?a }"


def _value(sol, name: str):
    term = sol[name]
    return None if term is None else term.value


def by_sparql(g: Graph) -> dict:
    local = lambda iri: iri[len(ID):] if iri.startswith(ID) else iri  # noqa: E731
    totals = next(iter(g.query(TOTALS)))
    return {
        "articles": int(totals["articles"].value), "mentions": int(totals["mentions"].value),
        "top_documents": [{"document": local(s["doc"].value), "label": _value(s, "label"),
                           "articles": int(s["articles"].value), "mentions": int(s["mentions"].value)}
                          for s in g.query(TOP_DOCS)],
        "top_issuers": [{"body": local(s["body"].value), "label": _value(s, "label"),
                         "documents": int(s["documents"].value), "articles": int(s["articles"].value)}
                        for s in g.query(ISSUERS)],
        "per_year": [{"year": int(s["year"].value), "mentions": int(s["mentions"].value),
                      "articles": int(s["articles"].value)} for s in g.query(PER_YEAR)],
    }


@pytest.fixture(scope="module")
def dated_graph(tmp_path_factory) -> Path:
    """Articles over three years citing documents of several issuers, some twice, some undated."""
    root = tmp_path_factory.mktemp("figures")
    texts = [
        ("2019-10-01", "Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị. Theo Quy định 205, cán bộ phải …"),
        ("2020-03-02", "Chỉ thị số 35-CT/TW ngày 30/5/2019 của Bộ Chính trị và Quy định số 205-QĐ/TW."),
        ("2021-09-09", "Nghị định số 108/2014/NĐ-CP của Chính phủ; Hướng dẫn số 01-HD/TW ngày 28/9/2021 của Ban Bí thư."),
        (None, "Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương và Quy định số 205-QĐ/TW."),
    ]
    lines = [json.dumps({"id": f"a{i}", "title": f"Bài {i}", "date": d, "text": t}, ensure_ascii=False)
             for i, (d, t) in enumerate(texts)]
    (root / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", str(root / "articles.jsonl"), "--out", str(root / "out"), "-q"])
    assert r.exit_code == 0, r.output
    return root / "out"


@pytest.mark.parametrize("which", ["sample", "dated", "relations"])
def test_figures_are_what_the_sparql_aggregates_say(which: str, dated_graph: Path, tmp_path_factory) -> None:
    if which == "sample":
        out = sample_graph(tmp_path_factory)
    elif which == "dated":
        out = dated_graph
    else:
        out = tmp_path_factory.mktemp("rel") / "out"
        r = CliRunner().invoke(cli, ["build", str(ROOT / "tests" / "fixtures" / "relations"), "--out", str(out), "-q"])
        assert r.exit_code == 0, r.output
    g = Graph(out)
    found = figures(g, limit=10)
    expected = by_sparql(g)
    assert {k: found[k] for k in expected} == expected
    assert found["top_documents"] and found["mentions"] >= found["articles"] > 0


def test_the_dated_graph_counts_per_year_and_most_cited(dated_graph: Path) -> None:
    found = figures(Graph(dated_graph), limit=3)
    assert [(y["year"], y["articles"]) for y in found["per_year"]] == [(2019, 1), (2020, 1), (2021, 1)]
    top = found["top_documents"][0]
    assert top["document"] == "doc/qd-tw_2019_205" and top["articles"] == 3 and top["mentions"] == 4
    assert found["top_issuers"][0]["body"] == "body/bo-chinh-tri"


TOGETHER = """
SELECT ?doc ?other ?label (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?a dct:references ?doc , ?other .
  FILTER (?other != ?doc)
  OPTIONAL { ?other rdfs:label ?label }
} GROUP BY ?doc ?other ?label ORDER BY DESC(?n) ?other LIMIT 20"""


@pytest.mark.parametrize("which", ["sample", "dated"])
def test_documents_cited_together_are_what_the_sparql_self_join_says(which: str, dated_graph: Path,
                                                                        tmp_path_factory) -> None:
    import pyoxigraph as ox

    from graphbuild.web.browse import cited_together

    g = Graph(sample_graph(tmp_path_factory) if which == "sample" else dated_graph)
    compared = 0
    for d in g.documents.values():
        expected = [{"iri": s["other"].value, "label": s["label"].value if s["label"] else s["other"].value,
                     "articles": int(s["n"].value)} for s in g.query(TOGETHER, doc=ox.NamedNode(d.iri))]
        assert cited_together(g, d.iri) == expected, d.iri
        compared += bool(expected)
    assert compared >= 3
