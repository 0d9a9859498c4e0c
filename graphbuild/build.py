"""The build pipeline: read -> extract -> resolve -> write, streaming.

Articles stream through; what stays in memory is the resolver's compact indexes (one
record per document and per body) and one sorted chunk of N-Triples.  Per-article output
goes to disk as it is made (N-Triples chunks, article summaries for the graph files).

Every output is written into a temporary directory beside ``--out`` and moved into place
only when all of it is complete, so a crash or Ctrl-C never leaves half-written files:
the previous build stays where it was.

Extraction is the one step worth caching: ``out/cache/extract.sqlite`` maps a hash of each
article's text to its mentions, under an extractor version (a hash of the extractor's code and
data).  A rebuild re-extracts only new or changed texts; reading, resolution and writing run
in full every time, which is what keeps a rebuild byte-identical to a build from scratch.  The
new cache is written inside the temporary directory and swapped in with the rest, so a killed
build never leaves a half-written cache behind.

Extraction can run in worker processes (``jobs``): only cache misses go out, as (text) in small
chunks with a bounded window, and come back as compact JSON rows, consumed in input order, so
the output is byte-identical to ``jobs=1``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graphbuild import rdf
from graphbuild.graphml import ArticleSummary, Options, read_summaries, write_gexf, write_graphml
from graphbuild.model import Article, Mention
from graphbuild.namespaces import ID
from graphbuild.resolve import Resolver

OUTPUT_FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "mentions.jsonl",
                "report.json")
MARKER = "report.json"  # an existing --out without it is not ours, and is never replaced
CHUNK = 8  # articles per worker task: small, so workers start early and the window stays even
WINDOW = 16  # chunks per worker waiting or running: enough to keep workers busy, bounded memory
READ_BATCH = 32  # articles per message from the reader process
READ_AHEAD = 8  # reader batches in flight: bounds memory when reading runs ahead of the build
CACHE = Path("cache") / "extract.sqlite"  # inside --out
# What extraction depends on: a change to any of these invalidates every cached extraction.
EXTRACTOR_MODULES = ("extract.py", "grammar.py", "lexicon.py", "normalize.py", "ids.py", "model.py")


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
    extracted: int = 0  # articles whose text went through the extractor in this build
    cached: int = 0  # articles whose mentions came from the previous build's cache

    def summary(self) -> str:
        return (f"{self.articles} articles ({self.extracted} extracted, {self.cached} from cache), "
                f"{self.documents} documents, {self.bodies} bodies, "
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


def _reader(paths: list[str], queue) -> None:
    """Child process body: read the inputs and put them on ``queue`` in batches, then None.

    An exception is sent as itself (or as a RuntimeError with its text if it will not pickle)
    so the parent raises it instead of waiting forever.
    """
    batch: list[Article | Skipped] = []
    try:
        for item in read_inputs(paths):
            batch.append(item)
            if len(batch) >= READ_BATCH:
                queue.put(batch)
                batch = []
        if batch:
            queue.put(batch)
        queue.put(None)
    except BaseException as e:  # noqa: BLE001 - forwarded to the parent, which re-raises it
        try:
            queue.put(("error", e))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            queue.put(("error", RuntimeError(f"{type(e).__name__}: {e}")))


def read_ahead(paths: Iterable[str], jobs: int) -> Iterator[Article | Skipped]:
    """``read_inputs`` in a child process when ``jobs > 1``, in the same order.

    Reading (decoding, parsing, dates, provinces, de-duplication) costs about as much as
    extraction and is sequential by nature; in its own process it overlaps both extraction (in
    the pool) and resolution and writing (here), which is what makes ``--jobs 2`` pay off.  Stdin
    stays in this process, and so does everything where fork is not available.
    """
    paths = list(paths)
    if jobs <= 1 or "-" in paths or not hasattr(os, "fork"):
        yield from read_inputs(paths)
        return
    import queue as queue_mod

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue(maxsize=READ_AHEAD)
    proc = ctx.Process(target=_reader, args=(paths, q), daemon=True)
    proc.start()
    try:
        while True:
            try:
                batch = q.get(timeout=1.0)
            except queue_mod.Empty:
                if not proc.is_alive():
                    raise RuntimeError(f"graphbuild build: the reader process died (exit code {proc.exitcode})") from None
                continue
            if batch is None:
                break
            if isinstance(batch, tuple):
                raise batch[1]
            yield from batch
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()


def input_bytes(paths: Iterable[str]) -> int:
    """Total size of the input files (stdin counts as 0): how the CLI picks a default ``--jobs``."""
    from graphbuild.textio import iter_files

    total = 0
    for _name, path in iter_files(paths):
        try:
            total += path.stat().st_size if path is not None else 0
        except OSError:
            pass  # a missing input is reported by the reader, not here
    return total


def count_files(paths: Iterable[str]) -> int:
    """How many input files there are (for the progress bar); cheap directory walk."""
    from graphbuild.textio import iter_files

    return sum(1 for _ in iter_files(paths))


# --------------------------------------------------------------------------- extraction cache


@cache
def extractor_version() -> str:
    """A hash of the extractor's code and data files: cached mentions are valid only under the same one."""
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256(b"graphbuild-extract-cache-1\n")
    files = [pkg / m for m in EXTRACTOR_MODULES] + sorted((pkg / "data").glob("*.json"))
    for f in files:
        h.update(f.name.encode("utf-8") + b"\0")
        h.update(f.read_bytes() if f.exists() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()


def text_key(text: str) -> str:
    """The cache key of an article: its text only (its source is filled in on load, see Mention.to_row)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ExtractCache:
    """The previous build's extractions (read-only) and this build's (written fresh into the temp dir).

    The new cache holds exactly the texts of this build, so deleted articles drop out of it.  It
    is written without a journal: atomicity comes from the directory swap, not from sqlite; a
    build that dies leaves its temp dir (and the cache in it) unused.  An unreadable old cache
    (another version, a damaged file) is treated as empty: the worst case is a full re-extract.
    """

    def __init__(self, old: Path | None, new: Path) -> None:
        self.old: sqlite3.Connection | None = None
        if old is not None and old.is_file():
            try:
                conn = sqlite3.connect(f"file:{old}?mode=ro", uri=True)
                row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row and row[0] == extractor_version():
                    self.old = conn
                else:
                    conn.close()
            except sqlite3.DatabaseError:
                self.old = None
        new.parent.mkdir(parents=True, exist_ok=True)
        self.new = sqlite3.connect(new)
        self.new.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE extract (key TEXT PRIMARY KEY, rows TEXT NOT NULL) WITHOUT ROWID;
        """)
        self.new.execute("BEGIN")

    def get(self, key: str) -> str | None:
        """The stored JSON rows of a text, or None (a miss, or an old cache that cannot be read)."""
        if self.old is None:
            return None
        try:
            row = self.old.execute("SELECT rows FROM extract WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            self.old.close()
            self.old = None
            return None
        return row[0] if row else None

    def put(self, key: str, rows: str) -> None:
        self.new.execute("INSERT OR IGNORE INTO extract VALUES (?, ?)", (key, rows))

    def commit(self) -> None:
        """Mark the new cache complete (the version row is written last) and close it."""
        self.new.execute("INSERT INTO meta VALUES ('version', ?)", (extractor_version(),))
        self.new.commit()
        self.close()

    def close(self) -> None:
        for conn in (self.old, self.new):
            if conn is not None:
                conn.close()
        self.old = None


# --------------------------------------------------------------------------- extraction


def _extract_rows(text: str) -> str:
    """Mentions of one text as compact JSON rows: what workers send back and what the cache stores."""
    from graphbuild.extract import extract

    return json.dumps([m.to_row() for m in extract(text, "")], separators=(",", ":"))


def _extract_chunk(texts: list[str]) -> list[str]:
    return [_extract_rows(t) for t in texts]


def _mentions(rows: str, source: str) -> list[Mention]:
    """Every path (cache hit, in-process, worker) decodes the same rows: one code path, identical output."""
    return [Mention.from_row(r, source) for r in json.loads(rows)]


class _Chunk:
    """Texts to extract in one worker task, and the task once submitted."""

    __slots__ = ("texts", "result")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.result = None


def extracted(items: Iterable[Article | Skipped], jobs: int, cache: ExtractCache | None = None,
              result: BuildResult | None = None) -> Iterator[tuple[Article | Skipped, list[Mention]]]:
    """(item, mentions) in input order; cache hits are served here, misses extracted in ``jobs`` processes.

    The pool starts only at the first miss, so a fully cached rebuild never forks.  At most
    ``WINDOW * jobs`` chunks are pending at once, which bounds memory whatever the corpus size
    while reading (in this process) overlaps extraction (in the workers).
    """
    stats = result if result is not None else BuildResult(Path("."))
    pool = None
    # (item, key, rows or None, chunk, index in chunk)
    queue: deque[tuple[Article | Skipped, str, str | None, _Chunk | None, int]] = deque()
    chunk = _Chunk()
    limit = WINDOW * CHUNK * max(jobs, 1)

    def submit(c: _Chunk) -> None:
        nonlocal pool, chunk
        if pool is None:
            ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
            pool = ctx.Pool(jobs)
        c.result = pool.apply_async(_extract_chunk, (c.texts,))
        if c is chunk:
            chunk = _Chunk()

    def pop(block: bool) -> tuple[Article | Skipped, list[Mention]] | None:
        item, key, rows, c, i = queue[0]
        if rows is None and c is not None:
            if c.result is None:
                if not block:
                    return None  # its chunk is still filling up
                submit(c)
            if not block and not c.result.ready():
                return None
            rows = c.result.get()[i]
        queue.popleft()
        if not isinstance(item, Article):
            return item, []
        if cache is not None and rows is not None:
            cache.put(key, rows)
        return item, _mentions(rows or "[]", item.source)

    try:
        for item in items:
            if not isinstance(item, Article):
                queue.append((item, "", "[]", None, 0))
            else:
                key = text_key(item.text)
                rows = cache.get(key) if cache is not None else None
                if rows is not None:
                    stats.cached += 1
                    queue.append((item, key, rows, None, 0))
                elif jobs <= 1:
                    stats.extracted += 1
                    queue.append((item, key, _extract_rows(item.text), None, 0))
                else:
                    stats.extracted += 1
                    chunk.texts.append(item.text)
                    queue.append((item, key, None, chunk, len(chunk.texts) - 1))
                    if len(chunk.texts) >= CHUNK:
                        submit(chunk)
            while queue:
                out = pop(block=len(queue) > limit)
                if out is None:
                    break
                yield out
        while queue:
            out = pop(block=True)
            assert out is not None
            yield out
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


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
          store: bool = True, use_cache: bool = True) -> BuildResult:
    """Build the graph of ``paths`` into ``out`` (see OUTPUT_FILES and ``out/store``).

    With ``use_cache`` the extractions of the previous build in ``out`` are reused for unchanged
    texts; without it every article is extracted again.  Either way a fresh cache is written.
    """
    out = Path(out)
    tmp = _prepare_out(out)
    old_cache = out / CACHE if use_cache and (out / MARKER).exists() else None
    try:
        result = _build_into(paths, tmp, jobs, strict, on_article, graph_options or Options(), store, old_cache)
        if strict and result.skipped:
            raise OutputError(f"{len(result.skipped)} input(s) skipped and --strict is set: {result.skipped[0]}")
        result.out = out
        _swap_into_place(tmp, out)
        return result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _build_into(paths: Iterable[str], tmp: Path, jobs: int, strict: bool,
                on_article: Callable[[Article | Skipped], None] | None, gopts: Options, store: bool,
                old_cache: Path | None = None) -> BuildResult:
    work = tmp / ".work"
    work.mkdir()
    result = BuildResult(tmp)
    xcache = ExtractCache(old_cache, tmp / CACHE)
    try:
        done = _build_graph(paths, tmp, work, jobs, strict, on_article, gopts, store, xcache, result)
        if done:
            xcache.commit()
    finally:
        xcache.close()
    return result


