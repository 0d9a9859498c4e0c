"""The build pipeline: read -> extract -> resolve -> write, streaming.

Articles stream through; what stays in memory is the resolver's compact indexes (one
record per body, and one per document up to a bound past which the records go to disk as
sorted runs) and one sorted chunk of N-Triples.  Per-article output goes to disk as it is made
(N-Triples chunks, article summaries for the graph files); at the end the document records are
merged from the runs and streamed into the N-Triples, the report and a summary file the graph
files are read from, so memory does not grow with the number of documents.

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
import signal
import sqlite3
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from graphbuild.domain.model import Article, Mention
from graphbuild.graph import triples
from graphbuild.graph.namespaces import ID
from graphbuild.resolve.docstore import SpilledCounts
from graphbuild.resolve.resolver import SPILL_RECORDS, BodyRecord, DocRecord, Resolver
from graphbuild.write import rdf_formats, sorted_nt
from graphbuild.write.gephi_elements import (
    ArticleSummary,
    Options,
    doc_summary,
    read_doc_summaries,
    read_summaries,
)
from graphbuild.write.graphml import write_gephi

OUTPUT_FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "mentions.jsonl",
                "report.json")
MARKER = "report.json"  # an existing --out without it is not ours, and is never replaced
# The files a build may leave out (``--formats``), by name.  graph.nt, mentions.jsonl and
# report.json are always written: the store, `query` and `cites` read them.
FORMATS = {"ttl": "graph.ttl", "jsonld": "graph.jsonld", "graphml": "graph.graphml", "gexf": "graph.gexf"}
# Articles per worker task and per message from the reader process.  Large, because every message
# costs the main process more than its pickle: the pool's task and result threads and the reader
# queue's wake-ups take the GIL from the main loop.  100k articles, --jobs 2, A/B against 8 and 32
# (bench/README.md §4): 8/32 110.6 s and 200 CPU s; 128/256 100.3 s and 182 CPU s; 256/512 no better.
CHUNK = 128
READ_BATCH = 256
WINDOW = 4  # chunks per worker waiting or running: enough to keep workers busy, bounded memory
READ_AHEAD = 4  # reader batches in flight: bounds memory when reading runs ahead of the build
CACHE = Path("cache") / "extract.sqlite"  # inside --out
# What extraction depends on: every module of these packages and every data file; a change to any
# of them (a new module too) invalidates every cached extraction.
EXTRACTOR_PACKAGES = ("text", "domain", "extract")
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
    conflicts: Sequence[tuple[str, str]] = field(default_factory=list)  # a build's: ReportConflicts
    skipped: list[Skipped] = field(default_factory=list)
    extracted: int = 0  # articles whose text went through the extractor in this build
    cached: int = 0  # articles whose mentions came from the previous build's cache

    def summary(self) -> str:
        return (f"{self.articles} articles ({self.extracted} extracted, {self.cached} from cache), "
                f"{self.documents} documents, {self.bodies} bodies, "
                f"{self.citations} citations, {self.ambiguous} ambiguous references")


class ReportConflicts(Sequence[tuple[str, str]]):
    """A build's conflicts, (document, conflict) in report order: the count is held, the list is read from the
    build's report.json when asked for.

    Why not a list: about one document in five has a conflict, so the list grew with the corpus
    (200,000 at a million articles, ~70 MB) only for the CLI to print how many there are.
    """

    def __init__(self, count: int, report: Callable[[], Path]) -> None:
        self.count, self.report = count, report
        self._items: list[tuple[str, str]] | None = None

    def _load(self) -> list[tuple[str, str]]:
        if self._items is None:
            with open(self.report(), encoding="utf-8") as fh:
                self._items = [(c["document"], c["conflict"]) for c in json.load(fh)["conflicts"]]
        return self._items

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):  # type: ignore[override]
        return self._load()[i]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._load())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ReportConflicts({self.count} from {self.report()})"


class OutputError(Exception):
    """The output directory cannot be (re)placed safely."""


# --------------------------------------------------------------------------- phase timing


def _rss_mb() -> float:
    """Current resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class Phases:
    """Wall seconds and RSS per build phase, printed to stderr when ``GRAPHBUILD_PROFILE=1``.

    Why built in: the build interleaves reading, extraction, resolution and writing per article,
    so an outside profiler cannot say which phase the time and the memory belong to; this can,
    at the cost of two ``perf_counter`` calls per phase and article.
    """

    def __init__(self) -> None:
        self.enabled = os.environ.get("GRAPHBUILD_PROFILE") == "1"
        self.wall: dict[str, float] = {}
        self.rss: dict[str, float] = {}
        self.laps: dict[str, int] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds reported by children (the store loader)
        self._t = time.perf_counter()

    def lap(self, name: str, rss: bool = True) -> None:
        """Charge the time since the previous lap to ``name`` and note the RSS now (with ``rss=False``
        only every 1000th lap: reading /proc per article cost 9% of a profiled build)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        self.wall[name] = self.wall.get(name, 0.0) + now - self._t
        self._t = now
        n = self.laps[name] = self.laps.get(name, 0) + 1
        if rss or n % 1000 == 1:
            self.rss[name] = max(self.rss.get(name, 0.0), _rss_mb())

    def report(self) -> None:
        if not self.enabled:
            return
        import resource
        import sys

        total = sum(self.wall.values())
        for name, w in self.wall.items():
            print(f"graphbuild build: phase {name:<22} {w:8.2f} s {100 * w / total:5.1f}%  "
                  f"rss {self.rss[name]:7.0f} MB", file=sys.stderr)
        print(f"graphbuild build: phase {'total':<22} {total:8.2f} s  maxrss "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MB (main process)", file=sys.stderr)
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {"main process": own.ru_utime + own.ru_stime, "children reaped": kids.ru_utime + kids.ru_stime,
               **self.cpu}
        print("graphbuild build: cpu " + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items()), file=sys.stderr)


# --------------------------------------------------------------------------- child processes


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when ``parent`` does, even by SIGKILL.

    Why: a SIGKILLed build used to leave its reader and pool processes blocked forever on a
    queue, holding the temp folder open.  On Linux the kernel does it for us
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); the check after it closes the race where the parent
    died before the call.  Elsewhere the check alone remains (children then notice at their next
    queue timeout, see ``_reader``).
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


WORKER_NICE = 5  # extraction workers yield the CPU to the main process (see _worker_init)


def _worker_init(parent: int) -> None:
    """Pool worker set-up: die with the build, and run at a lower priority than the main process.

    Why the priority: resolution and writing run in the main process, one article after the
    other, and are the one step that cannot be spread; with ``--jobs`` workers plus the reader
    on as many cores, the main process used to get a fair share only and the build waited on it.
    Niced workers still use every cycle the main process leaves, with a bounded queue ahead.
    """
    die_with_parent(parent)
    _renice(WORKER_NICE)


def _renice(increment: int) -> None:
    """Lower this process's priority by ``increment`` where the platform allows it (a no-op elsewhere)."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):
        pass


