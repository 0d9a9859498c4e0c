"""A build whose document records spill to disk writes the same bytes as one that holds them all.

Why: the resolver writes its records to sorted runs once it holds more than a bound
(``GRAPHBUILD_SPILL_RECORDS``) so that memory stays flat in the number of documents; the runs
are merged back at the end.  That is only allowed if nothing can tell: every output file must
be byte-identical to the unspilled build's, whatever the bound, the ``--jobs`` and the graph
options, citation keys must get the candidates that other runs hold, and the merge must give
each document once, in order.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Article, Mention
from graphbuild.domain.skipped import SkippedInput
from graphbuild.graph import triples
from graphbuild.pipeline.build import SPILL_ENV, build, spill_records
from graphbuild.pipeline.report import report_text, write_report
from graphbuild.pipeline.results import OUTPUT_FILES, BuildResult, ReportConflicts
from graphbuild.resolve.docstore import SpilledCounts, merge_runs, read_run, write_run
from graphbuild.resolve.resolver import Resolver
from graphbuild.resolve.spill import SPILL_RECORDS
from graphbuild.write import gephi_elements
from graphbuild.write.gephi_elements import Options

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _generator() -> ModuleType:
    """bench/generate.py (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_generate_spill", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate_spill"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated corpus (two JSON Lines shards): many more documents than the sample's."""
    d = tmp_path_factory.mktemp("corpus")
    _generator().write_corpus(d, 240, seed=3, fmt="jsonl", shards=2)
    return d


def _build(monkeypatch: pytest.MonkeyPatch, paths: list[str], out: Path, bound: int | None, jobs: int = 1,
           opts: Options | None = None) -> BuildResult:
    if bound is None:
        monkeypatch.delenv(SPILL_ENV, raising=False)
    else:
        monkeypatch.setenv(SPILL_ENV, str(bound))
    return build(paths, out, jobs=jobs, graph_options=opts, store=False, use_cache=False)


def _same_files(a: Path, b: Path) -> None:
    for name in OUTPUT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_spill_bound_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPILL_ENV, raising=False)
    assert spill_records() == SPILL_RECORDS
    monkeypatch.setenv(SPILL_ENV, "7")
    assert spill_records() == 7
    monkeypatch.setenv(SPILL_ENV, "many")
    with pytest.raises(ValueError, match=SPILL_ENV):
        spill_records()


@pytest.mark.parametrize("bound", [1, 4, 12])
def test_sample_corpus_spilled_is_byte_identical(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bound: int) -> None:
    whole = _build(monkeypatch, [str(DATA)], tmp_path / "whole", None)
    spilled = _build(monkeypatch, [str(DATA)], tmp_path / "spilled", bound)
    assert whole.documents + whole.citation_keys > 2 * bound  # so the records really went through runs
    _same_files(tmp_path / "whole", tmp_path / "spilled")
    assert (spilled.documents, spilled.citation_keys, spilled.conflicts) == (whole.documents, whole.citation_keys,
                                                                             whole.conflicts)


@pytest.mark.parametrize("opts", [None, Options(since="2019-01-01", until="2021-06-30"),
                                  Options(scope="documents", since="2020-01-01")], ids=["all", "range", "documents"])
def test_generated_corpus_spilled_is_byte_identical(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, generated: Path,
                                                    opts: Options | None) -> None:
    paths = [str(p) for p in sorted(generated.glob("articles*.jsonl"))]
    whole = _build(monkeypatch, paths, tmp_path / "whole", None, opts=opts)
    assert whole.documents + whole.citation_keys > 200
    # the Gephi writer's edges to citation-key candidates go through sorted runs too
    monkeypatch.setattr(gephi_elements, "SELECTION_HELD", 3)
    _build(monkeypatch, paths, tmp_path / "spilled", 13, opts=opts)
    _same_files(tmp_path / "whole", tmp_path / "spilled")
    _build(monkeypatch, paths, tmp_path / "spilled-jobs2", 40, jobs=2, opts=opts)
    _same_files(tmp_path / "whole", tmp_path / "spilled-jobs2")


