"""`graphbuild build` end to end on the sample corpus (data/): files, stores, determinism, facts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "report.json")
PREFIXES = """PREFIX gb: <https://w3id.org/graphbuild/ns#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def run_build(out: Path, *extra: str) -> None:
    result = CliRunner().invoke(cli, ["build", str(DATA), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    run_build(out, "--jobs", "1")
    return out


@pytest.fixture(scope="module")
def store(built):
    import pyoxigraph as ox

    return ox.Store.read_only(str(built / "store"))


def ask(store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def test_all_outputs_written(built):
    for name in FILES:
        assert (built / name).stat().st_size > 0, name
    assert (built / "store").is_dir()
    assert not list(built.parent.glob(".out.tmp-*")), "temporary directory left behind"


def test_summary_line_counts():
    with CliRunner().isolated_filesystem():
        result = CliRunner().invoke(cli, ["build", str(DATA), "--out", "o", "--jobs", "1"])
    assert result.exit_code == 0
    assert "5 articles" in result.output and "documents" in result.output and "ambiguous references" in result.output


def test_rdflib_and_oxigraph_read_the_same_triples(built, store):
    import pyoxigraph as ox
    import rdflib

    g_nt = rdflib.Graph().parse(built / "graph.nt")
    g_ttl = rdflib.Graph().parse(built / "graph.ttl")
    g_jsonld = rdflib.Graph().parse(built / "graph.jsonld", format="json-ld")
    assert len(g_nt) == len(g_ttl) == len(g_jsonld) == len(store) > 500
    mem = ox.Store()
    mem.load(path=str(built / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(mem) == len(g_nt)


def test_graphml_reads_in_networkx_and_igraph(built):
    import igraph
    import networkx as nx

    g = nx.read_graphml(built / "graph.graphml")
    assert g.is_directed() and g.number_of_nodes() > 50
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert {"article", "party", "state", "body"} <= kinds
    assert all("label" in d and "color" in d and "size" in d for _, d in g.nodes(data=True))
    ig = igraph.Graph.Read_GraphML(str(built / "graph.graphml"))
    assert ig.vcount() == g.number_of_nodes() and ig.ecount() == g.number_of_edges()
    gx = nx.read_gexf(built / "graph.gexf")
    assert gx.number_of_nodes() == g.number_of_nodes() and gx.number_of_edges() == g.number_of_edges()


def test_byte_identical_across_runs_and_jobs(built, tmp_path):
    second, parallel = tmp_path / "second", tmp_path / "parallel"
    run_build(second, "--jobs", "1")
    run_build(parallel, "--jobs", "2")
    for name in FILES:
        a = (built / name).read_bytes()
        assert a == (second / name).read_bytes(), name
        assert a == (parallel / name).read_bytes(), name


def test_rebuild_replaces_output_and_refuses_foreign_dirs(tmp_path):
    out = tmp_path / "out"
    run_build(out, "--jobs", "1", "-q")
    (out / "stale.txt").write_text("old")
    run_build(out, "--jobs", "1", "-q")
    assert not (out / "stale.txt").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["build", str(DATA), "--out", str(foreign)])
    assert result.exit_code == 2 and (foreign / "notes.txt").read_text() == "keep me"


def test_skipped_input_exit_status_and_strict(tmp_path):
    bad = tmp_path / "in"
    shutil.copytree(DATA, bad)
    (bad / "broken.txt").write_bytes(b"\x00\x01\x02binary" * 100)
    result = CliRunner().invoke(cli, ["build", str(bad), "--out", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "o" / "graph.nt").exists()
    result = CliRunner().invoke(cli, ["build", str(bad), "--out", str(tmp_path / "s"), "-j", "1", "--strict"])
    assert result.exit_code == 2 and not (tmp_path / "s").exists()


def test_console_script_subprocess(tmp_path):
    exe = shutil.which("graphbuild")
    cmd = [exe] if exe else [sys.executable, "-m", "graphbuild.cli.main"]
    proc = subprocess.run([*cmd, "build", str(DATA), "--out", str(tmp_path / "out"), "-j", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "5 articles" in proc.stderr


# ---- the facts the issue names ("Done when"), through SPARQL on the built store


def test_two_documents_01_hd_tw_in_article_001(store):
    rows = list(store.query(PREFIXES + """
        SELECT DISTINCT ?d ?date WHERE {
          ?a dct:source ?src ; dct:references ?d . FILTER(CONTAINS(?src, "001_6152e65ddfe658af"))
          ?d eli:number "01-HD/TW" ; eli:date_document ?date . } ORDER BY ?date"""))
    assert [str(r["date"].value) for r in rows] == ["2016-09-20", "2021-09-28"]
    assert rows[0]["d"] != rows[1]["d"]


def test_de_an_06_belongs_to_tinh_uy_thai_nguyen(store):
    assert ask(store, """ASK {
        ?d eli:number "06-ĐA/TU" ; eli:type_document/skos:prefLabel "Đề án"@vi ;
           gb:numberingBody ?tu ; eli:passed_by/org:subOrganizationOf* ?tu .
        ?tu rdfs:label "Tỉnh ủy Thái Nguyên" . }""")


def test_205_qd_tw_issued_by_politburo_cited_by_001(store):
    assert ask(store, """ASK {
        ?d eli:number "205-QĐ/TW" ; eli:passed_by/rdfs:label "Bộ Chính trị" ; eli:date_document "2019-09-23"^^<http://www.w3.org/2001/XMLSchema#date> .
        ?a dct:references ?d ; dct:source ?src . FILTER(CONTAINS(?src, "001_6152e65ddfe658af")) }""")


def test_mentions_point_into_article_text(store):
    rows = list(store.query(PREFIXES + """
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        SELECT ?src ?b ?e ?s WHERE { ?m a gb:Mention ; nif:referenceContext/dct:source ?src ;
          nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?s }"""))
    assert rows
    for r in rows:
        text = Path(r["src"].value).read_text(encoding="utf-8") if Path(r["src"].value).exists() else None
        if text is not None:
            assert text[int(r["b"].value):int(r["e"].value)] == r["s"].value


def test_mentions_jsonl_carries_the_extract_contract_and_the_resolved_node(tmp_path):
    """mentions.jsonl: one line per mention with every extract key, the article and the document it resolved to."""
    import json as _json

    from graphbuild.domain.model import MENTION_KEYS
    from graphbuild.pipeline.build import build as run_build

    data = Path(__file__).resolve().parent.parent / "data"
    out = tmp_path / "out"
    result = run_build([str(data)], out)
    rows = [_json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == result.citations
    for row in rows:
        assert all(k in row for k in MENTION_KEYS)
        assert row["document"] and row["document_iri"].endswith(row["document"])
        text = Path(row["source"]).read_text(encoding="utf-8")
        assert text[row["start"]:row["end"]] == row["surface"]
    docs_205 = {r["document"] for r in rows if r["id"] == "party:205-QĐ/TW"}
    assert len(docs_205) == 1


def test_stale_temp_folders_of_dead_builds_are_removed_live_ones_kept(tmp_path):
    """A killed build's ``.OUT.tmp-*`` / ``.OUT.old-*`` go at the next build; a running build's stay."""
    import fcntl
    import os

    from graphbuild.pipeline import outdir

    out = tmp_path / "out"
    dead_pid = tmp_path / f".out.tmp-{2**22 + 12345}-abc"  # above any pid_max default: not alive
    dead_lock = tmp_path / f".out.tmp-{os.getpid()}-def"  # our pid, but its lock file is not held
    live = tmp_path / ".out.tmp-1-ghi"  # a lock file someone holds: a build still running
    old = tmp_path / f".out.old-{2**22 + 12346}"
    other = tmp_path / ".other.tmp-1-xyz"  # another --out's folder: never touched
    for d in (dead_pid, dead_lock, live, old, other):
        d.mkdir()
        (d / "graph.nt").write_text("partial")
    (dead_lock / outdir.LOCK).write_text("")
    (live / outdir.LOCK).write_text("")
    with open(live / outdir.LOCK, "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        run_build(out, "--jobs", "1", "-q", "--no-store")
        left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([".other.tmp-1-xyz", ".out.tmp-1-ghi", "out"]), left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux only")
def test_output_swap_is_one_atomic_exchange(tmp_path):
    """Replacing a previous build exchanges the two folders in one step (never no --out at all)."""
    from graphbuild.pipeline import outdir

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "y").write_text("b")
    assert outdir._exchange(a, b)
    assert (a / "y").exists() and (b / "x").exists()
    out = tmp_path / "out"
    run_build(out, "--jobs", "1", "-q", "--no-store")
    first = (out / "graph.nt").read_bytes()
    run_build(out, "--jobs", "2", "-q", "--no-store")
    assert (out / "graph.nt").read_bytes() == first and out.is_dir() and not out.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "out"]
