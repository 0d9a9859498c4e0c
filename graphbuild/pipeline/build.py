"""The build: read -> extract -> resolve -> write, streaming (:func:`build`, the library's entry point).

Articles stream through; what stays in memory is the resolver's compact indexes (one record per
body, and one per document up to a bound past which the records go to disk as sorted runs) and
one sorted chunk of N-Triples.  Per-article output goes to disk as it is made (N-Triples chunks,
article summaries for the graph files); at the end the document records are merged from the runs
and streamed into the N-Triples, the report and a summary file the graph files are read from, so
memory does not grow with the number of documents.

The steps around the run have their own modules: reading in a child process (``reading``),
extraction through the cache (``extract_cache``) and in worker processes (``extraction``), the
document pass and the Gephi files (``documents``), the store loaded beside the build
(``store_loader``), report.json (``report``), and the output folder swapped into place only when
complete (``outdir``): a killed build leaves the previous one, and its cache, as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import IO

from graphbuild.domain.model import Article, Mention
from graphbuild.domain.skipped import SkippedInput
from graphbuild.graph import triples
from graphbuild.pipeline.documents import (
    DocSummaries,
    DocTally,
    read_conflicts,
    read_keys,
    write_documents,
    write_gephi_files,
    write_gephi_from_records,
)
from graphbuild.pipeline.extract_cache import CACHE, ExtractCache
from graphbuild.pipeline.extraction import extracted
from graphbuild.pipeline.outdir import MARKER, StagedOutput, disk_full, is_disk_full
from graphbuild.pipeline.pending import PendingRows
from graphbuild.pipeline.processes import (
    WORKER_NICE,
    die_with_parent,
    fork_writer,
    join_writer,
    long_lived_heap,
)
from graphbuild.pipeline.profiling import Phases
from graphbuild.pipeline.reading import read_ahead
from graphbuild.pipeline.report import write_report
from graphbuild.pipeline.results import FORMATS, BuildResult, ReportConflicts, strict_failure
from graphbuild.pipeline.rows import write_mentions
from graphbuild.pipeline.store_loader import StoreLoader
from graphbuild.resolve.bodies import BodyRecord
from graphbuild.resolve.catalogue import Catalogue, load_catalogue
from graphbuild.resolve.docstore import SpilledCounts
from graphbuild.resolve.relations import stated_relations
from graphbuild.resolve.resolver import Resolver
from graphbuild.resolve.spill import SPILL_RECORDS
from graphbuild.write import rdf_formats, sorted_nt
from graphbuild.write.gephi_elements import ArticleSummary, Options

SPILL_ENV = "GRAPHBUILD_SPILL_RECORDS"  # document records held before a run is written (default SPILL_RECORDS)


def spill_records() -> int:
    """The resolver's bound on document records held in memory: ``$GRAPHBUILD_SPILL_RECORDS`` or SPILL_RECORDS.

    Why an environment variable: the output does not depend on it, so it is no CLI option; tests
    and checks set it tiny to run the spill path with many runs.
    """
    value = os.environ.get(SPILL_ENV)
    if not value:
        return SPILL_RECORDS
    try:
        return max(1, int(value))
    except ValueError:
        raise ValueError(f"{SPILL_ENV}={value!r}: not a whole number") from None


def build(paths: Iterable[str], out: str | os.PathLike[str], jobs: int = 1, strict: bool = False,
          on_article: Callable[[Article | SkippedInput], None] | None = None, graph_options: Options | None = None,
          store: bool = True, use_cache: bool = True, progress: list[int] | None = None,
          on_stage: Callable[[str], None] | None = None, formats: Iterable[str] = tuple(FORMATS),
          catalogues: Iterable[str] = ()) -> BuildResult:
    """Build the graph of ``paths`` into ``out`` (see OUTPUT_FILES and ``out/store``).

    ``formats``: which of the optional files (FORMATS: ttl, jsonld, graphml, gexf) to write;
    the others are not made at all, which saves their time and disk (JSON-LD is the largest file).

    With ``use_cache`` the extractions of the previous build in ``out`` are reused for unchanged
    texts; without it every article is extracted again.  Either way a fresh cache is written.
    ``progress[0]`` follows the input bytes read (for a progress display), and ``on_stage`` is
    told when the writing steps after reading begin.  ``catalogues``: the user's catalogue files,
    merged with the shipped one (a bad one raises ``CatalogueError`` before anything is read).
    """
    out = Path(out)
    wanted = frozenset(formats)
    if unknown := sorted(wanted - FORMATS.keys()):
        raise ValueError(f"unknown output format(s) {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
    cat = load_catalogue(tuple(str(c) for c in catalogues))
    try:
        staged = StagedOutput(out)
    except OSError as e:
        if not is_disk_full(e):
            raise
        raise disk_full(out, "making the temporary folder", e) from None
    old_cache = out / CACHE if use_cache and (out / MARKER).exists() else None
    try:
        with long_lived_heap():
            result = _run(paths, staged.tmp, jobs, strict, on_article, graph_options or Options(), store, old_cache,
                          progress, on_stage, wanted, cat, out)
        if strict and result.skipped:
            raise strict_failure(result.skipped)
        result.out = out
        staged.commit()
        return result
    except BaseException:
        staged.discard()
        raise


def _run(paths: Iterable[str], tmp: Path, jobs: int, strict: bool,
         on_article: Callable[[Article | SkippedInput], None] | None, gopts: Options, store: bool,
         old_cache: Path | None, progress: list[int] | None, on_stage: Callable[[str], None] | None,
         formats: frozenset[str], cat: Catalogue, out: Path) -> BuildResult:
    """Read, extract (through the cache), resolve and write into ``tmp``.

    The new cache is written inside ``tmp`` and kept only when the build ran to the end, so a
    build stopped by ``strict`` or killed never leaves a half-written cache behind.  A full
    disk ends the build with :class:`~graphbuild.pipeline.outdir.DiskFull`, naming the step.
    """
    (tmp / ".work").mkdir()
    result = BuildResult(tmp)
    xcache = ExtractCache(old_cache, tmp / CACHE)
    try:
        with _Run(tmp, jobs, gopts, store, formats, cat) as run:
            try:
                items = extracted(read_ahead(paths, jobs, progress), jobs, xcache, result)
                if run.read(items, result, on_article, strict):
                    if on_stage is not None:
                        on_stage(_writing_stage(formats, store))
                    run.write(result)
                    run.step = "keeping the extraction cache"
                    xcache.commit()
            except OSError as e:
                if not is_disk_full(e):
                    raise
                raise disk_full(out, run.step, e) from None
    finally:
        xcache.close()
    return result


def _writing_stage(formats: frozenset[str], store: bool) -> str:
    """What the progress line says once reading is done: the files about to be written."""
    files = ["graph.nt", *(FORMATS[f] for f in FORMATS if f in formats), *(["the store"] if store else [])]
    listed = files[0] if len(files) == 1 else ", ".join(files[:-1]) + " and " + files[-1]
    return f"read, extracted and resolved; writing {listed}"


class _Run:
    """One build writing into ``tmp``: each article resolved and written as it comes (:meth:`read`),
    then the documents, graph.nt, the other files, the store and the report (:meth:`write`)."""

    def __init__(self, tmp: Path, jobs: int, gopts: Options, store: bool, formats: frozenset[str],
                 cat: Catalogue) -> None:
        self.tmp, self.work, self.gopts, self.store, self.formats = tmp, tmp / ".work", gopts, store, formats
        bound = spill_records()
        self.resolver = Resolver(cat, spill_dir=self.work / "docs", spill_records=bound)
        self.pending = PendingRows()  # where the mentions decided after the read go
        # The article and document summaries are only for the Gephi files.
        self.gephi = bool(formats & {"graphml", "gexf"})
        # A date-ranged Gephi file counts citations by the articles of the range only.
        self.ranged = SpilledCounts(self.work / "cited", bound) if self.gephi and (gopts.since or gopts.until) else None
        self.ntw = sorted_nt.SortedNTriplesWriter(self.work, child_setup=partial(die_with_parent, os.getpid()))
        self.forked = jobs > 1 and hasattr(os, "fork")  # writers in child processes after the read
        self.summaries = self.work / "articles.jsonl"
        self.loader: StoreLoader | None = None
        # The store is loaded from the N-Triples pieces while articles are still being read: during
        # the read the main process is the bottleneck and the second core has time to spare.
        if store and self.forked and self.ntw.sort_cmd:
            self.loader = StoreLoader(tmp / "store", rdf_formats.STORE_BATCH_BYTES, WORKER_NICE)
            self.ntw.on_piece = self.loader.put
        self.digest = hashlib.sha1(b"graphbuild-0")
        self.shared: set[str] = set()  # provinces, document types and plenums whose own lines are written
        self.ph = Phases()
        self.step = "reading the articles (writing mentions.jsonl, the N-Triples and the cache)"  # for DiskFull

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.loader is not None:
            self.loader.kill()

    # ------------------------------------------------------------------ the read, article by article

    def read(self, items: Iterable[tuple[Article | SkippedInput, list[Mention]]], result: BuildResult,
             on_article: Callable[[Article | SkippedInput], None] | None, strict: bool) -> bool:
        """Resolve and write each article as it comes; False when ``strict`` stopped at a skipped input."""
        with (open(self.summaries if self.gephi else os.devnull, "w", encoding="utf-8") as sfh,
              open(self.work / "mentions.jsonl", "wb") as mfh):
            for item, mentions in items:
                self.ph.lap("read+extract (wait)", rss=False)
                if on_article:
                    on_article(item)
                if isinstance(item, SkippedInput):
                    result.skipped.append(item)
                    if strict:
                        self.ntw.close()
                        return False
                    continue
                self._article(item, mentions, mfh, sfh)
        self._settle()
        return True

    def _settle(self) -> None:
        """The mentions decided at corpus level: their links into the N-Triples, their rows into mentions.jsonl."""
        pending = self.pending
        pending.settle(self.resolver, self.ntw.extend)
        pending.write_mentions(self.work / "mentions.jsonl", self.tmp / "mentions.jsonl")
        if self.gephi:
            pending.complete_summaries(self.summaries, self.ranged.add if self.ranged is not None else None)
        self.ph.lap("corpus-level resolution")

    def _article(self, item: Article, mentions: list[Mention], mfh: IO[bytes], sfh: IO[str]) -> None:
        ph = self.ph
        citations = self.resolver.resolve_article(item, mentions)
        stated = stated_relations(self.resolver, item, citations)
        ph.lap("resolve", rss=False)
        write_mentions(mfh, item, citations)
        ph.lap("mentions.jsonl", rss=False)
        self.ntw.extend(triples.article_nt_lines(item, citations, later=True, shared=self.shared))
        self.ntw.extend(triples.relation_nt_lines(item, stated))
        ph.lap("article triples", rss=False)
        self.digest.update(item.id.encode("utf-8") + b"\n")
        in_range = self.ranged is not None and self.gopts.keeps(item.date)
        self.pending.add(citations, self.gephi, in_range)
        if not self.gephi:
            return
        refs: dict[str, int] = {}
        for c in citations:
            if c.pending is None:
                refs[c.target] = refs.get(c.target, 0) + 1
        if self.ranged is not None and in_range:
            self.ranged.add(refs)
        summary = ArticleSummary(triples.article_local(item.id), item.title or item.id, item.date, item.province, refs,
                                 sorted({(r.source, r.relation, r.target) for r in stated}))
        sfh.write(summary.to_json() + "\n")
        ph.lap("summaries", rss=False)

    # ------------------------------------------------------------------ after the read

    def write(self, result: BuildResult) -> None:
        """The documents, graph.nt, the other files, the store and report.json; ``result`` filled in."""
        bodies = self.resolver.body_records()
        self.step = "writing the documents"
        tally = self._write_documents(bodies)
        nt = self.tmp / "graph.nt"
        self.step = "sorting graph.nt"
        self.ntw.finish(nt)
        if self.loader is not None:
            self.loader.done()
        self.ph.lap("N-Triples sort")
        result.triples = self._write_files(nt, bodies)
        self.step = "writing report.json"
        self._write_report(result, tally, bodies)

    def _write_documents(self, bodies: list[BodyRecord]) -> DocTally:
        """The settled records, bodies and the run into the N-Triples; the report's lists to the work folder.

        The Gephi files are written from document summaries.  With a second process, the Gephi
        child reads the records again and writes the summaries itself, off this process's path
        (the store is still loading then); alone, this one pass writes them too.
        """
        summaries = DocSummaries(self.work / "documents.jsonl", self.ranged) if self.gephi and not self.forked \
            else nullcontext()
        with summaries as doc_summaries:
            tally = write_documents(self.resolver.settled_documents(), self.ntw, self.work / "citation-keys.jsonl",
                                    self.work / "conflicts.jsonl", doc_summaries, self.shared)
        for b in bodies:
            self.ntw.extend(triples.body_nt_lines(b))
        self.ntw.extend(triples.run_nt_lines(self.digest.hexdigest()[:16], self.resolver.stats.articles,
                                             tally.documents))
        self.ph.lap("documents")
        return tally

    def _write_files(self, nt: Path, bodies: list[BodyRecord]) -> int:
        """Turtle, JSON-LD, the store and the Gephi files from graph.nt; returns the triple count.

        Turtle and JSON-LD only read graph.nt: with more than one process they are written by
        forked children while this one loads the store and writes the Gephi files.
        """
        tmp, ph, doc_file = self.tmp, self.ph, self.work / "documents.jsonl"
        children = []
        try:
            for writer, fmt in ((rdf_formats.write_turtle, "ttl"), (rdf_formats.write_jsonld, "jsonld")):
                if fmt not in self.formats:
                    continue
                name = FORMATS[fmt]
                if self.forked:
                    children.append((fork_writer(writer, nt, tmp / name), name))
                else:
                    self.step = f"writing {name}"
                    writer(nt, tmp / name)
                    ph.lap(name)
            if self.forked and self.gephi:
                children.append((fork_writer(write_gephi_from_records, tmp, self.resolver, self.ranged, doc_file,
                                             bodies, self.summaries, self.gopts, self.formats), "graph.graphml/gexf"))
            self.step = "loading the store" + (" (beside the writers of " + ", ".join(n for _p, n in children) + ")"
                                               if children else "")
            triples = self._load_store(nt)
            ph.lap("store")
            if self.gephi and not self.forked:
                self.step = "writing graph.graphml/gexf"
                write_gephi_files(tmp, doc_file, bodies, self.summaries, self.gopts, self.formats)
                ph.lap("GraphML+GEXF")
            for proc, name in children:
                self.step = f"writing {name}"
                join_writer(proc, name)
            ph.lap("other writers (wait)")
        finally:
            for proc, _name in children:
                if proc.is_alive():
                    proc.kill()
                    proc.join()
        return triples

    def _load_store(self, nt: Path) -> int:
        """The store, finished by the loader or loaded here (or, without a store, graph.nt's lines counted)."""
        if self.loader is not None:
            triples = self.loader.finish()
            self.ph.cpu.update(self.loader.cpu)
            return triples
        if self.store:
            return rdf_formats.load_store(nt, self.tmp / "store")
        with open(nt, "rb") as fh:
            return sum(1 for _ in fh)

    def _write_report(self, result: BuildResult, tally: DocTally, bodies: list[BodyRecord]) -> None:
        stats = self.resolver.stats
        result.articles = stats.articles
        result.documents = tally.documents
        result.citation_keys = tally.citation_keys
        result.bodies = len(bodies)
        result.citations = stats.citations
        result.ambiguous = stats.ambiguous
        result.resolved_by = dict(stats.resolved_by)
        write_report(self.tmp / MARKER, result, read_keys(self.work / "citation-keys.jsonl"),
                     read_conflicts(self.work / "conflicts.jsonl"))
        # read from the report where it ends up (result.out is --out once the build is in place)
        result.conflicts = ReportConflicts(tally.conflicts, lambda: Path(result.out) / MARKER)
        shutil.rmtree(self.work)
        self.ph.lap("report")
        self.ph.report()
