"""The fast GraphML/GEXF writer against the straightforward one, on values that need escaping.

Why: graphml._write takes shortcuts (one plain-text check per node or per fan of edges, constant
pieces per kind, batched writes); its bytes must stay those of writing every value through
saxutils' escape/quoteattr.  The reference here is written from that definition, independently
of the module's own reference functions, and fed the same node and edge streams.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import pytest

from graphbuild.resolve.bodies import BodyRecord
from graphbuild.write import graphml
from graphbuild.write.gephi_elements import ArticleSummary, DocSummary, Options, elements, read_doc_summaries
from graphbuild.write.graphml import write_gephi

BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

TRICKY = [
    'Nghị quyết số 01-NQ/TW "về" đổi mới',  # double quotes only: quoteattr picks single quotes
    "Chỉ thị 'số' 05",  # single quotes only
    "Kết luận \"a\" và 'b'",  # both: &quot;
    "Bài <1> & co > x",
    "tab\there\nnewline\rreturn",
    "ctrl\x01\x08\x0b\x0c\x1fend\ufffe\uffff",
    "non-BMP 😀 𠜎 Việt Nam",
    "",
    "&amp; already",
]


def _clean(v: object) -> str:
    return BAD.sub("", str(v))


def _reference(nodes, edges) -> tuple[str, str]:
    """Both files written the straightforward way: every value through escape/quoteattr."""
    gm, gx = io.StringIO(), io.StringIO()
    w = graphml
    gm.write(w._graphml_start())
    gx.write(w._gexf_start())
    for nid, label, kind, date, issuer, province, cit in nodes():
        attrs = {"label": label, "kind": kind, "date": date, "issuer": issuer, "province": province,
                 "citations": cit, "size": 1.0 + cit, "color": graphml.COLORS[kind]}
        data = "".join(f'<data key="{k}">{escape(_clean(v))}</data>' for k, v in attrs.items() if v is not None)
        gm.write(f"<node id={quoteattr(_clean(nid))}>{data}</node>\n")
        values = "".join(f'<attvalue for="{i}" value={quoteattr(_clean(attrs[k]))}/>'
                         for i, k in enumerate(("kind", "date", "issuer", "province", "citations"))
                         if attrs[k] is not None)
        start = graphml.gexf_start(date) if kind == "article" else ""
        gx.write(f"<node id={quoteattr(_clean(nid))} label={quoteattr(_clean(label))}{start}><attvalues>{values}"
                 f"</attvalues>{graphml._rgb(attrs['color'])}<viz:size value=\"{attrs['size']}\"/></node>\n")
    gx.write(w._GEXF_BETWEEN)
    n = 0
    for fan in edges():
        src, kind, targets, weights = fan[:4]
        start = graphml.gexf_start(fan[4] if len(fan) > 4 else None)
        for i, tgt in enumerate(targets):
            n += 1
            weight = 1.0 if weights is None else float(weights[i])
            ends = f"source={quoteattr(_clean(src))} target={quoteattr(_clean(tgt))}"
            gm.write(f'<edge id="e{n}" {ends}><data key="edge_kind">{kind}</data>'
                     f'<data key="weight">{weight}</data></edge>\n')
            gx.write(f'<edge id="e{n}" {ends}{start} weight="{weight}"><attvalues><attvalue for="0" value="{kind}"/>'
                     f"</attvalues></edge>\n")
    gm.write(w._GRAPHML_END)
    gx.write(w._GEXF_END)
    return gm.getvalue(), gx.getvalue()


def _corpus():
    bodies = [BodyRecord("bo-chinh-tri", SimpleNamespace(name="Bộ Chính trị"), None, None),
              BodyRecord("tinh-uy", SimpleNamespace(name='Tỉnh ủy "A" & <B>'), "Hà Nội", "bo-chinh-tri")]
    docs = []
    for i, text in enumerate(TRICKY):
        docs.append(DocSummary(f"doc/d{i:02d}", text, ("party", "state", "named")[i % 3], "2020-01-0" + str(i % 9 + 1),
                               2020, "tinh-uy" if i % 2 else None, None if i % 2 else "bo-chinh-tri",
                               text if i % 3 == 0 else None, i))
    docs.append(DocSummary("doc/plain", "Quy định 205-QĐ/TW", "party", None, 2019, "bo-chinh-tri", None, None, 2))
    docs.append(DocSummary("doc/yearless", "Kết luận", "named", None, None, None, None, "", 0))
    docs.append(DocSummary("doc/z-key&<'\"", "Chỉ thị 1 (?)", "citekey", None, None, None, None, None, 1,
                           candidates=("doc/d00", "doc/plain", "doc/missing"), parts=("doc/d01",)))
    docs.append(DocSummary("doc/z-cands", "Quyết định [1]", "state", "2021-05-05", 2021, None, None, None, 0,
                           candidates=("doc/d02", "doc/d04")))
    docs.append(DocSummary("doc/z-parts", "Nghị quyết Hội nghị []", "party", "2018-05-05", 2018, "bo-chinh-tri", None,
                           None, 0, parts=("doc/d05", "doc/d07")))
    docs.sort(key=lambda d: d.local)
    articles = [ArticleSummary(f"a{i}{text[:3]}", text, f"2021-0{i % 9 + 1}-15", text or None,
                               {"doc/d00": i + 1, "doc/plain": 1, f"doc/{text}": 2, "doc/z-key&<'\"": 3})
                for i, text in enumerate(TRICKY)]
    articles.append(ArticleSummary("plain", "Tin bình thường", None, None, {}))
    articles.append(ArticleSummary("plain2", "Tin 2", "2021-03-01", "Huế", {"doc/plain": 5}))
    return (lambda: iter(docs)), bodies, (lambda: iter(articles))


@pytest.mark.parametrize("opts", [Options(), Options(scope="documents"), Options(since="2021-02-01", until="2021-06-30"),
                                  Options(since="2020-01-03")])
def test_fast_writer_matches_straightforward_escaping(opts):
    docs, bodies, articles = _corpus()
    gm, gx = io.StringIO(), io.StringIO()
    write_gephi(gm, gx, docs, bodies, articles, opts)
    assert (gm.getvalue(), gx.getvalue()) == _reference(*elements(docs, bodies, articles, opts))
    # and the escaping really happened, in both quote styles
    assert "&quot;" in gm.getvalue() and "value='Nghị quyết" in gx.getvalue() or opts.scope == "documents"


@pytest.mark.parametrize("opts", [Options(), Options(since="2021-02-01", until="2021-06-30"), Options(until="2019-01-01")])
def test_summary_file_gives_what_a_stream_gives(tmp_path, opts):
    """Read from a file, documents without targets are skipped unparsed at first; same files."""
    docs, bodies, articles = _corpus()
    path = tmp_path / "documents.jsonl"
    with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
        for d in docs():
            fh.write(d.to_json() + "\n")
    outs = []
    for stream in (docs, read_doc_summaries(path)):
        gm, gx = io.StringIO(), io.StringIO()
        write_gephi(gm, gx, stream, bodies, articles, opts, tmp_path / "work")
        outs.append((gm.getvalue(), gx.getvalue()))
    assert outs[0] == outs[1]
    assert 'target="doc/d05"' in outs[0][0] or opts.since  # a has_part edge is there


def test_tricky_files_read_back():
    docs, bodies, articles = _corpus()
    gm, gx = io.StringIO(), io.StringIO()
    n, e = write_gephi(gm, gx, docs, bodies, articles)
    g = nx.read_graphml(io.StringIO(gm.getvalue()))
    x = nx.read_gexf(io.StringIO(gx.getvalue()))
    assert g.number_of_nodes() == x.number_of_nodes() > n  # edges into targets that are no node add some
    assert g.number_of_edges() == x.number_of_edges() == e
    assert g.nodes["doc/d03"]["label"] == "Bài <1> & co > x"
    assert g.nodes["doc/d06"]["label"] == "non-BMP 😀 𠜎 Việt Nam"
    assert g.nodes["doc/d05"]["label"] == "ctrlend"  # control characters dropped, not escaped
    assert g["article/a0Ngh"]["doc/z-key&<'\""]["weight"] == 3.0


def test_batches_split_anywhere(monkeypatch):
    """Flushing every line gives the same bytes as one write at the end."""
    docs, bodies, articles = _corpus()
    outs = []
    for flush in (1, 3, 10**9):
        monkeypatch.setattr(graphml, "FLUSH", flush)
        gm, gx = io.StringIO(), io.StringIO()
        write_gephi(gm, gx, docs, bodies, articles)
        outs.append((gm.getvalue(), gx.getvalue()))
    assert outs[0] == outs[1] == outs[2]


def test_summary_lines_round_trip():
    """The summaries are read with the JSON scanner directly; what json.loads would give, for any text."""
    for text in TRICKY + ["\ud800 lone surrogate", "\\ back\\slash \u2028"]:
        a = ArticleSummary(text, text, None, text, {text: 2})
        assert ArticleSummary.from_json(a.to_json() + "\n") == a
        d = DocSummary(text, text, "party", text, 1999, None, text, None, 3, (text,), ())
        assert DocSummary.from_json(d.to_json() + "\n") == d
    with pytest.raises(ValueError):
        ArticleSummary.from_json("not json\n")
