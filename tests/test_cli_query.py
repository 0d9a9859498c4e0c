"""The asking commands through the real click entry point (and once through the console script)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from _query_graph import sample_graph
from click.testing import CliRunner

from graphbuild.cli.main import cli

CONTRACT = ("document", "label", "article", "source", "title", "date", "surface", "sentence")


@pytest.fixture(scope="session")
def graph_dir(tmp_path_factory) -> Path:
    return sample_graph(tmp_path_factory)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cites_json_contract(graph_dir) -> None:
    r = run("cites", "Quy định 205-QĐ/TW", "--graph", str(graph_dir), "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert isinstance(rows, list) and len(rows) == 1
    row = rows[0]
    for key in CONTRACT:
        assert key in row
    assert row["document"] == "doc/qd-tw_2019_205"
    assert row["article"] and row["source"].endswith(".txt")
    assert "»" in row["sentence"] and "«" in row["sentence"]


@pytest.mark.parametrize("x", ["205-QĐ/TW", "205-QD/TW", "qd 205 tw", "Quy định 205",
                               "https://w3id.org/graphbuild/id/doc/qd-tw_2019_205"])
def test_cites_spellings_agree(graph_dir, x: str) -> None:
    r = run("cites", x, "--graph", str(graph_dir), "--format", "jsonl")
    assert r.exit_code == 0, r.output
    assert [json.loads(line)["document"] for line in r.stdout.splitlines()] == ["doc/qd-tw_2019_205"]


def test_cites_csv_and_table(graph_dir) -> None:
    r = run("cites", "Điều lệ Đảng", "--graph", str(graph_dir), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert tuple(csv.reader(io.StringIO(r.stdout)).__next__())[:8] == CONTRACT
    assert len(rows) == 2 and {x["document"] for x in rows} == {"doc/charter"}
    t = run("cites", "Điều lệ Đảng", "--graph", str(graph_dir))
    assert t.exit_code == 0 and "Điều lệ Đảng Cộng sản Việt Nam" in t.stdout and "»" in t.stdout


def test_cites_ambiguous_says_so_on_stderr_and_shows_each(graph_dir) -> None:
    r = run("cites", "01-HD/TW", "--graph", str(graph_dir), "--format", "json")
    assert r.exit_code == 0
    assert "matches 2 documents" in r.stderr
    assert [x["document"] for x in json.loads(r.stdout)] == ["doc/hd-tw_2021_01", "doc/hd-tw_2016_01"]


def test_cites_none_suggests_and_exits_1(graph_dir) -> None:
    r = run("cites", "Quy định 206-QĐ/TW", "--graph", str(graph_dir), "--format", "json")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "no document" in r.stderr and "doc/qd-tw_2019_205" in r.stderr


@pytest.mark.parametrize("x", ['"} ; DROP ALL ; #', "<x> } ; DROP ALL", "a\nb", "doc:x>\n{"])
def test_cites_hostile(graph_dir, x: str) -> None:
    r = run("cites", x, "--graph", str(graph_dir), "--format", "json")
    assert r.exit_code == 1 and "no document" in r.stderr
    assert run("cites", "205-QĐ/TW", "--graph", str(graph_dir)).exit_code == 0


def test_missing_or_unbuilt_graph(tmp_path) -> None:
    for cmd in (["cites", "205-QĐ/TW"], ["refs", "x"], ["show", "x"], ["stats"], ["sparql", "ASK {}"]):
        r = run(*cmd, "--graph", str(tmp_path / "missing"))
        assert r.exit_code == 2 and "no such graph directory" in r.stderr, cmd
    r = run("cites", "205-QĐ/TW", "--graph", str(tmp_path))
    assert r.exit_code == 2 and "not a built graph" in r.stderr


def test_default_graph_is_out(graph_dir, tmp_path, monkeypatch) -> None:
    shutil.copytree(graph_dir, tmp_path / "out")
    monkeypatch.chdir(tmp_path)
    assert run("cites", "205-QĐ/TW").exit_code == 0


def test_refs_show_stats(graph_dir) -> None:
    g = str(graph_dir)
    r = run("refs", str(Path(__file__).resolve().parents[1] / "data/000_22ab1fdcbd145b34.txt"), "--graph", g,
            "--format", "json")
    assert r.exit_code == 0, r.output
    docs = [x["document"] for x in json.loads(r.stdout)]
    assert "doc/nd-cp_2014_108" in docs
    assert run("refs", "nope", "--graph", g).exit_code == 1
    r = run("show", "Nghị định 108/2014/NĐ-CP", "--graph", g, "--format", "json")
    assert json.loads(r.stdout)[0]["number"] == "108/2014/NĐ-CP"
    r = run("show", "205-QĐ/TW", "--graph", g)
    assert "Bộ Chính trị" in r.stdout and "2019-09-23" in r.stdout
    r = run("stats", "--graph", g, "--format", "json")
    s = json.loads(r.stdout)
    assert s["top_documents"] and s["top_issuers"] and s["per_year"]
    r = run("stats", "--graph", g, "--format", "csv")
    assert r.stdout.startswith("section,")


def test_sparql_formats(graph_dir) -> None:
    g = str(graph_dir)
    q = "SELECT ?d ?n WHERE { ?d eli:number ?n FILTER(?n = '205-QĐ/TW') }"
    j = json.loads(run("sparql", q, "--graph", g, "--format", "json").stdout)
    assert j["head"]["vars"] == ["d", "n"]
    assert j["results"]["bindings"][0]["d"] == {"type": "uri", "value": "https://w3id.org/graphbuild/id/doc/qd-tw_2019_205"}
    c = run("sparql", q, "--graph", g, "--format", "csv").stdout_bytes.decode("utf-8")
    assert c == "d,n\r\nhttps://w3id.org/graphbuild/id/doc/qd-tw_2019_205,205-QĐ/TW\r\n"
    t = run("sparql", q, "--graph", g, "--format", "tsv").stdout
    assert t == '?d\t?n\n<https://w3id.org/graphbuild/id/doc/qd-tw_2019_205>\t"205-QĐ/TW"\n'
    assert "doc:qd-tw_2019_205" in run("sparql", q, "--graph", g).stdout
    assert json.loads(run("sparql", "ASK { ?s a gb:Article }", "--graph", g, "--format", "json").stdout)["boolean"]
    nt = run("sparql", "CONSTRUCT { ?d a gb:Document } WHERE { ?d eli:number '205-QĐ/TW' }", "--graph", g,
             "--format", "nt").stdout
    assert nt.strip() == ("<https://w3id.org/graphbuild/id/doc/qd-tw_2019_205> "
                          "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/graphbuild/ns#Document> .")


def test_sparql_file_and_refusals(graph_dir, tmp_path) -> None:
    g = str(graph_dir)
    f = tmp_path / "q.rq"
    f.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a a gb:Article }", encoding="utf-8")
    assert json.loads(run("sparql", f"@{f}", "--graph", g, "--format", "json").stdout)[
        "results"]["bindings"][0]["n"]["value"] == "5"
    for bad in ("INSERT DATA { <a:b> <a:b> <a:b> }", "DROP ALL", "LOAD <http://example.org/x>",
                "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SELEC *"):
        r = run("sparql", bad, "--graph", g)
        assert r.exit_code == 1 and "error" in r.stderr, bad
    r = run("sparql", "SELECT * WHERE { ?s ?p ?o }", "--graph", g, "--max-rows", "10", "--format", "json")
    assert r.exit_code == 1 and "LIMIT" in r.stderr


def test_sparql_timeout_exits(graph_dir) -> None:
    """--timeout: the command exits 1 on time, though Oxigraph cannot stop the query it gave up on."""
    import sys
    import time

    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    began = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "sparql", heavy, "--graph", str(graph_dir),
                        "--timeout", "0.5"], capture_output=True, text=True, timeout=60, check=False)
    assert p.returncode == 1 and "longer than 0.5 s" in p.stderr
    assert time.monotonic() - began < 20


def test_console_script(graph_dir) -> None:
    exe = shutil.which("graphbuild")
    if exe is None:
        pytest.skip("graphbuild console script not installed")
    p = subprocess.run([exe, "cites", "qd 205 tw", "--graph", str(graph_dir), "--format", "json"],
                       capture_output=True, text=True, timeout=60, check=False)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)[0]["document"] == "doc/qd-tw_2019_205"


# --------------------------------------------------------------------------- the forms people write (issue 18)


@pytest.mark.parametrize("x", ["Đại hội Đảng lần thứ XIII", "Văn kiện Đại hội XIII", "Đại hội 13",
                               "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"])
def test_cites_congress_spellings(graph_dir, x: str) -> None:
    r = run("cites", x, "--graph", str(graph_dir), "--format", "jsonl", "--no-context")
    assert r.exit_code == 0, r.output
    assert {json.loads(line)["document"] for line in r.stdout.splitlines()} == {"doc/congress_xiii"}


@pytest.mark.parametrize("x", ["Hội nghị Trung ương 4 khóa XII", "HNTW 4 khóa 12", "Trung ương 4 (khóa XII)"])
def test_cites_plenum_spellings(graph_dir, x: str) -> None:
    r = run("cites", x, "--graph", str(graph_dir), "--format", "jsonl", "--no-context")
    assert r.exit_code == 0, r.output
    assert {json.loads(line)["document"] for line in r.stdout.splitlines()} == {"doc/plenum_xii_4"}


def test_cites_unknown_congress_suggests_named_documents(graph_dir) -> None:
    r = run("cites", "Đại hội Đảng lần thứ XIV", "--graph", str(graph_dir))
    assert r.exit_code == 1
    suggested = r.stderr.split("nearest known documents:", 1)[1].split()
    assert suggested[0] == "doc/congress_xiii"


@pytest.mark.parametrize("command", ["cites", "refs"])
@pytest.mark.parametrize("x", ["", "   "])
def test_empty_reference_is_a_usage_error(graph_dir, command: str, x: str) -> None:
    r = run(command, x, "--graph", str(graph_dir))
    assert r.exit_code == 2 and "empty" in r.stderr


def test_refs_by_stem_file_name_and_paths(graph_dir, monkeypatch, tmp_path) -> None:
    data = Path(__file__).resolve().parents[1] / "data"
    stem = "000_22ab1fdcbd145b34"
    wanted = json.loads(run("refs", stem, "--graph", str(graph_dir), "--format", "json").stdout)
    assert wanted and {r["article"] for r in wanted} == {wanted[0]["article"]}
    monkeypatch.chdir(tmp_path)  # the absolute path from elsewhere; the relative one from the repository's root
    for x in (f"{stem}.txt", str(data / f"{stem}.txt")):
        r = run("refs", x, "--graph", str(graph_dir), "--format", "json")
        assert r.exit_code == 0, (x, r.output)
        assert json.loads(r.stdout) == wanted
    monkeypatch.chdir(data.parent)
    assert json.loads(run("refs", f"data/{stem}.txt", "--graph", str(graph_dir), "--format", "json").stdout) == wanted


def test_refs_by_url() -> None:
    from graphbuild.ask.reference import names_source

    url = "https://www.Example.vn/tin/bai-1/"
    for x in ("https://www.Example.vn/tin/bai-1", "http://example.vn/tin/bai-1/", "example.vn/tin/bai-1"):
        assert names_source(x, url), x
    assert not names_source("https://example.vn/tin/bai-2", url)
    assert names_source("/abs/where/data/a.txt", "data/a.txt") and not names_source("other/a.txt", "data/a.txt")
