"""RDF builders: nodes returned, flat IRIs, no blank nodes, sorted deterministic writers."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import BNode, Graph

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Article, Mention
from graphbuild.graph import rdf
from graphbuild.graph.namespaces import ID, NS_DCT, NS_ELI, NS_GB, NS_NIF, PREFIXES, iri, local_name
from graphbuild.resolve.resolver import Resolver
from graphbuild.text.fold import slug


def _graph() -> tuple[Graph, Article]:
    r = Resolver()
    a = Article(id="a1", text="Quy định số 205-QĐ/TW", source="a1.txt", title="Tin", date="2021-12-01")
    m = Mention("a1.txt", 0, 21, "Quy định số 205-QĐ/TW", "party", doc_type="Quy định", number="205",
                type_code="QĐ", issuer_code="TW", key=DocumentKey.parse("party:205-QĐ/TW"))
    cs = r.resolve_article(a, [m])
    g = Graph()
    rdf.add_article_citations(g, a, cs)
    r.finish()
    for d in r.documents():
        rdf.add_document(g, d)
    for b in r.body_records():
        rdf.add_body(g, b)
    return g, a


def test_builders_return_their_node():
    g = Graph()
    node = rdf.add_province(g, "Thái Nguyên")
    assert node == iri("province", "thai-nguyen") and (node, None, None) in g


def test_article_document_and_mention_are_linked():
    g, a = _graph()
    art = iri("article", "a1")
    doc = iri("doc", "qd-tw_2019_205")
    assert (art, NS_DCT.references, doc) in g
    mention = rdf.mention_node(a, 0, 21)
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
    assert rdf.article_local("p123abc") == "p123abc"
    local = rdf.article_local("https://báo.vn/tin a?b=1")
    assert " " not in local and "/" not in local and local == rdf.article_local("https://báo.vn/tin a?b=1")
    assert slug("Đề án ĐA") == "de-an-da"


@pytest.mark.parametrize("python_sort", ["0", "1"], ids=["gnu-sort-if-present", "python-sort"])
def test_sorted_writer_is_deterministic_and_deduplicates(tmp_path: Path, monkeypatch, python_sort: str):
    monkeypatch.setenv("GRAPHBUILD_PYTHON_SORT", python_sort)
    g, _ = _graph()
    sink = rdf.TripleSink()
    for t in g:
        sink.add(t)
    lines = sink.drain()
    outs = []
    for order, name in ((lines, "a"), (list(reversed(lines)) + lines[:3], "b")):
        work = tmp_path / name
        work.mkdir()
        w = rdf.SortedNTriplesWriter(work, chunk_lines=7)  # force several chunks
        w.extend(order)
        w.finish(work / "g.nt")
        outs.append((work / "g.nt").read_bytes())
    assert outs[0] == outs[1]
    written = outs[0].decode("utf-8").splitlines(keepends=True)
    assert written == sorted(set(lines))
    rdf.write_turtle(tmp_path / "a" / "g.nt", tmp_path / "g.ttl")
    rdf.write_jsonld(tmp_path / "a" / "g.nt", tmp_path / "g.jsonld")
    assert len(Graph().parse(tmp_path / "g.ttl")) == len(g)
    assert len(Graph().parse(tmp_path / "g.jsonld", format="json-ld")) == len(g)
    assert "@prefix gb:" in (tmp_path / "g.ttl").read_text(encoding="utf-8")


def test_open_graph_binds_prefixes(tmp_path: Path):
    g, _ = _graph()
    path = tmp_path / "g.nt"
    g.serialize(path, format="nt")
    h = rdf.open_graph(path)
    assert dict(h.namespaces())["doc"] == rdflib.URIRef(PREFIXES["doc"]) and len(h) == len(g)


def _odd_articles() -> list[Article]:
    """Articles that exercise every branch of the per-article lines: quotes, newlines, no title, bad
    date and URL, province, unsafe ids, repeated spans and short forms with antecedents."""
    text = ("Nghị quyết số 15-NQ/TW ngày 5/1/2021 và Quy định 205-QĐ/TW.\n"
            "Thực hiện Nghị quyết 15, Chỉ thị 35-CT/TW khóa XI, XII của Tỉnh ủy Thái Nguyên.")
    return [
        Article(id="a1", text=text, source="dir/a \"1\".txt", title='Tin "hay"\nmới', date="2021-12-01",
                url="https://example.vn/a?b=1", province="Thái Nguyên"),
        Article(id="bài viết/2 ü", text=text, source="x.jsonl:2", title=None, date="12/2021", url="not a url"),
        Article(id="a3", text="Không có văn bản nào.", source="", title="", date=None),
    ]


def test_article_nt_lines_are_the_triples_of_add_article_citations():
    """The build's fast string path must write exactly what the rdflib builder adds."""
    from graphbuild.extract.find import extract

    r = Resolver()
    for a in _odd_articles():
        cs = r.resolve_article(a, extract(a.text, a.source))
        sink = rdf.TripleSink()
        rdf.add_article_citations(sink, a, cs)
        assert sorted(rdf.article_nt_lines(a, cs)) == sorted(sink.drain())
        g = Graph().parse(data="".join(rdf.article_nt_lines(a, cs)), format="nt")
        assert len(g) == len(set(rdf.article_nt_lines(a, cs)))


def test_document_nt_lines_are_the_triples_of_add_document():
    """Every document of the sample articles and of 400 generated ones: same lines by both paths."""
    import sys

    from graphbuild.extract.find import extract
    from graphbuild.read.articles import read_articles

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import generate

    r = Resolver()
    texts = [(a.id, a.text, a.source) for a in read_articles([str(Path(__file__).resolve().parents[1] / "data")])
             if isinstance(a, Article)]
    texts += [(a.id, a.text, a.id) for a in generate.iter_articles(400, 7)]
    for aid, text, source in texts:
        r.resolve_article(Article(id=aid, text=text, source=source), extract(text, source))
    r.finish()
    docs = r.documents()
    assert len(docs) > 300 and any(d.is_citekey for d in docs) and any(d.plenum for d in docs)
    sink = rdf.TripleSink()
    for d in docs:
        rdf.add_document(sink, d)
        assert sorted(rdf.document_nt_lines(d)) == sorted(sink.drain()), d.local