def _resolved(spill_dir: Path | None, bound: int, articles: list[tuple[Article, list[Mention]]],
              fanin: int = 32) -> Resolver:
    r = Resolver(spill_dir=spill_dir, spill_records=bound, run_fanin=fanin)
    for article, mentions in articles:
        r.resolve_article(article, mentions)
    return r


def _sample_articles() -> list[tuple[Article, list[Mention]]]:
    from graphbuild.extract.find import extract
    from graphbuild.read.articles import read_articles

    return [(a, extract(a.text, a.source)) for a in read_articles([str(DATA)]) if isinstance(a, Article)]


@pytest.mark.parametrize("fanin", [2, 32])
def test_merge_yields_each_local_once_in_order_with_the_sequential_evidence(tmp_path: Path, fanin: int) -> None:
    """Each article's records spilled on their own (bound 1); with fan-in 2 runs are merged into runs of runs."""
    articles = _sample_articles()
    whole = _resolved(None, SPILL_RECORDS, articles)
    spilled = _resolved(tmp_path / "runs", 1, articles, fanin)
    assert len(spilled.on_disk.runs) == (len(articles) if fanin > len(articles) else bin(len(articles)).count("1"))
    assert len(list((tmp_path / "runs").glob("*.run"))) == len(spilled.on_disk.runs)
    merged = list(spilled.merged_records())
    locals_ = [d.local for d in merged]
    assert locals_ == sorted(set(locals_)) == sorted(whole.docs)
    whole.finish()
    settled = list(spilled.settled_documents())
    assert [triples.document_nt_lines(d) for d in settled] == [triples.document_nt_lines(d) for d in whole.documents()]
    # a second pass reads the runs again and gives the same records (nothing was merged in place twice)
    assert [triples.document_nt_lines(d) for d in spilled.settled_documents()] == \
        [triples.document_nt_lines(d) for d in settled]


def _ct(start: int, date: str | None) -> Mention:
    return Mention("t", start, start + 10, "45-CT/TU", "party", number="45", type_code="CT", issuer_code="TU",
                   date=date, key=DocumentKey.party("45", "CT", "TU"))


def _art(i: int, date: str) -> Article:
    return Article(id=f"a{i}", text="", source=f"a{i}.txt", province="Thái Nguyên", date=date)


@pytest.mark.parametrize("fanin", [2, 32])
def test_citation_key_candidates_from_other_runs(tmp_path: Path, fanin: int) -> None:
    """Each article in its own run: the undated keys' candidates are documents in runs before and after them.

    The undated mentions' articles are of the seasons of provincial congresses (2020, 2025), so the
    local term they are in is not certain and no single document answers them."""
    articles = [(_art(0, "2013-05-01"), [_ct(0, "2012-03-04")]),
                (_art(1, "2020-09-01"), [_ct(0, None)]),
                (_art(2, "2020-01-01"), [_ct(0, "2018-07-08")]),
                (_art(3, "2021-01-01"), [_ct(0, None), _ct(40, "2012-03-04")]),
                (_art(4, "2022-01-01"), [_ct(0, "2021-11-12")]),
                (_art(5, "2025-09-01"), [_ct(0, None)])]
    whole = _resolved(None, SPILL_RECORDS, articles)
    whole.finish()
    spilled = Resolver(spill_dir=tmp_path / "runs", run_fanin=fanin)
    for article, mentions in articles:
        spilled.resolve_article(article, mentions)
        spilled.spill()
    assert len(spilled.on_disk.runs) == (len(articles) if fanin > len(articles) else bin(len(articles)).count("1"))
    settled = {d.local: d for d in spilled.settled_documents()}
    key = "citekey/ct-tu_thai-nguyen_45"
    assert settled[key].candidates == whole.docs[key].candidates == {
        "doc/ct-tu_thai-nguyen_2012_45", "doc/ct-tu_thai-nguyen_2018_45", "doc/ct-tu_thai-nguyen_2021_45"}
    assert settled[key].citations == 2
    assert settled["doc/ct-tu_thai-nguyen_2012_45"].citations == 3  # an undated repeat leans on its article's date
    assert [triples.document_nt_lines(d) for d in settled.values()] == [triples.document_nt_lines(d) for d in whole.documents()]


