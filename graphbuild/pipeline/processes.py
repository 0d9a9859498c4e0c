"""The processes of a build: they end when the build ends, even by SIGKILL, and yield the CPU to it.

Every process a build starts (the reader, the extraction workers, the writers forked after the
sort, the store loader, GNU sort) sets itself up with :func:`die_with_parent`; the reader's body
is in graphbuild.pipeline.reading, the store loader's in graphbuild.pipeline.store_loader.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path

from graphbuild.pipeline.outdir import DISK_FULL_EXIT, is_disk_full

# The folder that holds graphbuild/: a child Python started with ``-m`` must import this very copy.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


# The collector's thresholds while a build runs (Python's default: 700, 10, 10): the middle generation is
# collected after 1,000 collections of the youngest instead of 10, the oldest after 1,000 of those.
BUILD_GC_THRESHOLDS = (1_000, 1_000, 1_000)


@contextmanager
def long_lived_heap() -> Iterator[None]:
    """Python's cyclic collector tuned for a build's main process, restored after it.

    Why: that process holds a large, long-lived heap (the catalogue, the resolver's records and
    memos) and allocates many small objects per article, few of them in cycles.  With the default
    thresholds the older generations were collected again and again, each time rescanning what
    survives (most of the heap): 1.4 of the 12 CPU s of a 16k-article build's main process
    (measured with gc.callbacks), 0.17 s with these thresholds; (50,000, 20, 100) gave 0.5 s and
    (2,000, 50, 100) 0.49 s.  What exists when the build starts is frozen too (never scanned again).
    Refcounting still frees everything not in a cycle at once, and cycles are still collected (the
    youngest generation as often as before), so memory stays bounded: a 16k build's peak RSS did not
    change.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does, even by SIGKILL.

    Why: a SIGKILLed build used to leave its reader and pool processes blocked forever on a
    queue, holding the temp folder open.  On Linux the kernel does it for us
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); the check after it closes the race where the parent
    died before the call.  Elsewhere the check alone remains (children then notice at their next
    queue timeout).  Safe in a ``preexec_fn``: it only calls ``prctl``, ``signal`` and, at worst, ``_exit``.

    It also ignores SIGINT: Ctrl-C in a terminal reaches the whole process group, and the build
    decides what happens (it stops these processes itself), rather than each child printing a
    KeyboardInterrupt traceback.  SIGTERM, which the build's own handler turns into a clean stop,
    kills a child outright (that is how the build stops them).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked by the parent while it forked us
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def renice(increment: int) -> None:
    """Lower this process's priority by ``increment`` where the platform allows it (a no-op elsewhere)."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):
        pass


def pythonpath(current: str | None) -> str:
    """``current`` (a PYTHONPATH value) with :data:`PACKAGE_ROOT` in front unless it is in it already."""
    paths = [p for p in (current or "").split(os.pathsep) if p]
    if PACKAGE_ROOT in paths:
        return current or ""
    return os.pathsep.join([PACKAGE_ROOT, *paths])


WORKER_NICE = 5  # extraction workers (and the store loader) yield the CPU to the main process
WRITER_NICE = 19  # the writers forked after the sort yield to the store loader (see _writer_main)


_STOPS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stops_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back while children are forked.  Why: a child starts with the parent's
    handler (which raises Stopped) until :func:`worker_init` sets its own; a Ctrl-C in that gap made a
    pool worker print a traceback.  Held, the signal waits: the children unblock it once their handlers
    are set, the parent when this block ends (and then stops as usual)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def worker_init(parent: int) -> None:
    """Pool worker set-up: die with the build, and run at a lower priority than the main process.

    Why the priority: resolution and writing run in the main process, one article after the
    other, and are the one step that cannot be spread; with ``--jobs`` workers plus the reader
    on as many cores, the main process used to get a fair share only and the build waited on it.
    Niced workers still use every cycle the main process leaves, with a bounded queue ahead.
    """
    die_with_parent(parent)
    renice(WORKER_NICE)


def fork_writer(target: Callable[..., object], *args: object) -> BaseProcess:
    """Start ``target(*args)`` in a forked child that dies with this process; returns the Process."""
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_writer_main, args=(os.getpid(), target, args), daemon=True)
    with stops_held():
        proc.start()
    return proc


def _writer_main(parent: int, target: Callable[..., object], args: tuple[object, ...]) -> None:
    """A forked writer's body.  It runs below the store loader: the store is the longest of the writers,
    and its last step, ``optimize()``, runs on one core (139 s at 1M articles); when Turtle, JSON-LD
    and the Gephi files took the CPU first, they were done by then and that core stood idle."""
    die_with_parent(parent)
    renice(WRITER_NICE)
    try:
        target(*args)
    except OSError as e:
        if not is_disk_full(e):
            raise
        os._exit(DISK_FULL_EXIT)  # the build says it in one line; no traceback from here


def join_writer(proc: BaseProcess, what: str) -> None:
    """Wait for a forked writer; its failure is this build's."""
    proc.join()
    if proc.exitcode == DISK_FULL_EXIT:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), what)
    if proc.exitcode != 0:
        raise RuntimeError(f"graphbuild build: writing {what} failed in its process (exit code {proc.exitcode})")
