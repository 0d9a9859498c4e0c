"""`graphbuild build --engine spark`: the same read -> extract -> resolve -> triples, as a PySpark job.

Why a second engine: one machine builds ~10^6 articles; the Vietnamese part of a web crawl is
10^7-10^8.  The steps are the one-machine build's own functions, so the graph is the same
triple for triple (tests/test_spark.py checks it on the sample corpus):

1. **plan** (driver): list the inputs in command-line order, each file with its index.  Text,
   HTML, JSON, JSON Lines and CSV files are read by :mod:`graphbuild.read.articles` on the
   executors (so they must see the same paths: local mode, NFS, a mounted bucket); Common
   Crawl WET/WARC files (:mod:`graphbuild.read.webarchive`) and Parquet may also be ``hdfs://`` or
   ``s3a://`` URIs, read through Spark.
2. **read**: every article gets an order key (file index, record index); the same text met
   twice is kept once, at its smallest key (the one-machine reader keeps the first).
3. **extract and resolve** (mapPartitions): :func:`graphbuild.extract.find.extract`, then one
   :class:`~graphbuild.resolve.resolver.Resolver` per partition, fed the order keys; each article's
   triples come from :func:`graphbuild.graph.triples.article_nt_lines`.
4. **merge**: per-document evidence combined by ``reduceByKey(DocRecord.merge)`` (commutative
   and associative, see :mod:`graphbuild.resolve.records`), citation keys joined with the documents
   of their base, then :func:`graphbuild.graph.triples.document_nt_lines` / ``body_nt_lines`` / ``run_nt_lines``.

Output (``--out``), each part file written by one task:

* ``nt/part-*.nt`` — the graph as N-Triples, unsorted, a triple possibly in more than one part
  (a province named by many articles); every bulk loader keeps one.
* ``mentions/`` — Parquet, one row per mention: the ``mentions.jsonl`` columns of the local
  build (``relations`` as a JSON string).
* ``documents/`` — Parquet, one row per document and citation key: label, number, date,
  issuer, term, province, citation count, candidates, conflicts.
* ``report.json`` — counts, skipped inputs, conflicts, unresolved citation keys (as the local
  build's).
* with ``--spark-merge``: ``graph.nt`` (sorted, de-duplicated; byte-identical to the local
  build's) and ``store/`` (Oxigraph, unless ``--no-store``), for runs whose graph fits one disk.

A local ``--out`` is replaced atomically like the local build's; an ``hdfs://``/``s3a://`` one
is written in place (the report then goes to ``report/part-00000``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pyspark import RDD, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.pipeline.outdir import MARKER, StagedOutput
from graphbuild.pipeline.processes import die_with_parent, pythonpath
from graphbuild.pipeline.report import report_text
from graphbuild.pipeline.results import BuildError, GraphCounts, strict_failure

if TYPE_CHECKING:
    from graphbuild.resolve.bodies import BodyRecord
    from graphbuild.resolve.records import Citation, DocRecord

IGNORED_NAMES = ("_SUCCESS",)  # Spark's and Hadoop's bookkeeping files inside dataset folders
PARQUET = (".parquet", ".parq")

# order key: (file index, record index) or (input index, file URI, record index)
Key = tuple[int, int] | tuple[int, str, int]
Read = tuple[Key, Article | SkippedInput]  # one item read, with its order key
Item = TypeVar("Item")


@dataclass(frozen=True)
class Source:
    """One input to read: a file (with the folder its id is relative to) or a remote URI/glob."""

    index: int
    name: str
    root: str | None
    kind: str  # articles | archive | parquet
    remote: bool = False


@dataclass
class SparkResult(GraphCounts):
    out: str
    skipped: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.documents} documents, {self.bodies} bodies, "
                f"{self.citations} citations, {self.ambiguous} ambiguous references (spark)")


# --------------------------------------------------------------------------- session


def spark_session(master: str | None = None, jobs: int | None = None, quiet: bool = True,
                  conf: dict[str, str] | None = None) -> SparkSession:
    """The active session, else a new one: ``master``, else spark-submit's, else ``local[jobs or *]``.

    Python workers must import this very ``graphbuild`` (not another installed copy), so its
    folder goes on their PYTHONPATH; on a cluster install graphbuild on every node (README).
    """
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    from pyspark import SparkConf

    os.environ["PYTHONPATH"] = pythonpath(os.environ.get("PYTHONPATH"))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("graphbuild build").config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    elif not SparkConf().contains("spark.master"):  # not under spark-submit
        builder = builder.master(f"local[{jobs or '*'}]")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR" if quiet else "WARN")
    return spark


# --------------------------------------------------------------------------- plan and read


def _kind(name: str) -> str:
    from graphbuild.read.webarchive import is_web_archive

    low = name.lower()
    if low.endswith(PARQUET):
        return "parquet"
    return "archive" if is_web_archive(low) else "articles"


def plan(inputs: Iterable[str]) -> list[Source]:
    """Every input file in the order the local build reads them (remote URIs stay one source each)."""
    from graphbuild.read.textio import iter_files_with_root

    out: list[Source] = []
    for arg in inputs:
        if "://" in arg and not arg.startswith("file://"):
            out.append(Source(len(out), arg, None, _kind(arg), remote=True))
            continue
        for name, path, root in iter_files_with_root([arg.removeprefix("file://")]):
            if path is None:
                raise BuildError("--engine spark cannot read stdin ('-'); give files or folders")
            if path.name in IGNORED_NAMES or path.name.endswith(".crc"):
                continue
            out.append(Source(len(out), name, str(root) if root else None, _kind(name)))
    return out


def _read_source(src: Source) -> Iterator[Read]:
    """Executor side: (key, Article | SkippedInput) of one local file, in record order."""
    from graphbuild.read import articles

    items: Iterable[Article | SkippedInput]
    if src.kind == "archive":
        from graphbuild.read.webarchive import read_archive

        try:
            with open(src.name, "rb") as fh:
                items = list(read_archive(fh, src.name))
        except OSError as e:
            items = [SkippedInput(src.name, None, f"cannot read ({e.strerror or e}); skipped")]
    else:
        path = Path(src.name)
        root = Path(src.root) if src.root else None
        items = articles.read_source(src.name, path, root, unique_ids=False)  # unique over all files: unique_article_ids
    for n, item in enumerate(items):
        yield (src.index, n), item


def _read_remote_archives(spark: SparkSession, src: Source) -> RDD[Read]:
    from graphbuild.read.webarchive import read_archive

    def records(kv: tuple[str, bytes]) -> Iterator[Read]:
        uri, data = kv
        for n, item in enumerate(read_archive(data, uri)):
            yield (src.index, uri, n), item

    return spark.sparkContext.binaryFiles(src.name).flatMap(records)


def _read_parquet(spark: SparkSession, src: Source) -> RDD[Read]:
    """Rows of a Parquet file/folder as article records (same columns as JSON Lines: text, title, date, url)."""
    from graphbuild.read import articles

    name = src.name

    def records(row_n: tuple[Any, int]) -> Iterator[Read]:
        row, n = row_n
        rec = {k: v for k, v in row.asDict().items() if v is not None}
        for item in articles.read_record(rec, name, n + 1):
            yield (src.index, n), item

    return spark.read.parquet(src.name).rdd.zipWithIndex().flatMap(records)


def read(spark: SparkSession, sources: list[Source]) -> RDD[Read]:
    """(key, Article | SkippedInput) of every source: local files spread over the cluster, the rest through Spark."""
    sc = spark.sparkContext
    local = [s for s in sources if not s.remote and s.kind != "parquet"]
    parts = [sc.parallelize(local, max(1, min(len(local), sc.defaultParallelism * 4))).flatMap(_read_source)] \
        if local else []
    for s in sources:
        if s.kind == "parquet":
            parts.append(_read_parquet(spark, s))
        elif s.remote and s.kind == "archive":
            parts.append(_read_remote_archives(spark, s))
        elif s.remote:
            raise BuildError(f"{s.name}: remote inputs must be WET/WARC or Parquet; copy other files locally")
    return sc.union(parts) if parts else sc.emptyRDD()


def _first(a: tuple[Key, Article], b: tuple[Key, Article]) -> tuple[Key, Article]:
    return a if a[0] <= b[0] else b


def unique_articles(items: RDD[Read], partitions: int) -> RDD[tuple[Key, Article]]:
    """The articles, each text once at its smallest key (what the local reader's de-duplication keeps)."""
    from graphbuild.read.articles import dedupe_key

    articles = cast("RDD[tuple[Key, Article]]", items.filter(lambda kv: isinstance(kv[1], Article)))
    return (articles.map(lambda kv: (dedupe_key(kv[1].text), kv))
            .reduceByKey(_first, partitions)
            .values())


def _base_id(aid: str) -> str:
    """'x1_3' -> 'x1': the id a made-unique id was made from (an id may also be written so)."""
    head, sep, tail = aid.rpartition("_")
    return head if sep and tail.isdigit() else aid


def unique_article_ids(articles: RDD[tuple[Key, Article]]) -> tuple[RDD[tuple[Key, Article]], list[str]]:
    """Every article id unique over all the inputs, as the local reader makes them (``x``, ``x_2``… in
    input order, with a note each); the notes.  Only the articles whose id repeats, or is one of those
    with ``_n``, travel to the driver: usually none."""
    from graphbuild.read.articles import unique_ids

    counts = articles.map(lambda kv: (kv[1].id, 1)).reduceByKey(lambda a, b: a + b)
    repeated = set(counts.filter(lambda kv: kv[1] > 1).keys().collect())
    if not repeated:
        return articles, []
    involved = articles.filter(lambda kv: kv[1].id in repeated or _base_id(kv[1].id) in repeated)
    given = sorted(involved.map(lambda kv: (kv[0], kv[1].id, kv[1].source, kv[1].line)).collect())
    renamed: dict[Key, str] = {}
    notes: list[str] = []
    for (key, aid, _source, _line), (final, note) in zip(given, unique_ids((a, s, n) for _, a, s, n in given),
                                                       strict=True):
        if final != aid:
            renamed[key] = final
        if note is not None:
            notes.append(str(note))
    return articles.map(lambda kv: (kv[0], replace(kv[1], id=renamed[kv[0]])) if kv[0] in renamed else kv), notes


# --------------------------------------------------------------------------- extract and resolve


def _mention_row(article: Article, c: Citation) -> dict[str, Any]:
    """One row of mentions/: the local build's mentions.jsonl object, relations as JSON."""
    from graphbuild.pipeline.rows import mention_row

    row = mention_row(article, c)
    row["relations"] = json.dumps(row["relations"], ensure_ascii=False)
    return row


def extract_and_resolve(items: Iterable[tuple[Key, Article]], catalogues: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """mapPartitions body: tagged outputs of one partition's articles, then its resolver's records.

    A mention decided at corpus level (resolve.identity) comes out as ``pending``: its resolver
    record and its row, completed on the driver once every partition is read (:func:`settle_pending`).
    """
    from graphbuild.extract.find import extract
    from graphbuild.graph.triples import article_nt_lines, relation_nt_lines
    from graphbuild.resolve.catalogue import load_catalogue
    from graphbuild.resolve.relations import stated_relations
    from graphbuild.resolve.resolver import Resolver

    resolver = Resolver(load_catalogue(catalogues))
    for key, art in items:
        mentions = extract(art.text, "")
        for m in mentions:
            m.source = art.source
        citations = resolver.resolve_article(art, mentions, key=key)
        for line in article_nt_lines(art, citations, later=True):
            yield "nt", line
        for line in relation_nt_lines(art, stated_relations(resolver, art, citations)):
            yield "nt", line
        for c in citations:
            yield ("pending", (c.pending, _mention_row(art, c))) if c.pending is not None else \
                ("mention", _mention_row(art, c))
        yield "id", (key, art.id)
    resolver.pending = []  # the driver decides them
    for local, rec in resolver.docs.items():
        yield "doc", (local, rec)
    for local, body in resolver.bodies.items():
        yield "body", (local, body)
    yield "stats", resolver.stats


def _merge(a: DocRecord, b: DocRecord) -> DocRecord:
    return a.merge(b)


def settle_pending(spark: SparkSession, pending: list[tuple[Any, dict[str, Any]]], docs: Any, cat: Any,
                   ) -> tuple[list[Any], list[Any], list[dict[str, Any]], list[str], Any]:
    """The driver's corpus-level step: the pending mentions decided with the resolver's own code against the
    documents every partition made (only those that may answer one are collected).

    Returns the records and bodies it made or added to, the completed mention rows, their
    N-Triples lines and its counts (a Stats).
    """
    from graphbuild.graph.namespaces import ID
    from graphbuild.graph.triples import resolved_mention_lines
    from graphbuild.resolve.resolver import Resolver, graph_candidates

    driver = Resolver(cat)
    driver.pending = [p for p, _row in pending]
    wanted = driver.wanted()
    candidates = docs.reduceByKey(_merge).values().flatMap(lambda rec: list(graph_candidates([rec], wanted))).collect()
    driver.settle_pending(sorted(candidates, key=lambda c: c.local))
    rows, lines = [], []
    for p, row in pending:
        row["document"], row["document_iri"], row["resolved_by"] = p.target, ID + p.target, p.resolved_by
        rows.append(row)
        mention_node, article_node = p.where
        lines += resolved_mention_lines(mention_node, article_node, p.target, p.resolved_by)
    return list(driver.docs.items()), list(driver.bodies.items()), rows, lines, driver.stats


def _with_candidates(kv: tuple[str, tuple[DocRecord, set[str] | None]]) -> DocRecord:
    _base, (rec, cands) = kv
    if cands:
        rec.add("candidates", cands)
    return rec


def settle_documents(docs: RDD[tuple[str, DocRecord]], partitions: int) -> RDD[DocRecord]:
    """Merged document records with citation keys' corpus-wide candidates (Resolver.finish, as a join)."""
    merged = docs.reduceByKey(_merge, partitions)
    bases = merged.flatMap(lambda kv: [(b, kv[0]) for b in kv[1].bases]).groupByKey().mapValues(set)
    keys = merged.filter(lambda kv: kv[1].is_citekey and kv[1].citations > 0).map(
        lambda kv: (kv[0].split("/", 1)[1], kv[1]))  # a key no mention ended on is not written (is_written)
    settled_keys = keys.leftOuterJoin(bases).map(_with_candidates)
    return merged.filter(lambda kv: not kv[1].is_citekey).values().union(settled_keys)


def _doc_lines(rec: DocRecord) -> list[str]:
    from graphbuild.graph.triples import document_nt_lines

    return document_nt_lines(rec)


def _body_lines(body: BodyRecord) -> list[str]:
    from graphbuild.graph.triples import body_nt_lines

    return body_nt_lines(body)


def _doc_row(d: DocRecord) -> dict[str, Any]:
    from graphbuild.graph.namespaces import ID

    return {"document": d.local, "document_iri": ID + d.local, "kind": d.kind, "label": d.label, "number": d.number,
            "doc_type": d.doc_type, "date": d.date, "year": d.year, "term": d.term, "issuer": d.issuer,
            "numbering_body": d.numbering_body, "province": d.province, "type_code": d.type_code,
            "issuer_code": d.issuer_code, "subject": d.subject, "catalogued": d.catalogued, "citations": d.citations,
            "cite_keys": sorted(d.cite_keys), "candidates": sorted(d.candidates), "parts": list(d.parts),
            "conflicts": d.all_conflicts()}


_S, _L, _B = T.StringType(), T.LongType(), T.BooleanType()
MENTION_SCHEMA = T.StructType([T.StructField(n, t) for n, t in (
    ("article", _S), ("source", _S), ("start", _L), ("end", _L), ("surface", _S), ("kind", _S), ("doc_type", _S),
    ("number", _S), ("type_code", _S), ("issuer_code", _S), ("year", _L), ("date", _S), ("issuer", _S),
    ("plenum", _L), ("congress", _S), ("term", _S), ("subject", _S), ("id", _S), ("form", _S), ("antecedent", _L),
    ("sentence_start", _L), ("sentence_end", _L), ("relations", _S), ("document", _S), ("document_iri", _S),
    ("resolved_by", _S), ("sentence", _S))])
DOCUMENT_SCHEMA = T.StructType([T.StructField(n, t) for n, t in (
    ("document", _S), ("document_iri", _S), ("kind", _S), ("label", _S), ("number", _S), ("doc_type", _S),
    ("date", _S), ("year", _L), ("term", _S), ("issuer", _S), ("numbering_body", _S), ("province", _S),
    ("type_code", _S), ("issuer_code", _S), ("subject", _S), ("catalogued", _B), ("citations", _L),
    ("cite_keys", T.ArrayType(_S)), ("candidates", T.ArrayType(_S)), ("parts", T.ArrayType(_S)),
    ("conflicts", T.ArrayType(_S)))])


def _to_row(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    def row(d: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(d.get(n) for n in names)
    return row


# --------------------------------------------------------------------------- the job


def build_spark(spark: SparkSession, inputs: Iterable[str], out: str, strict: bool = False, merge: bool = False,
                store: bool = True, catalogues: Iterable[str] = ()) -> SparkResult:
    """Run the job; write ``out`` (see the module docstring).

    Raises :class:`~graphbuild.pipeline.results.BuildError` when the job cannot run as asked: stdin
    or a remote input that is neither a web archive nor Parquet, an ``out`` that is not a previous
    build (:class:`~graphbuild.pipeline.results.OutputError`), skipped inputs under ``strict``.
    """
    if "://" in out and not out.startswith("file://"):  # written in place (see the module docstring)
        job = _Job(spark, inputs, out, strict, tuple(catalogues))
        try:
            report = job.write(out)
            spark.sparkContext.parallelize([report], 1).saveAsTextFile(f"{out}/report")
        finally:
            job.unpersist()
        return job.result
    staged = StagedOutput(Path(out.removeprefix("file://")).resolve())
    try:
        job = _Job(spark, inputs, out, strict, tuple(catalogues))
        try:
            report = job.write(staged.tmp.as_uri())
        finally:
            job.unpersist()
        _finish_local(staged.tmp, report, merge, store)
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return job.result


class _Job:
    """One run's distributed datasets, and the counts the driver keeps of them (``result``).

    Every function handed to Spark here is a module-level one or a lambda over plain values:
    a lambda over ``self`` would ship the SparkContext to the executors.
    """

    def __init__(self, spark: SparkSession, inputs: Iterable[str], out: str, strict: bool,
                 catalogues: tuple[str, ...] = ()) -> None:
        from graphbuild.resolve.catalogue import load_catalogue

        cat = load_catalogue(catalogues)  # a bad user catalogue stops the job here, before any work
        self.spark = spark
        self.persisted: list[RDD[Any]] = []
        partitions = max(2, spark.sparkContext.defaultParallelism)
        items = self._persist(read(spark, plan(inputs)))
        self.result = SparkResult(out)
        self.result.skipped = sorted(str(e) for e in items.filter(lambda kv: not isinstance(kv[1], Article))
                                     .values().collect())
        if strict and self.result.skipped:
            self.unpersist()
            raise strict_failure(self.result.skipped)
        arts, notes = unique_article_ids(unique_articles(items, partitions))
        if notes:
            self.result.skipped = sorted(self.result.skipped + notes)
            if strict:
                self.unpersist()
                raise strict_failure(self.result.skipped)
        self.tagged = self._persist(arts.mapPartitions(partial(extract_and_resolve, catalogues=catalogues)))
        sc = spark.sparkContext
        docs, bodies = self.part("doc"), self.part("body")
        pending = self.part("pending").collect()
        self.pending_rows: list[dict[str, Any]] = []
        self.pending_lines: list[str] = []
        self.pending_stats = None
        if pending:
            extra_docs, extra_bodies, self.pending_rows, self.pending_lines, self.pending_stats = settle_pending(
                spark, pending, docs, cat)
            docs = docs.union(sc.parallelize(extra_docs, 1))
            bodies = bodies.union(sc.parallelize(extra_bodies, 1))
        self.docs = self._persist(settle_documents(docs, partitions))
        self.bodies = bodies.reduceByKey(lambda a, b: a, partitions).values()

    def _persist(self, rdd: RDD[Item]) -> RDD[Item]:
        self.persisted.append(rdd.persist(StorageLevel.MEMORY_AND_DISK))
        return rdd

    def part(self, tag: str) -> RDD[Any]:
        """The values of one kind of output of ``extract_and_resolve``."""
        return self.tagged.filter(lambda kv: kv[0] == tag).values()

    def unpersist(self) -> None:
        for rdd in self.persisted:
            rdd.unpersist()

    def triples(self) -> RDD[str]:
        """Every N-Triples line of the graph (articles, documents, bodies and the run); the counts noted."""
        from graphbuild.graph.triples import run_nt_lines
        from graphbuild.resolve.records import Stats

        result = self.result
        stats = self.part("stats").fold(Stats(), lambda a, b: Stats().merge(a).merge(b))
        if self.pending_stats is not None:
            stats = Stats().merge(stats).merge(self.pending_stats)
        digest = hashlib.sha1(b"graphbuild-0")
        for article_id in self.part("id").sortByKey().values().toLocalIterator():
            digest.update(article_id.encode("utf-8") + b"\n")
        counts = self.docs.map(lambda d: (int(d.is_citekey), 1)).reduceByKey(lambda a, b: a + b).collectAsMap()
        result.articles, result.citations, result.ambiguous = stats.articles, stats.citations, stats.ambiguous
        result.resolved_by = dict(stats.resolved_by)
        result.documents, result.citation_keys = counts.get(0, 0), counts.get(1, 0)
        run = run_nt_lines(digest.hexdigest()[:16], stats.articles, result.documents)
        sc = self.spark.sparkContext
        return sc.union([self.part("nt"), self.docs.flatMap(_doc_lines), self.bodies.flatMap(_body_lines),
                          sc.parallelize(run + self.pending_lines, 1)])

    def write(self, uri: str) -> str:
        """The N-Triples parts, mentions/ and documents/ under ``uri``; returns the text of report.json."""
        result, docs = self.result, self.docs
        self.triples().map(lambda s: s.rstrip("\n")).saveAsTextFile(f"{uri}/nt")
        m_names = [f.name for f in MENTION_SCHEMA.fields]
        rows = self.part("mention").union(self.spark.sparkContext.parallelize(self.pending_rows, 1))
        self.spark.createDataFrame(rows.map(_to_row(m_names)), MENTION_SCHEMA).write.parquet(f"{uri}/mentions")
        d_names = [f.name for f in DOCUMENT_SCHEMA.fields]
        self.spark.createDataFrame(docs.map(_doc_row).map(_to_row(d_names)), DOCUMENT_SCHEMA) \
            .write.parquet(f"{uri}/documents")
        result.bodies = self.bodies.count()
        conflicts = docs.flatMap(lambda d: [(d.local, c) for c in d.all_conflicts()]).collect()
        result.conflicts = sorted(conflicts)
        unresolved = sorted(docs.filter(lambda d: d.is_citekey)
                            .map(lambda d: (d.local, d.citations, sorted(d.candidates))).collect())
        # The local build's keys (no triple count: parts may repeat a triple).
        return report_text(result, unresolved, engine="spark")


def _finish_local(tmp: Path, report: str, merge: bool, store: bool) -> None:
    """Name the parts ``*.nt``, write report.json, and with ``merge`` the sorted graph.nt and store/."""
    from graphbuild.write.rdf_formats import load_store
    from graphbuild.write.sorted_nt import SortedNTriplesWriter

    for p in (tmp / "nt").glob("part-*"):
        p.rename(p.with_name(p.name + ".nt"))
    for p in tmp.rglob("*"):
        if p.name.endswith(".crc") or p.name == "_SUCCESS":
            p.unlink()
    (tmp / MARKER).write_text(report, encoding="utf-8")
    if merge:
        work = tmp / ".work"
        work.mkdir()
        writer = SortedNTriplesWriter(work, child_setup=partial(die_with_parent, os.getpid()))
        for nt in sorted((tmp / "nt").glob("part-*.nt")):
            with open(nt, encoding="utf-8") as fh:
                while lines := fh.readlines(1 << 20):  # lists, so the writer counts their bytes into pieces
                    writer.extend(lines)
        writer.finish(tmp / "graph.nt")
        shutil.rmtree(work)
        if store:
            load_store(tmp / "graph.nt", tmp / "store")
