"""Reading during a build: graphbuild.read's article stream, in a child process when there is more than one.

Reading (decoding, parsing, dates, provinces, de-duplication) costs about as much as extraction
and is sequential by nature; in its own process it overlaps both extraction (in the pool) and
resolution and writing (in the main process), which is what makes ``--jobs 2`` pay off.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_mod
from collections.abc import Iterable, Iterator
from multiprocessing.queues import Queue

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.pipeline.processes import die_with_parent, stops_held
from graphbuild.pipeline.results import BuildError
from graphbuild.read.articles import read_articles
from graphbuild.read.textio import iter_files

# Articles per message from the reader process.  Large, because every message costs the main
# process more than its pickle: the reader queue's wake-ups take the GIL from the main loop
# (bench/README.md §4, with graphbuild.pipeline.extraction.CHUNK).
READ_BATCH = 256
READ_AHEAD = 4  # reader batches in flight: bounds memory when reading runs ahead of the build

# What the reader process sends: a batch with the input position after it, an error, or None at the end.
_Message = tuple[list[Article | SkippedInput], int] | tuple[str, BaseException] | None


def _reader(paths: list[str], queue: Queue[_Message], parent: int) -> None:
    """Child process body: read the inputs and put them on ``queue`` in batches, then None.

    An exception is sent as itself (or as a RuntimeError with its text if it will not pickle)
    so the parent raises it instead of waiting forever.
    """
    die_with_parent(parent)
    batch: list[Article | SkippedInput] = []
    position = [0]
    try:
        for item in read_articles(paths, position):
            batch.append(item)
            if len(batch) >= READ_BATCH:
                queue.put((batch, position[0]))
                batch = []
        if batch:
            queue.put((batch, position[0]))
        queue.put(None)
    except BaseException as e:  # forwarded to the parent, which re-raises it
        try:
            queue.put(("error", e))
        except Exception:  # an exception that does not pickle
            queue.put(("error", RuntimeError(f"{type(e).__name__}: {e}")))


def read_ahead(paths: Iterable[str], jobs: int, progress: list[int] | None = None
               ) -> Iterator[Article | SkippedInput]:
    """``read_articles`` in a child process when ``jobs > 1``, in the same order.

    Stdin stays in this process, and so does everything where fork is not available.
    ``progress[0]``, if given, follows the bytes of input read so far.  Inputs that give no
    article at all raise :class:`~graphbuild.pipeline.results.BuildError` at the end: a build of
    nothing is a mistake (a misspelt folder), not an empty graph.
    """
    paths = list(paths)
    articles = skipped = 0
    for item in _read(paths, jobs, progress):
        if isinstance(item, SkippedInput):
            skipped += item.severity != "repaired"
        else:
            articles += 1
        yield item
    if not articles:
        raise BuildError(_nothing_read(paths, skipped))


def _nothing_read(paths: list[str], skipped: int) -> str:
    """Why a build read no article: what was given, and what to give instead."""
    given = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    if skipped:
        return (f"no article could be read from {given} ({skipped} input(s) skipped, listed above); nothing written "
                "— fix or replace those inputs")
    return f"no input: {given} holds no file to read; nothing written — give files or folders of articles"


def _read(paths: list[str], jobs: int, progress: list[int] | None) -> Iterator[Article | SkippedInput]:
    if jobs <= 1 or "-" in paths or not hasattr(os, "fork"):
        yield from read_articles(paths, progress)
        return
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue(maxsize=READ_AHEAD)
    proc = ctx.Process(target=_reader, args=(paths, q, os.getpid()), daemon=True)
    with stops_held():
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
    total = 0
    for _name, path in iter_files(paths):
        try:
            total += path.stat().st_size if path is not None else 0
        except OSError:
            pass  # a missing input is reported by the reader, not here
    return total
