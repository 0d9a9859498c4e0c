"""The directive network end to end: a folder of articles and legal texts (tests/fixtures/relations/) built
into relation triples between the resolved documents, each statement with its evidence; the same graph
with --jobs 1 and 2 and when rebuilt from the cache; read by rdflib and pyoxigraph; conforming to the
shapes; asked with `show` and the worked query 14; drawn as GraphML/GEXF edges.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace, URIRef

from graphbuild.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "relations"
QUERY_14 = ROOT / "ontology" / "queries" / "14-what-implements-a-directive-by-province.rq"
D = "https://w3id.org/graphbuild/id/doc/"
ELI = Namespace("http://data.europa.eu/eli/ontology#")
GB = Namespace("https://w3id.org/graphbuild/ns#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")

# (source, property, target) the corpus states, between resolved documents
EXPECTED = {
    (D + "kh-tu_quang-nam_2019_146", ELI.ensures_implementation_of, D + "ct-tw_2019_35"),
    (D + "kh-tu_nghe-an_2019_178", ELI.ensures_implementation_of, D + "ct-tw_2019_35"),
    (D + "nd-cp_2022_77", ELI.amends, D + "nd-cp_2018_15"),
    (D + "nq-cp_2025_03", ELI.ensures_implementation_of, D + "nq-tw_2024_57"),
    (D + "nq-cp_2025_03", ELI.based_on, D + "nq-tw_2024_57"),
    (D + "nq-cp_2025_03", ELI.based_on, D + "nd-cp_2016_123"),
    # its preamble's laws, cited by title and date: Luật Tổ chức Chính phủ 2015 and the 2019 amending law
    (D + "nq-cp_2025_03", ELI.based_on, D + "luat-qh13_2015_76"),
    (D + "nq-cp_2025_03", ELI.based_on, D + "luat-qh14_2019_47"),
}
RELATION_PROPERTIES = {ELI.ensures_implementation_of, ELI.based_on, ELI.amends, ELI.repeals, GB.guides, ELI.cites}


def _build(out: Path, *extra: str) -> None:
    result = CliRunner().invoke(cli, ["build", str(CORPUS), "--out", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("relations") / "out"
    _build(out, "--jobs", "1")
    return out


def test_relation_triples_between_resolved_documents(built):
    g = Graph().parse(built / "graph.nt")
    found = {(str(s), p, str(o)) for s, p, o in g if p in RELATION_PROPERTIES}
    assert found == EXPECTED
    # two documents named together without a relating verb are no relation
    assert not any("nd-cp_2018_155" in s or "nd-cp_2018_155" in o for s, _p, o in found)


def test_each_statement_carries_its_evidence(built):
    g = Graph().parse(built / "graph.nt")
    statements = list(g.subjects(RDF.type, GB.StatedRelation))
    assert len(statements) == len(EXPECTED)  # one per relation: no text of the corpus states one twice
    for st in statements:
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        assert (s, p, o) in g, "the statement's triple is in the graph"
        article = g.value(st, GB.statedIn)
        assert (article, RDF.type, GB.Article) in g
        sentence = str(g.value(st, GB.sentence))
        anchor = str(g.value(st, URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf")))
        assert anchor and anchor.lower() in sentence.lower()
        assert g.value(st, GB.sourceMention) is not None
    plan = [st for st in statements if str(g.value(st, RDF.subject)).endswith("kh-tu_quang-nam_2019_146")]
    (st,) = plan
    assert str(g.value(st, GB.relationKind)) == "implements"
    assert "Kế hoạch số 146-KH/TU" in str(g.value(st, GB.sentence))


def test_oxigraph_store_answers_the_same(built):
    store = ox.Store.read_only(str(built / "store"))
    rows = store.query("SELECT ?s ?o WHERE { ?s <http://data.europa.eu/eli/ontology#amends> ?o }")
    assert [(r["s"].value, r["o"].value) for r in rows] == [(D + "nd-cp_2022_77", D + "nd-cp_2018_15")]


def test_graph_conforms_to_the_shapes(built):
    from test_shacl import conforms

    ok, text = conforms(Graph().parse(built / "graph.nt"))
    assert ok, text


def test_same_graph_with_two_jobs_and_from_the_cache(built, tmp_path):
    parallel = tmp_path / "parallel"
    _build(parallel, "--jobs", "2")
    assert (parallel / "graph.nt").read_bytes() == (built / "graph.nt").read_bytes()
    _build(parallel, "--jobs", "2")  # a rebuild: every article from the cache
    assert (parallel / "graph.nt").read_bytes() == (built / "graph.nt").read_bytes()
    assert json.loads((parallel / "report.json").read_text())["articles"] == 4


def test_query_14_what_implements_35_ct_tw_by_province(built):
    text = QUERY_14.read_text(encoding="utf-8").replace("doc:congress_xiii", "doc:ct-tw_2019_35")
    r = CliRunner().invoke(cli, ["sparql", text, "--graph", str(built), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(r.stdout)["results"]["bindings"]]
    assert [(x["province"], x["doc"], x["kind"]) for x in rows] == [
        ("Nghệ An", D + "kh-tu_nghe-an_2019_178", "implements"),
        ("Quảng Nam", D + "kh-tu_quang-nam_2019_146", "implements")]


def test_show_lists_the_directive_network(built):
    r = CliRunner().invoke(cli, ["show", "doc:ct-tw_2019_35", "--graph", str(built)])
    assert r.exit_code == 0, r.output
    assert "implemented by doc/kh-tu_nghe-an_2019_178" in r.stdout and "[Nghệ An]" in r.stdout
    assert "implemented by doc/kh-tu_quang-nam_2019_146" in r.stdout and "[Quảng Nam]" in r.stdout
    r = CliRunner().invoke(cli, ["show", "03/NQ-CP", "--graph", str(built), "--format", "json"])
    assert r.exit_code == 0, r.output
    (info,) = json.loads(r.stdout)
    links = {(x["relation"], x["direction"], x["document"]) for x in info["directives"]}
    assert links == {("implements", "out", "doc/nq-tw_2024_57"), ("based_on", "out", "doc/nq-tw_2024_57"),
                     ("based_on", "out", "doc/nd-cp_2016_123"), ("based_on", "out", "doc/luat-qh13_2015_76"),
                     ("based_on", "out", "doc/luat-qh14_2019_47")}
    r = CliRunner().invoke(cli, ["show", "Nghị định 15/2018/NĐ-CP", "--graph", str(built)])
    assert "amended by     doc/nd-cp_2022_77" in r.stdout


def _edges(g: nx.Graph, source: str, target: str) -> dict[str, float]:
    """kind -> weight of the edges from source to target (the file has parallel edges of different kinds)."""
    return {e["kind"]: e["weight"] for e in g[source][target].values()}


def test_gephi_files_draw_relation_edges(built, tmp_path):
    g = nx.read_graphml(built / "graph.graphml")
    assert _edges(g, "doc/nd-cp_2022_77", "doc/nd-cp_2018_15") == {"amends": 1.0}
    assert _edges(g, "doc/kh-tu_quang-nam_2019_146", "doc/ct-tw_2019_35") == {"implements": 1.0}
    assert _edges(g, "doc/nq-cp_2025_03", "doc/nq-tw_2024_57") == {"implements": 1.0, "based_on": 1.0}
    kinds = {k for *_e, k in g.edges(data="kind")}
    assert {"implements", "based_on", "amends", "references"} <= kinds
    gexf = ET.parse(built / "graph.gexf").getroot()
    assert any(v.get("value") == "implements" for v in gexf.iter("{http://gexf.net/1.3}attvalue"))
    docs_only = tmp_path / "docs"
    _build(docs_only, "--jobs", "1", "--graph-scope", "documents", "--formats", "graphml", "--no-store")
    g = nx.read_graphml(docs_only / "graph.graphml")
    assert not any(n.startswith("article/") for n in g)
    assert _edges(g, "doc/kh-tu_nghe-an_2019_178", "doc/ct-tw_2019_35") == {"implements": 1.0}