def _build_graph(paths: Iterable[str], tmp: Path, work: Path, jobs: int, strict: bool,
                 on_article: Callable[[Article | Skipped], None] | None, gopts: Options, store: bool,
                 xcache: ExtractCache, result: BuildResult) -> bool:
    """Read, extract (through the cache), resolve and write; False when --strict stopped at a skipped input."""
    resolver = Resolver()
    ntw = rdf.SortedNTriplesWriter(work)
    sink = rdf.TripleSink()
    digest = hashlib.sha1(b"graphbuild-0")
    summaries = work / "articles.jsonl"
    with open(summaries, "w", encoding="utf-8") as sfh, open(tmp / "mentions.jsonl", "w", encoding="utf-8") as mfh:
        for item, mentions in extracted(read_ahead(paths, jobs), jobs, xcache, result):
            if on_article:
                on_article(item)
            if isinstance(item, Skipped):
                result.skipped.append(item)
                if strict:
                    return False
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
    return True


def _write_mentions(fh, article: Article, citations) -> None:
    """mentions.jsonl: the extract contract, one line per mention, plus the node it resolved to."""
    for c in citations:
        row = c.mention.to_dict()
        row["article"] = article.id
        row["document"] = c.target  # local name of the node under https://w3id.org/graphbuild/id/
        row["document_iri"] = ID + c.target
        s0, s1 = row.get("sentence_start"), row.get("sentence_end")
        # The sentence text itself, so `cites` can show context even where the source is gone.
        row["sentence"] = article.text[s0:s1] if s0 is not None and s1 is not None else None
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
