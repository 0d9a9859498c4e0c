"""The build pipeline: read -> extract -> resolve -> write, streaming.

Articles stream through; what stays in memory is the resolver's compact indexes (one
record per document and per body) and one sorted chunk of N-Triples.  Per-article output
goes to disk as it is made (N-Triples chunks, article summaries for the graph files).

Every output is written into a temporary directory beside ``--out`` and moved into place
only when all of it is complete, so a crash or Ctrl-C never leaves half-written files:
the previous build stays where it was.

Extraction can run in worker processes (``jobs``); articles go out and come back in
batches and in input order, so the output is byte-identical to ``jobs=1``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graphbuild import rdf
from graphbuild.graphml import ArticleSummary, Options, read_summaries, write_gexf, write_graphml
from graphbuild.model import Article, Mention
from graphbuild.namespaces import ID
from graphbuild.resolve import Resolver

OUTPUT_FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "mentions.jsonl",
                "report.json")
MARKER = "report.json"  # an existing --out without it is not ours, and is never replaced
BATCH = 64  # articles per worker task batch (bounded memory whatever the corpus size)


@dataclass
class Skipped:
    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}" if self.line is not None else f"{self.source}: {self.message}"


@dataclass
class BuildResult:
    out: Path
    articles: int = 0
    documents: int = 0
    citation_keys: int = 0
    bodies: int = 0
    citations: int = 0
    ambiguous: int = 0
    triples: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.documents} documents, {self.bodies} bodies, "
                f"{self.citations} citations, {self.ambiguous} ambiguous references")


class OutputError(Exception):
    """The output directory cannot be (re)placed safely."""


# --------------------------------------------------------------------------- reading


def read_inputs(paths: Iterable[str]) -> Iterator[Article | Skipped]:
    """Articles and skipped inputs, in input order (graphbuild.articles does the reading)."""
    from graphbuild.articles import read_articles

    for item in read_articles(paths):
        if isinstance(item, Article):
            yield item
        else:
            yield Skipped(getattr(item, "source", "?"), getattr(item, "line", None), getattr(item, "message", str(item)))


def count_files(paths: Iterable[str]) -> int:
    """How many input files there are (for the progress bar); cheap directory walk."""
    from graphbuild.textio import iter_files

    return sum(1 for _ in iter_files(paths))


# --------------------------------------------------------------------------- extraction


def _extract(article: Article) -> list[Mention]:
    from graphbuild.extract import extract

    return extract(article.text, article.source)


def extracted(items: Iterable[Article | Skipped], jobs: int) -> Iterator[tuple[Article | Skipped, list[Mention]]]:
    """(item, mentions) in input order; extraction in ``jobs`` processes, batch by batch."""
    if jobs <= 1:
        for item in items:
            yield item, (_extract(item) if isinstance(item, Article) else [])
        return
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(jobs) as pool:
        batch: list[Article | Skipped] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH * jobs:
                yield from _run_batch(pool, batch)
                batch = []
        if batch:
            yield from _run_batch(pool, batch)


def _run_batch(pool, batch: list[Article | Skipped]) -> Iterator[tuple[Article | Skipped, list[Mention]]]:
    arts = [a for a in batch if isinstance(a, Article)]
    results = iter(pool.map(_extract, arts, chunksize=max(1, len(arts) // (pool._processes * 4) or 1)))
    for item in batch:
        yield item, (next(results) if isinstance(item, Article) else [])


# --------------------------------------------------------------------------- writing


def _prepare_out(out: Path) -> Path:
    """Refuse to replace a directory that is not a previous build; return a temp dir beside it."""
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out}: exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise OutputError(f"{out}: not empty and not a graphbuild output (no {MARKER}); choose another --out")
    return rdf.temp_dir_beside(out)


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Move the finished build to ``out``: rename the old one aside, rename the new one in, drop the old."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(paths: Iterable[str], out: str | os.PathLike[str], jobs: int = 1, strict: bool = False,
          on_article: Callable[[Article | Skipped], None] | None = None, graph_options: Options | None = None,
          store: bool = True) -> BuildResult:
    """Build the graph of ``paths`` into ``out`` (see OUTPUT_FILES and ``out/store``)."""
    out = Path(out)
    tmp = _prepare_out(out)
    try:
        result = _build_into(paths, tmp, jobs, strict, on_article, graph_options or Options(), store)
        if strict and result.skipped:
            raise OutputError(f"{len(result.skipped)} input(s) skipped and --strict is set: {result.skipped[0]}")
        result.out = out
        _swap_into_place(tmp, out)
        return result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _build_into(paths: Iterable[str], tmp: Path, jobs: int, strict: bool,
                on_article: Callable[[Article | Skipped], None] | None, gopts: Options, store: bool) -> BuildResult:
    work = tmp / ".work"
    work.mkdir()
    resolver = Resolver()
    result = BuildResult(tmp)
    ntw = rdf.SortedNTriplesWriter(work)
    sink = rdf.TripleSink()
    digest = hashlib.sha1(b"graphbuild-0")
    summaries = work / "articles.jsonl"
    with open(summaries, "w", encoding="utf-8") as sfh, open(tmp / "mentions.jsonl", "w", encoding="utf-8") as mfh:
        for item, mentions in extracted(read_inputs(paths), jobs):
            if on_article:
                on_article(item)
            if isinstance(item, Skipped):
                result.skipped.append(item)
                if strict:
                    return result
                continue
            citations = resolver.resolve_article(item, mentions)
            _write_mentions(mfh, item, citations)
            rdf.add_article_citations(sink, item, citations)
            ntw.extend(sink.drain())
            refs: dict[str, int] = {}
            for c in citations:
                refs[c.target] = refs.get(c.target, 0) + 1
            summary = ArticleSummary(rdf.article_local(item.id), item.title or item.id, item.date, item.province, refs)
            sfh.write(summary.to_json() + "\n")
            digest.update(item.id.encode("utf-8") + b"\n")
    resolver.finish()
    docs, bodies = resolver.documents(), resolver.body_records()
    for d in docs:
        rdf.add_document(sink, d)
    for b in bodies:
        rdf.add_body(sink, b)
    rdf.add_run(sink, digest.hexdigest()[:16], resolver.stats.articles, sum(not d.is_citekey for d in docs))
    ntw.extend(sink.drain())
    nt = tmp / "graph.nt"
    ntw.finish(nt)
    rdf.write_turtle(nt, tmp / "graph.ttl")
    rdf.write_jsonld(nt, tmp / "graph.jsonld")
    if store:
        result.triples = rdf.load_store(nt, tmp / "store")
    else:
        with open(nt, encoding="utf-8") as fh:
            result.triples = sum(1 for _ in fh)
    articles = read_summaries(summaries)
    with open(tmp / "graph.graphml", "w", encoding="utf-8") as fh:
        write_graphml(fh, docs, bodies, articles, gopts)
    with open(tmp / "graph.gexf", "w", encoding="utf-8") as fh:
        write_gexf(fh, docs, bodies, articles, gopts)
    shutil.rmtree(work)
    result.articles = resolver.stats.articles
    result.documents = sum(not d.is_citekey for d in docs)
    result.citation_keys = sum(d.is_citekey for d in docs)
    result.bodies = len(bodies)
    result.citations = resolver.stats.citations
    result.ambiguous = resolver.stats.ambiguous
    result.conflicts = resolver.conflicts()
    _write_report(tmp / MARKER, result, docs)
    return result


def _write_mentions(fh, article: Article, citations) -> None:
    """mentions.jsonl: the extract contract, one line per mention, plus the node it resolved to."""
    for c in citations:
        row = c.mention.to_dict()
        row["article"] = article.id
        row["document"] = c.target  # local name of the node under https://w3id.org/graphbuild/id/
        row["document_iri"] = ID + c.target
        fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")


def _write_report(path: Path, r: BuildResult, docs) -> None:
    """report.json: counts, skipped inputs, conflicts and the unresolved citation keys."""
    report = {
        "articles": r.articles, "documents": r.documents, "citation_keys": r.citation_keys, "bodies": r.bodies,
        "citations": r.citations, "ambiguous_references": r.ambiguous, "triples": r.triples,
        "skipped": [str(s) for s in r.skipped],
        "conflicts": [{"document": d, "conflict": c} for d, c in r.conflicts],
        "citation_keys_unresolved": [{"key": d.local, "citations": d.citations, "candidates": sorted(d.candidates)}
                                     for d in docs if d.is_citekey],
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
