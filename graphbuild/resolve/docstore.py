"""Sorted runs on disk, merged back in key order: how the build keeps memory flat in the number of documents.

Why: a build's records (one per document) used to stay in memory until the end, so memory grew
with the corpus (about 2 KB a document, 2.4 GB at a million articles).  The resolver now writes
what it holds to a *run* (its records sorted by key, pickled) whenever it holds more than a
bound, and forgets them; at the end the runs are merged with :func:`merge_runs`, the partial
records of one key combined as they come (``DocRecord.merge`` is commutative and associative,
so any split gives the sequential record).  The same helpers keep the per-document citation
counts of a date-ranged Gephi file (:class:`SpilledCounts`).

A run is a stream of pickled batches (``BATCH`` items each): reading one holds one batch, and a
merge of ``k`` runs holds ``k`` batches, whatever the size of the runs.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
BATCH = 64  # items per pickle: few enough that a merge of many runs stays small, enough to amortise pickling


def write_run(path: Path, items: Iterable[T]) -> int:
    """Pickle ``items`` (already sorted by the caller) to ``path`` in batches; returns how many were written."""
    n = 0
    batch: list[T] = []
    with open(path, "wb") as fh:
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH:
                pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
                n += len(batch)
                batch = []
        if batch:
            pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
            n += len(batch)
    return n


def read_run(path: Path) -> Iterator:
    """The items of a run, in the order written, one batch in memory at a time."""
    with open(path, "rb") as fh:
        while True:
            try:
                batch = pickle.load(fh)
            except EOFError:
                return
            yield from batch


def merge_runs(streams: Iterable[Iterable[T]], key: Callable[[T], str], combine: Callable[[T, T], T]) -> Iterator[T]:
    """k-way merge of streams each sorted by ``key`` (unique within a stream); equal keys are combined.

    ``combine(a, b)`` may modify and return ``a``: every item comes from a stream read afresh, so
    nothing is changed that a later read would see.
    """
    held: T | None = None
    held_key = ""
    for item in heapq.merge(*streams, key=key):
        k = key(item)
        if held is not None and k == held_key:
            held = combine(held, item)
            continue
        if held is not None:
            yield held
        held, held_key = item, k
    if held is not None:
        yield held


class SortedSpill:
    """Items added in any order, read back sorted (repeats kept); memory bounded by ``bound`` items.

    Without a ``work`` folder nothing is spilled (for callers whose input is in memory anyway).
    """

    def __init__(self, work: Path | None, bound: int, prefix: str = "sorted") -> None:
        self.work, self.bound, self.prefix = work, max(1, bound), prefix
        self.held: list = []
        self.runs: list[Path] = []

    def add(self, item: object) -> None:
        self.held.append(item)
        if self.work is not None and len(self.held) >= self.bound:
            self.spill()

    def spill(self) -> None:
        assert self.work is not None
        self.work.mkdir(parents=True, exist_ok=True)
        path = self.work / f"{self.prefix}-{len(self.runs):05d}.run"
        self.held.sort()
        write_run(path, self.held)
        self.runs.append(path)
        self.held = []

    def sorted(self) -> Iterator:
        """Every item, in order; re-iterable (what is held is read, not consumed)."""
        self.held.sort()
        return heapq.merge(*(read_run(p) for p in self.runs), iter(list(self.held)))


class SpilledCounts:
    """String -> count, added to in any order, read back summed in key order; memory bounded by ``bound`` keys.

    Why: a date-ranged Gephi file counts each document's citations by articles of the range only,
    a number the document records do not hold; counting them in a dict would grow like the corpus.
    """

    def __init__(self, work: Path, bound: int, prefix: str = "counts") -> None:
        self.work, self.bound, self.prefix = work, max(1, bound), prefix
        self.held: dict[str, int] = {}
        self.runs: list[Path] = []

    def add(self, counts: dict[str, int]) -> None:
        held = self.held
        for k, n in counts.items():
            held[k] = held.get(k, 0) + n
        if len(held) > self.bound:
            self.spill()

    def spill(self) -> None:
        """Write what is held as a sorted run and forget it."""
        self.work.mkdir(parents=True, exist_ok=True)
        path = self.work / f"{self.prefix}-{len(self.runs):05d}.run"
        write_run(path, sorted(self.held.items()))
        self.runs.append(path)
        self.held = {}

    def merged(self) -> Iterator[tuple[str, int]]:
        """(key, total) in key order, each key once; re-iterable (what is held is read, not consumed)."""
        streams: list[Iterable[tuple[str, int]]] = [read_run(p) for p in self.runs]
        streams.append(sorted(self.held.items()))
        return merge_runs(streams, key=lambda kv: kv[0], combine=lambda a, b: (a[0], a[1] + b[1]))