def _fork_call(target: Callable[..., object], *args: object):
    """Start ``target(*args)`` in a forked child that dies with this process; returns the Process."""
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_child_main, args=(os.getpid(), target, args), daemon=True)
    proc.start()
    return proc


WRITER_NICE = 19  # the writers forked after the sort yield to the store loader (see _child_main)


def _child_main(parent: int, target: Callable[..., object], args: tuple) -> None:
    """A forked writer's body.  It runs below the store loader: the store is the longest of the writers,
    and its last step, ``optimize()``, runs on one core (139 s at 1M articles); when Turtle, JSON-LD
    and the Gephi files took the CPU first, they were done by then and that core stood idle."""
    die_with_parent(parent)
    _renice(WRITER_NICE)
    target(*args)


def _join(proc, what: str) -> None:
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"graphbuild build: writing {what} failed in its process (exit code {proc.exitcode})")


# --------------------------------------------------------------------------- reading


def read_inputs(paths: Iterable[str], progress: list[int] | None = None) -> Iterator[Article | Skipped]:
    """Articles and skipped inputs, in input order (graphbuild.read.articles does the reading).

    ``progress[0]``, if given, follows the bytes of input read so far.
    """
    from graphbuild.read.articles import read_articles

    for item in read_articles(paths, progress):
        if isinstance(item, Article):
            yield item
        else:
            yield Skipped(getattr(item, "source", "?"), getattr(item, "line", None), getattr(item, "message", str(item)))


