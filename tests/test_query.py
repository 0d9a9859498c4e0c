"""graphbuild.ask.query on the sample graph: every way a reader writes a reference, ambiguity, none, refs, show, stats."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from _query_graph import sample_graph

from graphbuild.ask import query, reference
from graphbuild.ask.query import (
    Graph,
    citing_articles,
    find_documents,
    parse_loose,
    parse_reference,
)
from graphbuild.text.sentences import sentence_around
from graphbuild.write import store

QD205 = "doc/qd-tw_2019_205"


@pytest.fixture(scope="session")
def graph_dir(tmp_path_factory) -> Path:
    return sample_graph(tmp_path_factory)


@pytest.fixture(scope="session")
def graph(graph_dir) -> Graph:
    return Graph(graph_dir)


def test_store_iris_agree_with_namespaces() -> None:
    from graphbuild.graph import namespaces as ns

    assert store.ID == ns.ID
    assert store.GB == str(ns.NS_GB._NS)
    for prefix, iri in ns.PREFIXES.items():
        assert store.PREFIXES[prefix] == iri


@pytest.mark.parametrize("x", [
    "Quy định 205-QĐ/TW", "205-QĐ/TW", "205-QD/TW", "qd 205 tw", "QD205TW", "tw 205 qd", "Quy định 205",
    "quy dinh 205", "Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị", "0205-qđ/tw", "205/QĐ-TW",
    "https://w3id.org/graphbuild/id/doc/qd-tw_2019_205", "<https://w3id.org/graphbuild/id/doc/qd-tw_2019_205>",
    "doc:qd-tw_2019_205", "doc/qd-tw_2019_205", "party:205-QĐ/TW",
])
def test_every_spelling_of_205(graph, x: str) -> None:
    assert [d.id for d in find_documents(graph, x).documents] == [QD205]


@pytest.mark.parametrize("x, expected", [
    ("Nghị quyết Trung ương 6 khóa XII", ["doc/plenum_xii_6"]),
    ("NQ TW 6 khoa XII", ["doc/plenum_xii_6"]),
    ("Nghị định 108/2014/NĐ-CP", ["doc/nd-cp_2014_108"]),
    ("108/2014/ND-CP", ["doc/nd-cp_2014_108"]),
    ("nd cp 108 2014", ["doc/nd-cp_2014_108"]),
    ("Điều lệ Đảng", ["doc/charter"]),
    ("Chỉ thị 35", ["doc/ct-tw_2019_35"]),
    ("Hướng dẫn 02-HD/BTCTW", ["citekey/hd-btctw_02"]),  # undated, in an undated article: unresolved
    ("Hướng dẫn 38-HD/BTCTW", ["doc/hd-btctw_2025_38"]),  # the catalogue's only 38-HD/BTCTW (rule 2)
])
def test_other_documents(graph, x: str, expected: list[str]) -> None:
    assert [d.id for d in find_documents(graph, x).documents] == expected


def test_number_reused_across_terms_matches_each_newest_first(graph) -> None:
    m = find_documents(graph, "Hướng dẫn 01-HD/TW")
    assert [d.id for d in m.documents] == ["doc/hd-tw_2021_01", "doc/hd-tw_2016_01"]
    assert [d.term for d in m.documents] == ["XIII", "XII"]


def test_a_year_narrows_a_reused_number(graph) -> None:
    assert [d.id for d in find_documents(graph, "hd 01 tw 2016").documents] == ["doc/hd-tw_2016_01"]


def test_none_matches_and_the_nearest_are_suggested(graph) -> None:
    m = find_documents(graph, "Quy định 206-QĐ/TW")
    assert m.documents == []
    assert m.suggestions[0].id == QD205  # same codes, nearest number
    m = find_documents(graph, "Chỉ thị 205-CT/TW")
    assert QD205 in [d.id for d in m.suggestions]  # same number, other codes


@pytest.mark.parametrize("x", [
    '205" } ; DROP ALL ; SELECT * {', "'} ; DROP GRAPH <x>", "https://w3id.org/graphbuild/id/doc/x> } ; DROP ALL #",
    "doc:qd-tw_2019_205>\n} DELETE { ?s ?p ?o }", "\\u0022 ) . } #", "", "   ", "\x00", "205-QĐ/TW\"\n",
])
def test_hostile_input_is_data(graph_dir, x: str) -> None:
    before = len(ox.Store.read_only(str(graph_dir / "store")))
    match, rows = query.cites(graph_dir, x)
    for d in match.documents:  # a hostile tail may still leave a real reference in front
        assert d.id == QD205
    assert len(ox.Store.read_only(str(graph_dir / "store"))) == before


def test_citing_articles_carry_the_sentence_with_the_reference_marked(graph) -> None:
    doc = find_documents(graph, "205-QĐ/TW").documents[0]
    rows = citing_articles(graph, doc)
    assert len(rows) == 1
    r = rows[0]
    assert r.document == QD205 and r.label.startswith("Quy định 205-QĐ/TW")
    assert r.title == "Ngành Tổ chức xây dựng Đảng: 10 kết quả nổi bật năm 2021"
    assert r.source.endswith("data/001_6152e65ddfe658af.txt")
    assert "»Quy định số 205-QĐ/TW«" in r.sentence and len(r.sentence) > len(r.surface) + 20
    assert set(query.CITATION_KEYS) <= set(r.to_dict())


def test_citations_newest_first_undated_last(graph) -> None:
    doc = find_documents(graph, "Điều lệ Đảng").documents[0]
    rows = citing_articles(graph, doc)
    dates = [r.date for r in rows]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates == dated + [None] * (len(dates) - len(dated))


def test_no_context_gives_the_anchor(graph) -> None:
    doc = find_documents(graph, "205-QĐ/TW").documents[0]
    assert citing_articles(graph, doc, context=False)[0].sentence == "»Quy định số 205-QĐ/TW«"


def test_sentence_around() -> None:
    text = "Mở đầu. Thực hiện Quy định 205-QĐ/TW của Bộ Chính trị, tỉnh đã làm tốt. Câu sau."
    s, e = text.index("Quy"), text.index(" của")
    assert sentence_around(text, s, e) == "Thực hiện »Quy định 205-QĐ/TW« của Bộ Chính trị, tỉnh đã làm tốt."


@pytest.mark.parametrize("x, parts", [
    ("qd 205 tw", (205, "QĐ", "TW", None)),
    ("TW-205-QD", (205, "QĐ", "TW", None)),
    ("nghi dinh 108 2014 cp", (108, "NĐ", "CP", 2014)),
    ("ct 05", (5, "CT", None, None)),
])
def test_parse_loose(x: str, parts: tuple) -> None:
    q = parse_loose(x)
    assert (q.number, q.type_code, q.issuer_code, q.year) == parts


def test_parse_reference_kinds() -> None:
    assert parse_reference("Quy định 205-QĐ/TW").how == "extractor-equivalent"
    assert parse_reference("Quy định 205-QĐ/TW của Bộ Chính trị").how == "extractor"
    assert parse_reference("qd 205 tw").how == "loose"
    assert parse_reference("https://example.org/x").how == "iri"
    assert parse_reference("hello").how == "text"


def test_refs_by_id_iri_and_path(graph, graph_dir) -> None:
    by_path = query.refs(graph, str(Path(__file__).resolve().parents[1] / "data/000_22ab1fdcbd145b34.txt"))
    assert len(by_path) == 1
    a = by_path[0]
    assert query.refs(graph, a.article)[0].article_iri == a.article_iri
    assert query.refs(graph, a.article_iri)[0].article == a.article
    docs = [r.document for r in a.references]
    assert "doc/nd-cp_2014_108" in docs and "doc/plenum_xii_6" in docs
    assert len(docs) == len(set(docs))
    assert query.refs(graph, "no-such-article") == []


def test_show(graph) -> None:
    match, infos = query.show(graph, "Nghị quyết Trung ương 6 khóa XII")
    (i,) = infos
    assert (i.document, i.type, i.date, i.term, i.issuer) == (
        "doc/plenum_xii_6", "Nghị quyết Trung ương", "2017-10-25", "XII", "Ban Chấp hành Trung ương Đảng")
    assert {r.document for r in i.outgoing if r.relation == "hasPart"} >= {"doc/nq-tw_2017_18"}
    assert i.articles == 1
    _, (part,) = query.show(graph, "doc:nq-tw_2017_18")
    assert any(r.document == "doc/plenum_xii_6" and r.relation == "hasPart" for r in part.incoming)


def test_show_a_document_no_article_cites(graph) -> None:
    """A part of a plenum's resolutions that no article names on its own: described, with 0 articles."""
    _, (part,) = query.show(graph, "doc:nq-tw_2016_04")
    assert (part.articles, part.citations) == (0, 0)
    assert any(r.relation == "hasPart" for r in part.incoming)


