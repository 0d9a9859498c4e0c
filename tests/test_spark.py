"""`graphbuild build --engine spark` in Spark local mode: the same graph as the one-machine build.

Runs through the real CLI (click's CliRunner, in this process, so every test shares one
SparkSession).  Skipped only when PySpark or Java is missing; CI has both.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="--engine spark needs PySpark: pip install 'graphbuild[spark]'")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("--engine spark needs Java (17+) on PATH or JAVA_HOME", allow_module_level=True)

import pyoxigraph as ox
from click.testing import CliRunner

from graphbuild.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def spark():
    from graphbuild.engines.spark import spark_session

    session = spark_session("local[2]", quiet=True, conf={
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"})
    yield session
    session.stop()


def run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)
    return r.exit_code, r.output


def triples(*files: Path) -> set[ox.Triple]:
    """The triples of N-Triples files, as a set (the graph has no blank nodes: graphbuild.graph.triples never makes any)."""
    out: set[ox.Triple] = set()
    for f in files:
        with open(f, "rb") as fh:
            for q in ox.parse(fh, format=ox.RdfFormat.N_TRIPLES):
                assert not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
                out.add(q.triple)
    return out


def parts(out: Path) -> list[Path]:
    found = sorted((out / "nt").glob("part-*.nt"))
    assert found, f"no N-Triples parts in {out / 'nt'}"
    return found


def test_sample_corpus_graph_equals_the_local_build(spark, tmp_path: Path) -> None:
    code, err = run(str(DATA), "--out", str(tmp_path / "local"), "-j", "1", "--no-store", "-q")
    assert code == 0, err
    code, err = run(str(DATA), "--out", str(tmp_path / "spark"), "--engine", "spark", "--spark-merge", "-q")
    assert code == 0, err
    local, dist = tmp_path / "local", tmp_path / "spark"

    expected = triples(local / "graph.nt")
    assert triples(*parts(dist)) == expected
    assert (dist / "graph.nt").read_bytes() == (local / "graph.nt").read_bytes()

    # The parts bulk-load as they are (duplicates across parts are kept once).
    store = ox.Store()
    for p in parts(dist):
        store.bulk_load(path=str(p), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(expected)
    assert len(ox.Store(str(dist / "store"))) == len(expected)

    local_mentions = (local / "mentions.jsonl").read_text(encoding="utf-8").splitlines()
    mentions = spark.read.parquet(str(dist / "mentions"))
    assert mentions.count() == len(local_mentions) > 0
    want = {(json.loads(x)["article"], json.loads(x)["start"], json.loads(x)["document"]) for x in local_mentions}
    assert {(r.article, r.start, r.document) for r in mentions.collect()} == want

    report, local_report = (json.loads((d / "report.json").read_text(encoding="utf-8")) for d in (dist, local))
    for key in ("articles", "documents", "citation_keys", "bodies", "citations", "conflicts", "citation_keys_unresolved"):
        assert report[key] == local_report[key], key
    assert spark.read.parquet(str(dist / "documents")).count() == report["documents"] + report["citation_keys"]


def test_corpus_level_resolution_equals_the_local_build(spark, tmp_path: Path) -> None:
    """Mentions decided after the read (bare after full, a provincial number, a near-miss code) are decided on
    the driver with the same code: the same graph, rows and counts by way."""
    src = tmp_path / "src"
    src.mkdir()
    texts = {
        "a1": ("10/06/2018", "Tỉnh ủy Thái Nguyên ban hành Nghị quyết số 10-NQ/TU ngày 5/3/2018. Kết luận số "
                             "87-KL/TW ngày 20/6/2018 của Bộ Chính trị về công tác dân vận."),
        "a2": ("01/09/2018", "Ở Thái Nguyên, Kết luận 87 của Bộ Chính trị và Nghị quyết số 10-NQ/TU của Tỉnh ủy được "
                             "quán triệt; Chỉ thị 05 của Bộ Chính trị; Quy định 07-QĐ/TƯ ngày 28-8-2018."),
        "a3": ("01/03/2023", "Nghị quyết số 21 của Ban Chấp hành Trung ương và Chỉ thị số 45-CT/TW."),
    }
    for name, (day, text) in texts.items():
        (src / f"{name}.txt").write_text(f"Tin {name}\nCập nhật ngày: {day} 08:00\n{text}\n", encoding="utf-8")
    code, err = run(str(src), "--out", str(tmp_path / "local"), "-j", "1", "--no-store", "-q")
    assert code == 0, err
    code, err = run(str(src), "--out", str(tmp_path / "spark"), "--engine", "spark", "--spark-merge", "--no-store",
                    "-q")
    assert code == 0, err
    local, dist = tmp_path / "local", tmp_path / "spark"
    assert (dist / "graph.nt").read_bytes() == (local / "graph.nt").read_bytes()
    rows = {(r.article, r.start, r.document, r.resolved_by) for r in spark.read.parquet(str(dist / "mentions")).collect()}
    want = set()
    for line in (local / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        want.add((m["article"], m["start"], m["document"], m["resolved_by"]))
    assert rows == want and {"corpus", "near-miss", "catalogue"} <= {w[3] for w in want}
    report, local_report = (json.loads((d / "report.json").read_text(encoding="utf-8")) for d in (dist, local))
    for key in ("documents", "citation_keys", "citations", "ambiguous_references", "resolved_by", "conflicts",
                "citation_keys_unresolved"):
        assert report[key] == local_report[key], key


def test_json_lines_input_with_a_duplicate_and_a_bad_line(spark, tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))[:3]]
    rows = [json.dumps({"url": f"https://bao.example.vn/{i}.html", "date": f"2024-05-0{i + 1}", "text": t},
                       ensure_ascii=False) for i, t in enumerate(texts)]
    rows.insert(2, "{not json")
    rows.append(json.dumps({"url": "https://bao.example.vn/again.html", "text": texts[0]}, ensure_ascii=False))
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text("\n".join(rows[:3]) + "\n", encoding="utf-8")
    (corpus / "b.jsonl").write_text("\n".join(rows[3:]) + "\n", encoding="utf-8")

    code, err = run(str(corpus), "--out", str(tmp_path / "local"), "-j", "1", "--no-store", "-q")
    assert code == 1, err  # the bad line is skipped, the rest built
    code, err = run(str(corpus), "--out", str(tmp_path / "spark"), "--engine", "spark", "-q")
    assert code == 1 and "a.jsonl:3" in err, err
    assert triples(*parts(tmp_path / "spark")) == triples(tmp_path / "local" / "graph.nt")
    report = json.loads((tmp_path / "spark" / "report.json").read_text(encoding="utf-8"))
    assert report["articles"] == 3, "the repeated text is built once"


def test_a_repeated_record_id_across_files_is_made_unique_as_locally(spark, tmp_path: Path) -> None:
    """Records of two files with one id (and a repeat inside a file, and a record already called x1_2):
    the same ids (x1, x1_2, …), the same notes and the same graph as the local build."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))[:5]]
    corpus = tmp_path / "in"
    corpus.mkdir()
    rows = [("x1", texts[0]), ("x1", texts[1]), ("x1", texts[2]), ("x1_2", texts[3]), ("y", texts[4])]
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in rows]
    (corpus / "a.jsonl").write_text(lines[0] + "\n", encoding="utf-8")
    (corpus / "b.jsonl").write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")

    code, err = run(str(corpus), "--out", str(tmp_path / "local"), "-j", "1", "--no-store", "-q")
    assert code == 1 and "is already the id of" in err, err
    code, err = run(str(corpus), "--out", str(tmp_path / "spark"), "--engine", "spark", "--spark-merge", "--no-store",
                    "-q")
    assert code == 1 and "is already the id of" in err, err
    assert (tmp_path / "spark" / "graph.nt").read_bytes() == (tmp_path / "local" / "graph.nt").read_bytes()
    local, dist = (json.loads((tmp_path / d / "report.json").read_text(encoding="utf-8")) for d in ("local", "spark"))
    assert dist["skipped"] == local["skipped"] and len(local["skipped"]) == 3
    ids = {r.article for r in spark.read.parquet(str(tmp_path / "spark" / "mentions")).collect()}
    assert {"x1", "x1_2", "x1_3", "x1_2_2", "y"} <= ids


