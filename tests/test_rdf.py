"""The triple emitter: flat IRIs, no blank nodes, the rdflib reference's triples, sorted deterministic writers."""

from __future__ import annotations

import sys
from pathlib import Path

import _rdflib_reference as reference
import pytest
import rdflib
from rdflib import BNode, Graph, Literal

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Article, Mention
from graphbuild.graph import triples
from graphbuild.graph.namespaces import (
    ID,
    NS_DCT,
    NS_ELI,
    NS_GB,
    NS_NIF,
    NS_RDF,
    NS_RDFS,
    PREFIXES,
    iri,
    local_name,
    open_graph,
)
from graphbuild.resolve.resolver import Resolver
from graphbuild.text.fold import slug
from graphbuild.write.rdf_formats import write_jsonld, write_turtle
from graphbuild.write.sorted_nt import SortedNTriplesWriter

ROOT = Path(__file__).resolve().parents[1]


def _lines() -> tuple[list[str], Article]:
    """The emitter's lines for one article citing one catalogued document, with its body."""
    r = Resolver()
    a = Article(id="a1", text="Quy định số 205-QĐ/TW", source="a1.txt", title="Tin", date="2021-12-01",
                province="Thái Nguyên")
    m = Mention("a1.txt", 0, 21, "Quy định số 205-QĐ/TW", "party", doc_type="Quy định", number="205",
                type_code="QĐ", issuer_code="TW", key=DocumentKey.parse("party:205-QĐ/TW"))
    cs = r.resolve_article(a, [m])
    lines = triples.article_nt_lines(a, cs)
    r.finish()
    for d in r.documents():
        lines += triples.document_nt_lines(d)
    for b in r.body_records():
        lines += triples.body_nt_lines(b)
    lines += triples.run_nt_lines("0123456789abcdef", 1, len(r.documents()))
    return lines, a


def _graph() -> tuple[Graph, Article]:
    lines, a = _lines()
    return Graph().parse(data="".join(lines), format="nt"), a


def test_province_node_is_named_by_its_slug():
    g, _ = _graph()
    node = iri("province", "thai-nguyen")
    assert (node, NS_RDF.type, NS_GB.Province) in g and (iri("article", "a1"), NS_GB.province, node) in g
    assert g.value(node, NS_RDFS.label) == Literal("Thái Nguyên")


def test_article_document_and_mention_are_linked():
    g, a = _graph()
    art = iri("article", "a1")
    doc = iri("doc", "qd-tw_2019_205")
    assert (art, NS_DCT.references, doc) in g
    mention = reference.mention_node(a, 0, 21)
    assert (mention, NS_GB.refersTo, doc) in g and (mention, NS_NIF.referenceContext, art) in g
    assert str(g.value(doc, NS_ELI.date_document)) == "2019-09-23"


def test_no_blank_nodes_and_flat_local_names():
    g, _ = _graph()
    for s, _p, o in g:
        assert not isinstance(s, BNode) and not isinstance(o, BNode)
        if str(s).startswith(ID):
            kind, local = local_name(str(s))
            assert "/" not in local and "#" not in local, s


def test_unsafe_article_ids_get_safe_local_names():
    assert triples.article_local("p123abc") == "p123abc"
    local = triples.article_local("https://báo.vn/tin a?b=1")
    assert " " not in local and "/" not in local and local == triples.article_local("https://báo.vn/tin a?b=1")
    assert slug("Đề án ĐA") == "de-an-da"


@pytest.mark.parametrize("python_sort", ["0", "1"], ids=["gnu-sort-if-present", "python-sort"])
def test_sorted_writer_is_deterministic_and_deduplicates(tmp_path: Path, monkeypatch, python_sort: str):
    monkeypatch.setenv("GRAPHBUILD_PYTHON_SORT", python_sort)
    lines, _ = _lines()
    g = Graph().parse(data="".join(lines), format="nt")
    outs = []
    for order, name in ((lines, "a"), (list(reversed(lines)) + lines[:3], "b")):
        work = tmp_path / name
        work.mkdir()
        w = SortedNTriplesWriter(work, chunk_lines=7)  # force several chunks
        w.extend(order)
        w.finish(work / "g.nt")
        outs.append((work / "g.nt").read_bytes())
    assert outs[0] == outs[1]
    written = outs[0].decode("utf-8").splitlines(keepends=True)
    assert written == sorted(set(lines))
    write_turtle(tmp_path / "a" / "g.nt", tmp_path / "g.ttl")
    write_jsonld(tmp_path / "a" / "g.nt", tmp_path / "g.jsonld")
    assert len(Graph().parse(tmp_path / "g.ttl")) == len(g)
    assert len(Graph().parse(tmp_path / "g.jsonld", format="json-ld")) == len(g)
    assert "@prefix gb:" in (tmp_path / "g.ttl").read_text(encoding="utf-8")