def test_stats_agree_with_report(graph, graph_dir) -> None:
    import json

    report = json.loads((graph_dir / "report.json").read_text(encoding="utf-8"))
    s = query.stats(graph, limit=5)
    assert s["articles"] <= report["articles"]
    assert s["documents"] == report["documents"] and s["citation_keys"] == report["citation_keys"]
    assert len(s["top_documents"]) == 5
    counts = [(d["articles"], d["mentions"]) for d in s["top_documents"]]
    assert counts == sorted(counts, reverse=True)
    assert [y["year"] for y in s["per_year"]] == sorted(y["year"] for y in s["per_year"])
    assert s["top_issuers"][0]["documents"] >= 1


def test_missing_graph_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(store.GraphError, match="no such graph directory"):
        Graph(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(store.GraphError, match="not a built graph"):
        Graph(tmp_path / "empty")


def test_graph_nt_without_store(graph_dir, tmp_path) -> None:
    import shutil

    (tmp_path / "g").mkdir()
    shutil.copy(graph_dir / "graph.nt", tmp_path / "g" / "graph.nt")
    assert [d.id for d in find_documents(Graph(tmp_path / "g"), "205-QD/TW").documents] == [QD205]


@pytest.mark.parametrize("x", ["https://w3id.org/graphbuild/id/article/x> } ; DROP ALL #", "a b\n} ;", '"; DROP'])
def test_hostile_article_input(graph, x: str) -> None:
    assert query.refs(graph, x) == []


def test_fast_candidates_agree_with_full_index(graph_dir) -> None:
    fast, full = Graph(graph_dir), Graph(graph_dir)
    full.documents  # noqa: B018 - load the whole index: find_documents then scans it all
    for x in ("205-QĐ/TW", "Quy định 205", "01-HD/TW", "Nghị quyết Trung ương 6 khóa XII", "Điều lệ Đảng",
              "Nghị định 108/2014/NĐ-CP", "hd 38 btctw", "Chỉ thị 35"):
        assert [d.to_dict() for d in find_documents(fast, x).documents] == \
            [d.to_dict() for d in find_documents(full, x).documents], x


@pytest.mark.parametrize("x", [
    "Quy định 205-QĐ/TW", "205-QĐ/TW", "205-QD/TW", "205/QĐ-TW", "Quy định số 205-QĐ/TW", "Hướng dẫn 01-HD/TW",
    "Nghị định 108/2014/NĐ-CP", "Nghị quyết 02/2018/NQ-HĐND", "Đề án 06-ĐA/TU", "Thông tư 19/2019/TT-BTC",
    "Quyết định 439/QĐ-TTg", "Chỉ thị 05-CT/TU", "Kết luận 21-KL/TW", "108/2014/ND-CP",
])
def test_plain_numbers_skip_the_extractor_with_the_same_answer(x: str) -> None:
    """The fast path for plain full numbers must read them exactly as the extractor does."""
    from graphbuild.extract.find import extract

    fast = reference._plain_full_number(x)
    (m,) = extract(x)
    if fast is None:  # allowed (the extractor then runs), but the most common shapes must be fast
        assert x not in ("Quy định 205-QĐ/TW", "205-QĐ/TW", "205-QD/TW", "Nghị định 108/2014/NĐ-CP")
        return
    assert (fast.number, fast.type_code, fast.issuer_code, fast.year) == (
        int(m.number), m.type_code, m.issuer_code, m.year if m.kind == "state" else None)


@pytest.mark.parametrize("x", ["Quy định 205-QĐ/TW của Bộ Chính trị", "Quy định 205-CT/TW", "qd 205 tw",
                               "Nghị quyết Trung ương 6 khóa XII", "Nghị quyết 22/2018/QH14", "Quy định 205"])
def test_anything_else_goes_to_the_extractor(x: str) -> None:
    assert reference._plain_full_number(x) is None