def _reader(paths: list[str], queue, parent: int) -> None:
    """Child process body: read the inputs and put them on ``queue`` in batches, then None.

    An exception is sent as itself (or as a RuntimeError with its text if it will not pickle)
    so the parent raises it instead of waiting forever.
    """
    die_with_parent(parent)
    batch: list[Article | Skipped] = []
    position = [0]
    try:
        for item in read_inputs(paths, position):
            batch.append(item)
            if len(batch) >= READ_BATCH:
                queue.put((batch, position[0]))
                batch = []
        if batch:
            queue.put((batch, position[0]))
        queue.put(None)
    except BaseException as e:  # noqa: BLE001 - forwarded to the parent, which re-raises it
        try:
            queue.put(("error", e))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            queue.put(("error", RuntimeError(f"{type(e).__name__}: {e}")))


def read_ahead(paths: Iterable[str], jobs: int, progress: list[int] | None = None) -> Iterator[Article | Skipped]:
    """``read_inputs`` in a child process when ``jobs > 1``, in the same order.

    Reading (decoding, parsing, dates, provinces, de-duplication) costs about as much as
    extraction and is sequential by nature; in its own process it overlaps both extraction (in
    the pool) and resolution and writing (here), which is what makes ``--jobs 2`` pay off.  Stdin
    stays in this process, and so does everything where fork is not available.
    """
    paths = list(paths)
    if jobs <= 1 or "-" in paths or not hasattr(os, "fork"):
        yield from read_inputs(paths, progress)
        return
    import queue as queue_mod

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue(maxsize=READ_AHEAD)
    proc = ctx.Process(target=_reader, args=(paths, q, os.getpid()), daemon=True)
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
            if batch[0] == "error":
                raise batch[1]
            items, position = batch
            if progress is not None:
                progress[0] = position
            yield from items
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()


def input_bytes(paths: Iterable[str]) -> int:
    """Total size of the input files (stdin counts as 0): how the CLI picks a default ``--jobs``."""
    from graphbuild.read.textio import iter_files

    total = 0
    for _name, path in iter_files(paths):
        try:
            total += path.stat().st_size if path is not None else 0
        except OSError:
            pass  # a missing input is reported by the reader, not here
    return total


# --------------------------------------------------------------------------- extraction cache


@cache
def extractor_version() -> str:
    """A hash of the extractor's code and data files: cached mentions are valid only under the same one."""
    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(b"graphbuild-extract-cache-1\n")
    files = [f for sub in EXTRACTOR_PACKAGES for f in sorted((pkg / sub).rglob("*.py"))]
    files += sorted((pkg / "data").glob("*.json"))
    for f in files:
        h.update(f.relative_to(pkg).as_posix().encode("utf-8") + b"\0")
        h.update(f.read_bytes())
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
        # Rows are appended in batches to a plain table and indexed once at the end: a primary key
        # on random hashes made every insert a B-tree search and page split (65 µs an article).
        self.new.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE extract (key TEXT NOT NULL, rows TEXT NOT NULL);
        """)
        self.new.execute("BEGIN")
        self.pending: list[tuple[str, str]] = []

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
        """Remember one text's rows.  A key is put once per build: the reader drops repeated texts."""
        self.pending.append((key, rows))
        if len(self.pending) >= self.BATCH:
            self._flush()

    BATCH = 1024

    def _flush(self) -> None:
        self.new.executemany("INSERT INTO extract VALUES (?, ?)", self.pending)
        self.pending = []

    def commit(self) -> None:
        """Index the keys, mark the new cache complete (the version row is written last) and close it."""
        self._flush()
        self.new.execute("CREATE INDEX extract_key ON extract (key)")
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
    from graphbuild.extract.find import extract

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
            pool = ctx.Pool(jobs, initializer=_worker_init, initargs=(os.getpid(),))
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


LOCK = ".lock"  # inside a temp dir: held (flock) by the build that owns it, for its lifetime