def _warc_record(headers: dict[str, str], body: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": len(body)}.items())
    return head.encode("utf-8") + b"\r\n" + body + b"\r\n\r\n"


def test_common_crawl_wet_input(spark, tmp_path: Path) -> None:
    text = ("Học tập và làm theo tư tưởng Hồ Chí Minh\n"
            "Thực hiện Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị về kiểm soát quyền lực, "
            "và Nghị định 108/2014/NĐ-CP của Chính phủ.\n")
    url = "https://baomoi.example.vn/bai-1.html"
    wet = b"".join([
        _warc_record({"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"software: test\r\n"),
        _warc_record({"WARC-Type": "conversion", "WARC-Target-URI": url, "WARC-Date": "2024-01-02T03:04:05Z",
                      "WARC-Identified-Content-Language": "vie", "Content-Type": "text/plain"}, text.encode("utf-8")),
        _warc_record({"WARC-Type": "conversion", "WARC-Target-URI": "https://news.example.com/x",
                      "WARC-Identified-Content-Language": "eng", "Content-Type": "text/plain"},
                     b"Decision 205-QD/TW was cited in English."),
    ])
    corpus = tmp_path / "crawl"
    corpus.mkdir()
    with gzip.open(corpus / "CC-MAIN-test-00000.warc.wet.gz", "wb") as fh:
        fh.write(wet)

    code, err = run(str(corpus), "--out", str(tmp_path / "spark"), "--engine", "spark", "-q")
    assert code == 0, err
    graph = triples(*parts(tmp_path / "spark"))
    report = json.loads((tmp_path / "spark" / "report.json").read_text(encoding="utf-8"))
    assert report["articles"] == 1, "the English page is passed over"
    ID = "https://w3id.org/graphbuild/id/"
    from graphbuild.graph.triples import article_local
    from graphbuild.read.articles import article_id

    article = ox.NamedNode(f"{ID}article/{article_local(article_id(url, None, text))}")
    refs = {t.object.value for t in graph if t.subject == article and t.predicate.value.endswith("/references")}
    assert refs == {f"{ID}doc/qd-tw_2019_205", f"{ID}doc/nd-cp_2014_108"}
    assert ox.Triple(article, ox.NamedNode("https://schema.org/url"), ox.NamedNode(url)) in graph
    mentions = spark.read.parquet(str(tmp_path / "spark" / "mentions")).collect()
    assert sorted(m.surface for m in mentions) == sorted(text[m.start:m.end] for m in mentions)
    assert len(mentions) == 2