def test_runs_merge_equal_keys_and_keep_order(tmp_path: Path) -> None:
    rng = random.Random(5)
    runs, total = [], Counter()
    for i in range(6):
        items = Counter({f"k{rng.randrange(900):03d}": rng.randrange(1, 9) for _ in range(rng.randrange(0, 700))})
        total.update(items)
        runs.append(tmp_path / f"{i}.run")
        assert write_run(runs[-1], sorted(items.items())) == len(items)
    merged = list(merge_runs([read_run(p) for p in runs], key=lambda kv: kv[0],
                             combine=lambda a, b: (a[0], a[1] + b[1])))
    assert merged == sorted(total.items())


def test_spilled_counts_sum_whatever_the_bound(tmp_path: Path) -> None:
    rng = random.Random(9)
    adds = [{f"doc/{rng.randrange(300)}": rng.randrange(1, 4) for _ in range(rng.randrange(1, 6))} for _ in range(400)]
    want = Counter()
    for a in adds:
        want.update(a)
    for bound in (1, 10, 10_000):
        counts = SpilledCounts(tmp_path / f"b{bound}", bound)
        for a in adds:
            counts.add(a)
        assert list(counts.merged()) == list(counts.merged()) == sorted(want.items())
        assert (len(counts.runs) > 10) == (bound < 100)


@pytest.mark.parametrize("keys", [[], [("citekey/a", 2, ["doc/x", "doc/y"]), ("citekey/đ \"q\"", 1, [])]])
@pytest.mark.parametrize("conflicts", [[], [("doc/x", "date 2020-01-01 (kept 2020-01-02)"), ("doc/y", 'issuer "Ủy ban" \\')]])
def test_streamed_report_is_report_text(tmp_path: Path, keys: list, conflicts: list) -> None:
    r = BuildResult(tmp_path, articles=3, documents=2, conflicts=conflicts,
                    skipped=[SkippedInput('a "conflicts": []', 3, "bad")])
    write_report(tmp_path / "report.json", r, iter(keys), iter(conflicts))
    text = (tmp_path / "report.json").read_text(encoding="utf-8")
    assert text == report_text(r, keys, triples=r.triples)
    assert json.loads(text)["citation_keys_unresolved"][:1] == [{"key": k, "citations": n, "candidates": c}
                                                                for k, n, c in keys[:1]]


def test_build_conflicts_are_read_from_the_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """BuildResult.conflicts holds a count; the list comes from report.json, where the build put it."""
    result = _build(monkeypatch, [str(DATA)], tmp_path / "out", 2)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    want = [(c["document"], c["conflict"]) for c in report["conflicts"]]
    assert isinstance(result.conflicts, ReportConflicts) and len(result.conflicts) == len(want) > 0
    assert list(result.conflicts) == want and result.conflicts[-1] == want[-1] and result.conflicts == want


@pytest.mark.parametrize("chunk,batch", [(3, 5), (1, 1), (None, None)], ids=["small", "one", "defaults"])
def test_parallel_build_in_any_chunking_is_byte_identical(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          generated: Path, chunk: int | None, batch: int | None) -> None:
    """--jobs 2 consumes worker tasks and reader batches in input order, whatever their size: the
    defaults are large (a corpus this small fits in a few tasks), so tiny sizes make many, out of step."""
    from graphbuild.pipeline import extraction, reading

    paths = [str(p) for p in sorted(generated.glob("articles*.jsonl"))]
    _build(monkeypatch, paths, tmp_path / "one", None)
    if chunk is not None:
        monkeypatch.setattr(extraction, "CHUNK", chunk)
        monkeypatch.setattr(reading, "READ_BATCH", batch)
        monkeypatch.setattr(extraction, "WINDOW", 2)
    _build(monkeypatch, paths, tmp_path / "two", None, jobs=2)
    _same_files(tmp_path / "one", tmp_path / "two")