def _prepare_out(out: Path) -> tuple[Path, object]:
    """Refuse to replace a directory that is not a previous build; clean up after dead builds.

    Returns a fresh temp dir beside ``out`` and the open lock file that marks it as in use.
    """
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out}: exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise OutputError(f"{out}: not empty and not a graphbuild output (no {MARKER}); choose another --out")
    remove_stale_temp_dirs(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the output should not be
    lock = open(tmp / LOCK, "w")  # noqa: SIM115 - held open for the whole build
    _try_lock(lock)
    return tmp, lock


def _try_lock(fh) -> bool:
    """Take an exclusive, non-blocking flock on ``fh``; False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # not Unix: fall back to the pid in the folder name
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temp_dirs(out: Path) -> list[Path]:
    """Remove the ``.OUT.tmp-PID-*`` / ``.OUT.old-PID`` folders that builds killed earlier left beside ``out``.

    A folder is stale when nobody holds the flock on its lock file (its build is gone, whatever
    happened to its pid since), or, without a lock file, when its pid is not a live process.
    Folders of a build still running are left alone.  Returns what was removed.
    """
    removed = []
    parent = out.parent
    if not parent.is_dir():
        return removed
    for d in parent.iterdir():
        name = d.name
        if not (name.startswith(f".{out.name}.tmp-") or name.startswith(f".{out.name}.old-")) or not d.is_dir():
            continue
        lock = d / LOCK
        if lock.is_file():
            try:
                with open(lock, "a") as fh:
                    stale = _try_lock(fh)
            except OSError:
                continue
        else:
            digits = name.rsplit(".", 1)[-1].split("-")[1:2]
            stale = bool(digits and digits[0].isdigit() and not _pid_alive(int(digits[0])))
        if stale:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False  # glibc before 2.28
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Put the finished build at ``out`` so that a kill at any moment leaves the old or the new output there.

    ``out`` absent: one rename.  ``out`` present: one atomic exchange of the two folders (the old
    output then sits in the temp folder, which is removed; if that removal is interrupted, the
    next build removes it as stale).  Where the exchange is not available (not Linux, or a file
    system without it), two renames, with a tiny window in which ``out`` is missing.
    """
    if not out.exists():
        os.replace(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def build(paths: Iterable[str], out: str | os.PathLike[str], jobs: int = 1, strict: bool = False,
          on_article: Callable[[Article | Skipped], None] | None = None, graph_options: Options | None = None,
          store: bool = True, use_cache: bool = True, progress: list[int] | None = None,
          on_stage: Callable[[str], None] | None = None, formats: Iterable[str] = tuple(FORMATS)) -> BuildResult:
    """Build the graph of ``paths`` into ``out`` (see OUTPUT_FILES and ``out/store``).

    ``formats``: which of the optional files (FORMATS: ttl, jsonld, graphml, gexf) to write;
    the others are not made at all, which saves their time and disk (JSON-LD is the largest file).

    With ``use_cache`` the extractions of the previous build in ``out`` are reused for unchanged
    texts; without it every article is extracted again.  Either way a fresh cache is written.
    ``progress[0]`` follows the input bytes read (for a progress display), and ``on_stage`` is
    told when the writing steps after reading begin.
    """
    out = Path(out)
    wanted = frozenset(formats)
    if unknown := sorted(wanted - FORMATS.keys()):
        raise ValueError(f"unknown output format(s) {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
    tmp, lock = _prepare_out(out)
    old_cache = out / CACHE if use_cache and (out / MARKER).exists() else None
    try:
        result = _build_into(paths, tmp, jobs, strict, on_article, graph_options or Options(), store, old_cache,
                             progress, on_stage, wanted)
        if strict and result.skipped:
            raise OutputError(f"{len(result.skipped)} input(s) skipped and --strict is set: {result.skipped[0]}")
        result.out = out
        # Not part of the output.  Unlinked before it is unlocked: from here on another build's
        # clean-up finds no lock file and checks our pid instead, which is alive.
        os.unlink(tmp / LOCK)
        lock.close()
        _swap_into_place(tmp, out)
        return result
    except BaseException:
        lock.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _build_into(paths: Iterable[str], tmp: Path, jobs: int, strict: bool,
                on_article: Callable[[Article | Skipped], None] | None, gopts: Options, store: bool,
                old_cache: Path | None = None, progress: list[int] | None = None,
                on_stage: Callable[[str], None] | None = None,
                formats: frozenset[str] = frozenset(FORMATS)) -> BuildResult:
    work = tmp / ".work"
    work.mkdir()
    result = BuildResult(tmp)
    xcache = ExtractCache(old_cache, tmp / CACHE)
    try:
        done = _build_graph(paths, tmp, work, jobs, strict, on_article, gopts, store, xcache, result, progress,
                            on_stage, formats)
        if done:
            xcache.commit()
    finally:
        xcache.close()
    return result


def _build_graph(paths: Iterable[str], tmp: Path, work: Path, jobs: int, strict: bool,
                 on_article: Callable[[Article | Skipped], None] | None, gopts: Options, store: bool,
                 xcache: ExtractCache, result: BuildResult, progress: list[int] | None = None,
                 on_stage: Callable[[str], None] | None = None,
                 formats: frozenset[str] = frozenset(FORMATS)) -> bool:
    """Read, extract (through the cache), resolve and write; False when --strict stopped at a skipped input."""
    bound = spill_records()
    resolver = Resolver(spill_dir=work / "docs", spill_records=bound)
    # The article and document summaries are only for the Gephi files.
    gephi = bool(formats & {"graphml", "gexf"})
    # A date-ranged Gephi file counts citations by the articles of the range only.
    ranged = SpilledCounts(work / "cited", bound) if gephi and (gopts.since or gopts.until) else None
    ntw = sorted_nt.SortedNTriplesWriter(work)
    # The store is loaded from the N-Triples pieces while articles are still being read: during
    # the read the main process is the bottleneck and the second core has time to spare.
    loader = None
    if store and jobs > 1 and hasattr(os, "fork") and ntw.sort_cmd:
        loader = _StoreLoader(tmp / "store")
        ntw.on_piece = loader.put
    try:
        digest = hashlib.sha1(b"graphbuild-0")
        summaries = work / "articles.jsonl"
        ph = Phases()
        with (open(summaries if gephi else os.devnull, "w", encoding="utf-8") as sfh,
              open(tmp / "mentions.jsonl", "w", encoding="utf-8") as mfh):
            for item, mentions in extracted(read_ahead(paths, jobs, progress), jobs, xcache, result):
                ph.lap("read+extract (wait)", rss=False)
                if on_article:
                    on_article(item)
                if isinstance(item, Skipped):
                    result.skipped.append(item)
                    if strict:
                        ntw.close()
                        return False
                    continue
                citations = resolver.resolve_article(item, mentions)
                ph.lap("resolve", rss=False)
                _write_mentions(mfh, item, citations)
                ph.lap("mentions.jsonl", rss=False)
                ntw.extend(triples.article_nt_lines(item, citations))
                ph.lap("article triples", rss=False)
                digest.update(item.id.encode("utf-8") + b"\n")
                if not gephi:
                    continue
                refs: dict[str, int] = {}
                for c in citations:
                    refs[c.target] = refs.get(c.target, 0) + 1
                if ranged is not None and gopts.keeps(item.date):
                    ranged.add(refs)
                summary = ArticleSummary(triples.article_local(item.id), item.title or item.id, item.date, item.province, refs)
                sfh.write(summary.to_json() + "\n")
                ph.lap("summaries", rss=False)
        if on_stage is not None:
            files = ["graph.nt", *(FORMATS[f] for f in FORMATS if f in formats), *(["the store"] if store else [])]
            listed = files[0] if len(files) == 1 else ", ".join(files[:-1]) + " and " + files[-1]
            on_stage(f"read, extracted and resolved; writing {listed}")
        bodies = resolver.body_records()
        forked = jobs > 1 and hasattr(os, "fork")
        doc_file, keys_file, conflicts_file = work / "documents.jsonl", work / "citation-keys.jsonl", work / "conflicts.jsonl"
        # The Gephi files are written from document summaries.  With a second process, the Gephi
        # child reads the records again and writes the summaries itself, off this process's path
        # (the store is still loading then); alone, this one pass writes them too.
        with _DocSummaries(doc_file, ranged) if gephi and not forked else nullcontext() as doc_summaries:
            tally = _write_documents(resolver.settled_documents(), ntw, keys_file, conflicts_file, doc_summaries)
        for b in bodies:
            ntw.extend(triples.body_nt_lines(b))
        ntw.extend(triples.run_nt_lines(digest.hexdigest()[:16], resolver.stats.articles, tally.documents))
        ph.lap("documents")
        nt = tmp / "graph.nt"
        ntw.finish(nt)
        if loader is not None:
            loader.done()
        ph.lap("N-Triples sort")
        # Turtle and JSON-LD only read graph.nt: with more than one process they are written by
        # forked children while this one loads the store and writes the Gephi files.
        children = []
        try:
            for writer, fmt in ((rdf_formats.write_turtle, "ttl"), (rdf_formats.write_jsonld, "jsonld")):
                if fmt not in formats:
                    continue
                name = FORMATS[fmt]
                if jobs > 1 and hasattr(os, "fork"):
                    children.append((_fork_call(writer, nt, tmp / name), name))
                else:
                    writer(nt, tmp / name)
                    ph.lap(name)
            if forked and gephi:
                children.append((_fork_call(_write_gephi_from_records, tmp, resolver, ranged, doc_file, bodies,
                                            summaries, gopts, formats), "graph.graphml/gexf"))
            if loader is not None:
                result.triples = loader.finish()
                ph.cpu.update(loader.cpu)
            elif store:
                result.triples = rdf_formats.load_store(nt, tmp / "store")
            else:
                with open(nt, "rb") as fh:
                    result.triples = sum(1 for _ in fh)
            ph.lap("store")
            if gephi and not forked:
                _write_gephi(tmp, doc_file, bodies, summaries, gopts, formats)
                ph.lap("GraphML+GEXF")
            for proc, name in children:
                _join(proc, name)
            ph.lap("other writers (wait)")
        finally:
            for proc, _name in children:
                if proc.is_alive():
                    proc.kill()
                    proc.join()
        result.articles = resolver.stats.articles
        result.documents = tally.documents
        result.citation_keys = tally.citation_keys
        result.bodies = len(bodies)
        result.citations = resolver.stats.citations
        result.ambiguous = resolver.stats.ambiguous
        _write_report(tmp / MARKER, result, _read_keys(keys_file), _read_conflicts(conflicts_file))
        # read from the report where it ends up (result.out is --out once the build is in place)
        result.conflicts = ReportConflicts(tally.conflicts, lambda: Path(result.out) / MARKER)
        shutil.rmtree(work)
        ph.lap("report")
        ph.report()
        return True
    finally:
        if loader is not None:
            loader.kill()


_STORE_LOADER = """
import os, sys
parent, store_dir, nice, batch = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if sys.platform.startswith("linux"):
    import ctypes, signal
    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
if os.getppid() != parent:
    sys.exit(1)
try:
    os.nice(nice)
except (AttributeError, OSError):
    pass
import resource
import pyoxigraph as ox
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
store = ox.Store(store_dir)
for line in sys.stdin:
    with open(line.rstrip("\\n"), "rb") as fh:
        while lines := fh.readlines(batch):
            store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True)
            del lines
loaded = cpu()
store.optimize()
n = len(store)
store.flush()
print(n, round(loaded, 2), round(cpu() - loaded, 2))
"""


class _StoreLoader:
    """Bulk-loads N-Triples pieces into the store in a separate, niced process, as the build hands them over.

    A fresh interpreter (not a fork): RocksDB keeps process-wide background threads, and a
    process forked from one that had opened a store before (a second build in the same Python
    process, as in the tests) hangs forever opening a new one.  The child reads piece paths on
    stdin, loads each, optimizes at end of input and prints the triple count; it dies with the
    build (``PR_SET_PDEATHSIG``) and yields the CPU to it (``nice``).
    """

    def __init__(self, store_dir: Path) -> None:
        import subprocess

        self.cpu: dict[str, float] = {}  # CPU seconds of the child's steps, for GRAPHBUILD_PROFILE
        self.proc = subprocess.Popen([sys.executable, "-c", _STORE_LOADER, str(os.getpid()), str(store_dir),
                                      str(WORKER_NICE), str(rdf_formats.STORE_BATCH_BYTES)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def put(self, piece: Path) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{piece}\n")
        self.proc.stdin.flush()

    def done(self) -> None:
        """No more pieces: the child optimizes the store and writes the triple count."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def finish(self) -> int:
        assert self.proc.stdout is not None
        out = self.proc.stdout.read()  # stdin was closed by done(): communicate() would flush it
        self.proc.stdout.close()
        if self.proc.wait() != 0:
            raise RuntimeError(f"graphbuild build: loading the store failed (exit code {self.proc.returncode})")
        n, load_cpu, optimize_cpu = out.split()
        self.cpu = {"store load": float(load_cpu), "store optimize": float(optimize_cpu)}
        return int(n)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@dataclass
class _DocTally:
    """What the report needs of the documents, gathered in the one pass that writes them."""

    documents: int = 0
    citation_keys: int = 0
    conflicts: int = 0


class _DocSummaries:
    """Writes the document summaries the Gephi files are read from (gephi_elements.DocSummary), records given in local order.

    ``ranged``: with a Gephi date range, each document's citations by the articles of the range,
    merge-joined here in local order; without one a document's graph citations are all of them
    (each citation in an article summary is one of the record's).
    """

    def __init__(self, path: Path, ranged: SpilledCounts | None) -> None:
        self.fh = open(path, "w", encoding="utf-8", errors="surrogatepass")  # noqa: SIM115 - closed by __exit__
        self.ranged = ranged.merged() if ranged is not None else None
        self.pending = next(self.ranged, None) if self.ranged is not None else None

    def add(self, d: DocRecord) -> None:
        cited = d.citations
        if self.ranged is not None:
            while self.pending is not None and self.pending[0] < d.local:
                self.pending = next(self.ranged, None)
            cited = self.pending[1] if self.pending is not None and self.pending[0] == d.local else 0
        self.fh.write(doc_summary(d, cited).to_json() + "\n")

    def __enter__(self) -> _DocSummaries:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def _write_documents(docs: Iterable[DocRecord], ntw: sorted_nt.SortedNTriplesWriter, keys_file: Path, conflicts_file: Path,
                     summaries: _DocSummaries | None = None) -> _DocTally:
    """Stream the settled records (in local order) once: their triples, the report's counts, its citation keys
    (``keys_file``) and conflicts (``conflicts_file``), and, if given, the Gephi files' ``summaries``.

    Nothing is kept in memory but counts.
    """
    tally = _DocTally()
    with (open(keys_file, "w", encoding="utf-8", errors="surrogatepass") as kfh,
          open(conflicts_file, "w", encoding="utf-8", errors="surrogatepass") as cfh):
        for d in docs:
            ntw.extend(triples.document_nt_lines(d))
            for c in d.all_conflicts():
                cfh.write(_encode([d.local, c]) + "\n")
                tally.conflicts += 1
            if d.is_citekey:
                tally.citation_keys += 1
                kfh.write(_encode([d.local, d.citations, sorted(d.candidates)]) + "\n")
            else:
                tally.documents += 1
            if summaries is not None:
                summaries.add(d)
    return tally


def _read_conflicts(conflicts_file: Path) -> Iterator[tuple[str, str]]:
    """The conflicts _write_documents wrote: (document local, conflict), in report order."""
    with open(conflicts_file, encoding="utf-8", errors="surrogatepass") as fh:
        for line in fh:
            local, conflict = json.loads(line)
            yield local, conflict


def _read_keys(keys_file: Path) -> Iterator[tuple[str, int, list[str]]]:
    """The citation keys _write_documents wrote: (local, citations, candidates), in local order."""
    with open(keys_file, encoding="utf-8", errors="surrogatepass") as fh:
        for line in fh:
            local, citations, candidates = json.loads(line)
            yield local, citations, candidates


def _write_gephi_from_records(tmp: Path, resolver: Resolver, ranged: SpilledCounts | None, doc_file: Path,
                              bodies: list[BodyRecord], summaries: Path, gopts: Options,
                              formats: frozenset[str]) -> None:
    """The Gephi child's work: read the settled records again (from the runs), write their summaries, then the files."""
    with _DocSummaries(doc_file, ranged) as out:
        for d in resolver.settled_documents():
            out.add(d)
    _write_gephi(tmp, doc_file, bodies, summaries, gopts, formats)


def _write_gephi(tmp: Path, doc_file: Path, bodies: list[BodyRecord], summaries: Path, gopts: Options,
                 formats: frozenset[str]) -> None:
    """graph.graphml and graph.gexf, together, from the document and article summaries on disk.

    Both come from one pass; a file not in ``formats`` goes to the null device (its lines are
    still made: the pass is shared, and a Gephi file is a small part of a build)."""
    def target(fmt: str) -> str | Path:
        return tmp / FORMATS[fmt] if fmt in formats else os.devnull

    with (open(target("graphml"), "w", encoding="utf-8") as gm,
          open(target("gexf"), "w", encoding="utf-8") as gx):
        write_gephi(gm, gx, read_doc_summaries(doc_file), bodies, read_summaries(summaries), gopts,
                    doc_file.parent / "gephi")


# One encoder for every row: ``json.dumps(..., ensure_ascii=False)`` builds a new JSONEncoder per
# call, which was a third of the cost of writing mentions.jsonl.  Same output as json.dumps.
_encode = json.JSONEncoder(ensure_ascii=False).encode


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
        fh.write(_encode(row) + "\n")


# Where report_text puts the two long lists (here empty; sort_keys puts them in this order).  Raw
# quotes never occur inside a JSON string, so these texts are found only where the keys are.
_UNRESOLVED = '"citation_keys_unresolved": []'
_CONFLICTS = '"conflicts": []'


def _write_report(path: Path, r: BuildResult, unresolved: Iterable[tuple[str, int, list[str]]],
                  conflicts: Iterable[tuple[str, str]]) -> None:
    """report.json: counts, skipped inputs, conflicts and the unresolved citation keys.

    The bytes of :func:`report_text`, with the citation keys and the conflicts streamed in rather
    than held (about one of each for every two and every five documents): ``json.dumps`` of a
    million-article report held ~170 MB of pieces at once.
    """
    head, rest = report_text(replace(r, conflicts=[]), [], triples=r.triples).split(_UNRESOLVED, 1)
    middle, tail = rest.split(_CONFLICTS, 1)
    keys = ({"key": k, "citations": n, "candidates": c} for k, n, c in unresolved)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head + _UNRESOLVED[:-2])
        fh.writelines(_json_list(keys, depth=1))
        fh.write(middle + _CONFLICTS[:-2])
        fh.writelines(_json_list(({"document": d, "conflict": c} for d, c in conflicts), depth=1))
        fh.write(tail)


_report_item = json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True).encode  # json.dumps(..., same args)


def _json_list(items: Iterable[object], depth: int) -> Iterator[str]:
    """Pieces of ``json.dumps(list(items), ensure_ascii=False, indent=1, sort_keys=True)`` for a list nested
    ``depth`` levels deep, one item at a time."""
    pad = " " * (depth + 1)
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + pad + _report_item(item).replace("\n", "\n" + pad)
        first = False
    yield "[]" if first else "\n" + " " * depth + "]"


def report_text(r, unresolved: Iterable[tuple[str, int, list[str]]], **extra: object) -> str:
    """The text of report.json, shared by both engines (``r``: a BuildResult or the Spark result)."""
    report = {
        "articles": r.articles, "documents": r.documents, "citation_keys": r.citation_keys, "bodies": r.bodies,
        "citations": r.citations, "ambiguous_references": r.ambiguous,
        "skipped": [str(s) for s in r.skipped],
        "conflicts": [{"document": d, "conflict": c} for d, c in r.conflicts],
        "citation_keys_unresolved": [{"key": k, "citations": n, "candidates": c} for k, n, c in unresolved],
        **extra,
    }
    return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
