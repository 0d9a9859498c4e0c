"""GraphML/GEXF written for Gephi: unique edge ids, named typed keys, no empty values, options."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Article, Mention
from graphbuild.resolve.resolver import Resolver
from graphbuild.write.gephi_elements import ArticleSummary, Options
from graphbuild.write.graphml import write_gexf, write_graphml

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def _corpus():
    r = Resolver()
    summaries = []
    for i, (date, number, mdate) in enumerate((("2019-10-01", "205", None), ("2021-12-01", "01", "2021-09-28"),
                                               ("2021-12-02", "01", "2021-09-28"))):
        code = "QĐ" if number == "205" else "HD"
        m = Mention("s", 0, 10, f"{number}-{code}/TW", "party", number=number, type_code=code, issuer_code="TW",
                    date=mdate, key=DocumentKey.parse(f"party:{number}-{code}/TW"))
        a = Article(id=f"a{i}", text="", source=f"a{i}", title=f"Bài <{i}> & co", date=date)
        cs = r.resolve_article(a, [m, m])
        refs: dict[str, int] = {}
        for c in cs:
            refs[c.target] = refs.get(c.target, 0) + 1
        summaries.append(ArticleSummary(a.id, a.title, a.date, None, refs))
    r.finish()
    return r.documents(), r.body_records(), lambda: iter(summaries)


def _write(opts=None) -> str:
    docs, bodies, arts = _corpus()
    buf = io.StringIO()
    write_graphml(buf, docs, bodies, arts, opts)
    return buf.getvalue()


def test_edges_have_unique_ids_and_aggregate_parallel_mentions():
    text = _write()
    root = ET.fromstring(text)
    edges = root.findall(".//g:edge", NS)
    ids = [e.get("id") for e in edges]
    assert len(ids) == len(set(ids)) and all(ids)
    g = nx.read_graphml(io.StringIO(text))
    assert g["article/a0"]["doc/qd-tw_2019_205"]["weight"] == 2.0
    assert g["article/a0"]["doc/qd-tw_2019_205"]["kind"] == "references"


def test_keys_are_named_typed_once_and_no_empty_values():
    root = ET.fromstring(_write())
    keys = root.findall("g:key", NS)
    assert len({k.get("id") for k in keys}) == len(keys)
    node_names = [k.get("attr.name") for k in keys if k.get("for") == "node"]
    assert len(node_names) == len(set(node_names))
    assert {"label", "kind", "date", "issuer", "size", "color"} <= set(node_names)
    for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data"):
        assert d.text and d.text not in ("None", "[]")


def test_node_attributes_for_gephi():
    g = nx.read_graphml(io.StringIO(_write()))
    doc = g.nodes["doc/qd-tw_2019_205"]
    assert doc["kind"] == "party" and doc["issuer"] == "Bộ Chính trị" and doc["date"] == "2019-09-23"
    assert doc["color"].startswith("#") and doc["size"] == 3.0
    assert g.nodes["article/a0"]["label"] == "Bài <0> & co"


def test_document_scope_and_date_range():
    g = nx.read_graphml(io.StringIO(_write(Options(scope="documents"))))
    assert not [n for n, d in g.nodes(data=True) if d["kind"] == "article"]
    assert g.has_edge("doc/qd-tw_2019_205", "body/bo-chinh-tri")
    g = nx.read_graphml(io.StringIO(_write(Options(since="2021-01-01", until="2021-12-31"))))
    assert "article/a0" not in g and "article/a1" in g
    assert "doc/qd-tw_2019_205" not in g and g.nodes["doc/hd-tw_2021_01"]["citations"] == 4


def test_gexf_reads_back_with_same_counts():
    docs, bodies, arts = _corpus()
    a, b = io.StringIO(), io.StringIO()
    write_graphml(a, docs, bodies, arts)
    n, e = write_gexf(b, docs, bodies, arts)
    gx = nx.read_gexf(io.StringIO(b.getvalue()))
    gm = nx.read_graphml(io.StringIO(a.getvalue()))
    assert (gx.number_of_nodes(), gx.number_of_edges()) == (gm.number_of_nodes(), gm.number_of_edges()) == (n, e)


# --------------------------------------------------------------------------- time and colour (issue 18)

GX = {"x": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}


def _gexf() -> str:
    docs, bodies, arts = _corpus()
    buf = io.StringIO()
    write_gexf(buf, docs, bodies, arts)
    return buf.getvalue()


def test_gexf_is_dynamic_articles_and_citations_start_on_the_article_date():
    root = ET.fromstring(_gexf())
    graph = root.find("x:graph", GX)
    assert graph is not None and graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    starts = {n.get("id"): n.get("start") for n in root.iterfind(".//x:node", GX)}
    assert starts["article/a0"] == "2019-10-01" and starts["article/a2"] == "2021-12-02"
    assert all(s is None for n, s in starts.items() if not n.startswith("article/"))  # documents, bodies: always
    refs = [e for e in root.iterfind(".//x:edge", GX) if e.find(".//x:attvalue", GX).get("value") == "references"]
    assert refs and all(e.get("start") == starts[e.get("source")] for e in refs)
    others = [e for e in root.iterfind(".//x:edge", GX) if e not in refs]
    assert others and all(e.get("start") is None for e in others)
    g = nx.read_gexf(io.StringIO(_gexf()))  # networkx keeps the times
    assert g.nodes["article/a1"]["start"] == "2021-12-01"
    assert g["article/a1"]["doc/hd-tw_2021_01"]["start"] == "2021-12-01"


def test_gexf_start_takes_what_gephi_can_read():
    from graphbuild.write.graphml import gexf_start

    assert gexf_start("2019-10-01") == ' start="2019-10-01"'
    assert gexf_start("2019-10") == ' start="2019-10-01"' and gexf_start("2019") == ' start="2019-01-01"'
    assert gexf_start(None) == gexf_start("") == gexf_start("1/10/2019") == ""


def test_one_palette_for_graphml_gexf_and_the_web():
    from graphbuild.web.site import palette_css
    from graphbuild.write import graphml
    from graphbuild.write.palette import NODE_COLORS

    assert graphml.COLORS is NODE_COLORS
    g = nx.read_graphml(io.StringIO(_write()))
    assert all(d["color"] == NODE_COLORS[d["kind"]] for _, d in g.nodes(data=True))
    root = ET.fromstring(_gexf())
    for n in root.iterfind(".//x:node", GX):
        c = n.find("viz:color", GX)
        kind = n.find(".//x:attvalue", GX).get("value")
        assert "#{:02x}{:02x}{:02x}".format(*(int(c.get(k)) for k in "rgb")) == NODE_COLORS[kind]
    assert all(color in palette_css() for color in NODE_COLORS.values())
    notebook = (Path(__file__).resolve().parents[1] / "notebooks" / "graphbuild_tour.ipynb").read_text(encoding="utf-8")
    assert "NODE_COLORS" in notebook and not re.search(r'"(party|state|named|article)": \\"#', notebook)
