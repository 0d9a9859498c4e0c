"""Extraction during a build: through the cache, and in worker processes when there is more than one.

Only cache misses go out to the workers, as texts in chunks with a bounded window, and come back
as compact JSON rows, consumed in input order, so the output is byte-identical to ``jobs=1``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import NamedTuple

import orjson

from graphbuild.domain.model import Article, Mention
from graphbuild.domain.skipped import SkippedInput
from graphbuild.pipeline.extract_cache import ExtractCache, text_key
from graphbuild.pipeline.processes import stops_held, worker_init
from graphbuild.pipeline.results import BuildResult

# Articles per worker task.  Large, because every message costs the main process more than its
# pickle: the pool's task and result threads take the GIL from the main loop.  100k articles,
# --jobs 2, A/B against 8 and 32 (bench/README.md §4): 8/32 110.6 s and 200 CPU s; 128/256 100.3 s
# and 182 CPU s; 256/512 no better (with graphbuild.pipeline.reading.READ_BATCH).
CHUNK = 128
WINDOW = 4  # chunks per worker waiting or running: enough to keep workers busy, bounded memory


def extract_rows(text: str) -> str:
    """Mentions of one text as compact JSON rows: what workers send back and what the cache stores."""
    from graphbuild.extract.find import extract

    return orjson.dumps([m.to_row() for m in extract(text, "")]).decode("utf-8")


def _extract_chunk(texts: list[str]) -> list[str]:
    return [extract_rows(t) for t in texts]


def mentions_of(rows: str, source: str) -> list[Mention]:
    """Every path (cache hit, in-process, worker) decodes the same rows: one code path, identical output."""
    return [Mention.from_row(r, source) for r in orjson.loads(rows)]


class _Chunk:
    """Texts to extract in one worker task, and the task once submitted."""

    __slots__ = ("texts", "result")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.result: AsyncResult[list[str]] | None = None


class _Waiting(NamedTuple):
    """An item in the window: its rows when known, else the chunk (and place in it) that will give them."""

    item: Article | SkippedInput
    key: str
    rows: str | None
    chunk: _Chunk | None = None
    place: int = 0  # in the chunk


class _Window:
    """Items in input order waiting for their mentions, and the pool that extracts the cache misses.

    The pool starts only at the first miss, so a fully cached rebuild never forks.
    """

    def __init__(self, jobs: int, cache: ExtractCache | None, stats: BuildResult) -> None:
        self.jobs, self.cache, self.stats = jobs, cache, stats
        self.pool: Pool | None = None
        self.waiting: deque[_Waiting] = deque()
        self.chunk = _Chunk()
        self.limit = WINDOW * CHUNK * max(jobs, 1)

    def add(self, item: Article | SkippedInput) -> None:
        """Queue ``item``: its rows from the cache, extracted here (one job), or its text into a worker chunk."""
        if not isinstance(item, Article):
            self.waiting.append(_Waiting(item, "", "[]"))
            return
        key = text_key(item.text)
        rows = self.cache.get(key) if self.cache is not None else None
        if rows is not None:
            self.stats.cached += 1
            self.waiting.append(_Waiting(item, key, rows))
            return
        self.stats.extracted += 1
        if self.jobs <= 1:
            self.waiting.append(_Waiting(item, key, extract_rows(item.text)))
            return
        chunk = self.chunk
        chunk.texts.append(item.text)
        self.waiting.append(_Waiting(item, key, None, chunk, len(chunk.texts) - 1))
        if len(chunk.texts) >= CHUNK:
            self._submit(chunk)

    def _submit(self, chunk: _Chunk) -> None:
        if self.pool is None:
            ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
            with stops_held():
                self.pool = ctx.Pool(self.jobs, initializer=worker_init, initargs=(os.getpid(),))
        chunk.result = self.pool.apply_async(_extract_chunk, (chunk.texts,))
        if chunk is self.chunk:
            self.chunk = _Chunk()

    def pop(self, block: bool) -> tuple[Article | SkippedInput, list[Mention]] | None:
        """The first item and its mentions; None when they are not ready and ``block`` is false."""
        item, key, rows, chunk, i = self.waiting[0]
        if rows is None and chunk is not None:
            if chunk.result is None:
                if not block:
                    return None  # its chunk is still filling up
                self._submit(chunk)
            assert chunk.result is not None
            if not block and not chunk.result.ready():
                return None
            rows = chunk.result.get()[i]
        self.waiting.popleft()
        if not isinstance(item, Article):
            return item, []
        if self.cache is not None and rows is not None:
            self.cache.put(key, rows)
        return item, mentions_of(rows or "[]", item.source)

    def ready(self) -> Iterator[tuple[Article | SkippedInput, list[Mention]]]:
        """The items whose mentions are ready, in order; waits only while the window is over its bound."""
        while self.waiting:
            out = self.pop(block=len(self.waiting) > self.limit)
            if out is None:
                return
            yield out

    def drain(self) -> Iterator[tuple[Article | SkippedInput, list[Mention]]]:
        while self.waiting:
            out = self.pop(block=True)
            assert out is not None
            yield out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def extracted(items: Iterable[Article | SkippedInput], jobs: int, cache: ExtractCache | None = None,
              result: BuildResult | None = None) -> Iterator[tuple[Article | SkippedInput, list[Mention]]]:
    """(item, mentions) in input order; cache hits are served here, misses extracted in ``jobs`` processes.

    At most ``WINDOW * jobs`` chunks are pending at once, which bounds memory whatever the corpus
    size while reading (in this process or the reader's) overlaps extraction (in the workers).
    ``result.extracted`` and ``result.cached`` count the two kinds of article.
    """
    window = _Window(jobs, cache, result if result is not None else BuildResult(Path(".")))
    try:
        for item in items:
            window.add(item)
            yield from window.ready()
        yield from window.drain()
    finally:
        window.close()