def test_open_graph_binds_prefixes(tmp_path: Path):
    g, _ = _graph()
    path = tmp_path / "g.nt"
    g.serialize(path, format="nt")
    h = open_graph(path)
    assert dict(h.namespaces())["doc"] == rdflib.URIRef(PREFIXES["doc"]) and len(h) == len(g)


def _odd_articles() -> list[Article]:
    """Articles that exercise every branch of the per-article lines: quotes, newlines, no title, bad
    date and URL, province, unsafe ids, repeated spans and short forms with antecedents; the last
    cites a provincial document of a body scoped to the article's province."""
    text = ("Nghị quyết số 15-NQ/TW ngày 5/1/2021 và Quy định 205-QĐ/TW.\n"
            "Thực hiện Nghị quyết 15, Chỉ thị 35-CT/TW khóa XI, XII của Tỉnh ủy Thái Nguyên.")
    return [
        Article(id="a1", text=text, source="dir/a \"1\".txt", title='Tin "hay"\nmới', date="2021-12-01",
                url="https://example.vn/a?b=1", province="Thái Nguyên"),
        Article(id="bài viết/2 ü", text=text, source="x.jsonl:2", title=None, date="12/2021", url="not a url"),
        Article(id="a3", text="Không có văn bản nào.", source="", title="", date=None),
        Article(id="a4", text="Thực hiện Nghị quyết số 05-NQ/TU ngày 1/2/2021 của Ban Thường vụ Tỉnh ủy Thái Nguyên.",
                source="a4.txt", title="Tin tỉnh", province="Thái Nguyên"),
    ]


def test_equivalence_article_lines_and_rdflib_reference():
    """The emitter writes exactly what the rdflib reference adds for an article, in the same order."""
    from graphbuild.extract.find import extract

    r = Resolver()
    for a in _odd_articles():
        cs = r.resolve_article(a, extract(a.text, a.source))
        sink = reference.TripleSink()
        reference.add_article_citations(sink, a, cs)
        assert triples.article_nt_lines(a, cs) == sink.drain()
        g = Graph().parse(data="".join(triples.article_nt_lines(a, cs)), format="nt")
        assert len(g) == len(set(triples.article_nt_lines(a, cs)))


def test_equivalence_document_body_and_run_lines_and_rdflib_reference():
    """Every document and body of the sample articles, 400 generated ones and the odd ones, and the run:
    same lines, same order, by the emitter and by the rdflib reference."""
    from graphbuild.extract.find import extract
    from graphbuild.read.articles import read_articles

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    r = Resolver()
    texts = [(a.id, a.text, a.source) for a in read_articles([str(ROOT / "data")]) if isinstance(a, Article)]
    texts += [(a.id, a.text, a.id) for a in generate.iter_articles(400, 7)]
    for aid, text, source in texts:
        r.resolve_article(Article(id=aid, text=text, source=source), extract(text, source))
    for a in _odd_articles():  # bodies scoped to a province
        r.resolve_article(a, extract(a.text, a.source))
    r.finish()
    docs = r.documents()
    assert len(docs) > 300 and any(d.is_citekey for d in docs) and any(d.plenum for d in docs)
    sink = reference.TripleSink()
    for d in docs:
        reference.add_document(sink, d)
        assert triples.document_nt_lines(d) == sink.drain(), d.local
    bodies = r.body_records()
    assert any(b.province and b.info.short for b in bodies) and any(b.info.aliases and not b.province for b in bodies)
    for b in bodies:
        reference.add_body(sink, b)
        assert triples.body_nt_lines(b) == sink.drain(), b.local
    reference.add_run(sink, "0123456789abcdef", len(texts), len(docs))
    assert triples.run_nt_lines("0123456789abcdef", len(texts), len(docs)) == sink.drain()


def test_equivalence_relation_lines_and_rdflib_reference():
    """The relations an article states: the emitter writes what the rdflib reference adds, in the same order."""
    from graphbuild.extract.find import extract
    from graphbuild.resolve.relations import stated_relations

    folder = ROOT / "tests" / "fixtures" / "relations"
    r = Resolver()
    seen = 0
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        a = Article(id=path.stem, text=text, source=str(path), province="Quảng Nam")
        stated = stated_relations(r, a, r.resolve_article(a, extract(text, a.source)))
        seen += len(stated)
        sink = reference.TripleSink()
        reference.add_relations(sink, a, stated)
        assert triples.relation_nt_lines(a, stated) == sink.drain()
    assert seen >= 5
