"""Incremental `graphbuild build`: a rebuild re-extracts only new or changed texts and equals a scratch build.

Every test builds the sample corpus (data/) into one out dir, edits a copy of the input, rebuilds
into the same dir and compares every graph file byte for byte with a fresh build of the edited
input into another dir.  The store is left out (its files are not byte-stable); graph.nt is.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli
from graphbuild.pipeline import extract_cache, reading
from graphbuild.pipeline.build import build
from graphbuild.pipeline.extract_cache import CACHE
from graphbuild.pipeline.results import BuildResult, OutputError
from graphbuild.resolve.resolver import Resolver

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "mentions.jsonl", "report.json")
NEW_ARTICLE = """Triển khai Quy định về kiểm tra, giám sát
Cập nhật ngày: 12/03/2022 08:15
Ngày 10/3, Huyện ủy tổ chức hội nghị quán triệt Quy định số 22-QĐ/TW ngày 28/7/2021 của Ban Chấp hành
Trung ương về công tác kiểm tra, giám sát và kỷ luật của Đảng, cùng Nghị định 108/2014/NĐ-CP của Chính phủ.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the sample corpus that a test may edit."""
    src = tmp_path / "in"
    shutil.copytree(DATA, src)
    return src


def articles(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix == ".txt")


def run(corpus: Path, out: Path, jobs: int = 1, **kw) -> BuildResult:
    return build([str(corpus)], out, jobs=jobs, store=False, **kw)


def assert_same_as_scratch(corpus: Path, out: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    result = run(corpus, scratch)
    assert result.cached == 0
    for name in FILES:
        assert (out / name).read_bytes() == (scratch / name).read_bytes(), name


def test_second_build_re_extracts_nothing_and_is_byte_identical(corpus, tmp_path):
    out = tmp_path / "out"
    first = run(corpus, out)
    assert (first.extracted, first.cached) == (first.articles, 0) and first.articles == 5
    before = {name: (out / name).read_bytes() for name in FILES}
    second = run(corpus, out)
    assert (second.extracted, second.cached) == (0, 5)
    for name in FILES:
        assert (out / name).read_bytes() == before[name], name


def test_added_article_is_the_only_one_extracted(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    result = run(corpus, out)
    assert (result.extracted, result.cached) == (1, 5)
    assert_same_as_scratch(corpus, out, tmp_path)
    assert "22-QĐ/TW" in (out / "mentions.jsonl").read_text(encoding="utf-8")


def test_changed_article_is_re_extracted(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    target = articles(corpus)[1]
    target.write_text(target.read_text(encoding="utf-8") + "\nThực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.\n",
                      encoding="utf-8")
    result = run(corpus, out)
    assert (result.extracted, result.cached) == (1, 4)
    assert_same_as_scratch(corpus, out, tmp_path)


def test_deleted_article_loses_its_citations(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    gone = articles(corpus)[0]
    gone.unlink()
    result = run(corpus, out)
    assert (result.extracted, result.cached) == (0, 4)
    assert gone.name not in (out / "mentions.jsonl").read_text(encoding="utf-8")
    assert_same_as_scratch(corpus, out, tmp_path)
    # the cache is rewritten from this build's texts only: the deleted text is gone from it too
    with sqlite3.connect(out / CACHE) as conn:
        assert conn.execute("SELECT count(*) FROM extract").fetchone()[0] == 4


def test_parallel_partial_rebuild_equals_scratch(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out, jobs=2)
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    result = run(corpus, out, jobs=2)
    assert (result.extracted, result.cached) == (1, 5)
    assert_same_as_scratch(corpus, out, tmp_path)


def test_changed_extractor_invalidates_the_cache(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(corpus, out)
    monkeypatch.setattr(extract_cache, "extractor_version", lambda: "another extractor")
    result = run(corpus, out)
    assert (result.extracted, result.cached) == (5, 0)


def test_damaged_cache_means_a_full_re_extract(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    (out / CACHE).write_bytes(b"not a database" * 100)
    result = run(corpus, out)
    assert (result.extracted, result.cached) == (5, 0)
    assert_same_as_scratch(corpus, out, tmp_path)


def test_failed_build_leaves_the_previous_build_and_cache(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(corpus, out)
    before = (out / CACHE).read_bytes()
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")

    def boom(self) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Resolver, "finish", boom)
    with pytest.raises(KeyboardInterrupt):
        run(corpus, out, jobs=2)
    monkeypatch.undo()
    assert (out / CACHE).read_bytes() == before
    assert not list(tmp_path.glob(".out.tmp-*"))
    result = run(corpus, out)
    assert (result.extracted, result.cached) == (1, 5)


def test_cli_summary_and_no_cache(corpus, tmp_path):
    out = str(tmp_path / "out")
    args = ["build", str(corpus), "--out", out, "-j", "1", "--no-store"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "5 articles (5 extracted, 0 from cache)" in first.output
    second = CliRunner().invoke(cli, args)
    assert "5 articles (0 extracted, 5 from cache)" in second.output
    forced = CliRunner().invoke(cli, [*args, "--no-cache"])
    assert "5 articles (5 extracted, 0 from cache)" in forced.output
    again = CliRunner().invoke(cli, args)
    assert "(0 extracted, 5 from cache)" in again.output, "--no-cache still writes a fresh cache"


def test_reader_process_errors_reach_the_caller(corpus, tmp_path, monkeypatch):
    """With jobs > 1 reading runs in a child process; its failure must raise here, not hang."""

    def broken(paths, progress=None):
        yield from ()
        raise ValueError("reader broke")

    monkeypatch.setattr(reading, "read_articles", broken)
    with pytest.raises(ValueError, match="reader broke"):
        run(corpus, tmp_path / "out", jobs=2)
    assert not (tmp_path / "out").exists()


def test_strict_stops_with_the_reader_process(corpus, tmp_path):
    (corpus / "000_broken.txt").write_bytes(b"\x00\x01\x02binary" * 100)
    with pytest.raises(OutputError):
        run(corpus, tmp_path / "out", jobs=2, strict=True)
    assert not (tmp_path / "out").exists()
