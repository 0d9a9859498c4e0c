"""The processes a build forks: extraction workers and the writers that run after the sort.

Each one dies with the build and runs below it (graphbuild.processes); the reader process is in
graphbuild.pipeline.reading, the store loader in graphbuild.pipeline.store_loader.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.process import BaseProcess

from graphbuild.processes import die_with_parent, renice

WORKER_NICE = 5  # extraction workers (and the store loader) yield the CPU to the main process
WRITER_NICE = 19  # the writers forked after the sort yield to the store loader (see _writer_main)


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
    proc.start()
    return proc


def _writer_main(parent: int, target: Callable[..., object], args: tuple) -> None:
    """A forked writer's body.  It runs below the store loader: the store is the longest of the writers,
    and its last step, ``optimize()``, runs on one core (139 s at 1M articles); when Turtle, JSON-LD
    and the Gephi files took the CPU first, they were done by then and that core stood idle."""
    die_with_parent(parent)
    renice(WRITER_NICE)
    target(*args)


def join_writer(proc: BaseProcess, what: str) -> None:
    """Wait for a forked writer; its failure is this build's."""
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"graphbuild build: writing {what} failed in its process (exit code {proc.exitcode})")
