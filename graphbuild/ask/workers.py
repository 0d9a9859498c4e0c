"""Queries (and web pages) of ``graphbuild serve`` run in worker processes, so one over its time limit really stops.

Why processes: Oxigraph cannot be interrupted inside one solution.  A query such as
``SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`` computes its single row for
hours; in a thread, the client gets its 503 but the thread keeps a core busy for good, and a
few such queries pin the machine.  A worker process can be killed.

Each worker opens the graph read-only itself (several readers may share an Oxigraph store),
answers one job at a time -- a SPARQL query, or a page of the web face (:class:`PageRequest`,
rendered by the ``pages`` class the server was given, one instance per worker so its caches
live as long as the worker) -- and sends back the finished HTTP answer (status, body, content
type, headers), so nothing but bytes crosses the pipe.  A request thread borrows an idle worker; if the
answer does not come within the time limit the worker is killed and replaced, and the client
gets 503.  When every worker stays busy for the whole time limit the request is refused with
503 too, which bounds the CPU a flood of heavy queries can take to the number of workers.

Workers are started by a fork server (``multiprocessing`` "forkserver"): forking the server
itself, which holds an open store and request threads, is not safe.  A worker exits when its
pipe closes, so none outlives the server, however the server ends.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from graphbuild.ask.sparql import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Dataset

START_TIMEOUT = 60.0  # seconds a new worker may take to open the store and report ready


def default_workers() -> int:
    """How many query workers ``graphbuild serve`` starts unless told: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Reply:
    """One finished HTTP answer to a query."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()  # any others (Content-Disposition, Location, ...)


@dataclass(frozen=True)
class PageRequest:
    """One GET of a page of the web face: what the pages class needs, and nothing of the socket."""

    path: str  # decoded, e.g. /id/doc/qd-tw_2019_205
    query: str  # the raw query string
    accept: str | None


class Pages(Protocol):
    """What the server needs of a web face (graphbuild.web.site.Site is the one there is)."""

    def __init__(self, graph_dir: str, store: Any, max_rows: int, timeout: float | None) -> None: ...

    def render(self, request: PageRequest) -> Reply: ...

    def warm(self) -> None:
        """Fill the caches the pages share (run once, as the worker starts)."""


def _worker_main(conn: Connection, graph_dir: str, max_rows: int, pages: type[Pages] | None = None) -> None:
    """Worker process body: open the graph, then answer jobs until the pipe closes.

    A job is ``("sparql", text, accept, dataset)`` or ``("page", PageRequest)``.  Ctrl-C in a terminal
    reaches the whole process group: the server stops its workers, so they ignore it themselves.
    """
    from graphbuild.ask.server import respond
    from graphbuild.write.store import open_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = open_store(graph_dir)
    except Exception as e:  # reported to the parent, which refuses to start
        conn.send(("error", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", os.getpid()))
    site: Pages | None = None
    if pages is not None:  # the pages' caches fill beside the first jobs, which do not wait for them
        site = pages(graph_dir, store, max_rows, None)  # this process is the time limit
        threading.Thread(target=_warm, args=(site,), daemon=True, name="warm pages").start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        try:
            if job[0] == "page" and site is not None:
                reply = site.render(job[1])
            else:
                reply = respond(store, job[1], job[2], max_rows=max_rows, timeout=None, dataset=job[3])
        except Exception as e:  # a bug must not kill the worker silently
            reply = Reply(500, f"request failed: {type(e).__name__}: {e}\n".encode(), "text/plain; charset=utf-8")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def _warm(site: Pages) -> None:
    try:
        site.warm()
    except Exception:  # a page that fails says so when it is asked for
        pass


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: multiprocessing.context.ForkServerContext, graph_dir: str, max_rows: int,
                 pages: type[Pages] | None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, graph_dir, max_rows, pages), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {START_TIMEOUT:g} s")
        tag, value = self.conn.recv()
        if tag != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not open the graph: {value}")

    def kill(self) -> None:
        self.conn.close()
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


class WorkerPool:
    """A fixed number of query worker processes shared by the request threads.

    ``pages``, a class (passed to the workers by reference, so it must be importable), renders
    the web face's pages in the workers; without it a page job is answered as a query.
    """

    def __init__(self, graph_dir: str | os.PathLike[str], workers: int, max_rows: int = DEFAULT_MAX_ROWS,
                 timeout: float | None = DEFAULT_TIMEOUT, pages: type[Pages] | None = None) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.graph_dir = os.fspath(graph_dir)
        self.max_rows = max_rows
        self.timeout = timeout
        self.pages = pages
        self._ctx = multiprocessing.get_context("forkserver")
        preload = ["graphbuild.ask.workers", "graphbuild.ask.server"]
        if pages is not None:
            preload.append(pages.__module__)
        self._ctx.set_forkserver_preload(preload)
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        try:
            for _ in range(workers):
                self._idle.put(self._start())
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        w = _Worker(self._ctx, self.graph_dir, self.max_rows, self.pages)
        with self._lock:
            self._all.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()

    def answer(self, text: str, accept: str | None, dataset: Dataset | None = None) -> Reply:
        """The answer to one query, or 503 when it (or the wait for a free worker) passes the time limit."""
        return self.run(("sparql", text, accept, dataset))

    def render(self, request: PageRequest) -> Reply:
        """One page of the web face, under the same time limit as a query."""
        return self.run(("page", request))

    def run(self, job: tuple[str, str, str | None, Dataset | None] | tuple[str, PageRequest]) -> Reply:
        """The answer to one job, or 503 when it (or the wait for a free worker) passes the time limit.

        Every request takes one slot from the idle queue and puts exactly one back: the worker,
        if it is still good, or None, an empty slot that the next request fills with a new worker.
        """
        try:
            w = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Reply(503, f"all query workers busy for {self.timeout:g} s; try again later\n".encode(),
                         "text/plain; charset=utf-8")
        keep: _Worker | None = None
        try:
            if w is None or not w.proc.is_alive():
                if w is not None:
                    self._retire(w)
                w = None
                w = self._start()
            w.conn.send(job)
            if w.conn.poll(self.timeout):
                reply: Reply = w.conn.recv()
                keep = w
                return reply
            what = "query" if job[0] == "sparql" else "page"
            return Reply(503, f"{what} took longer than {self.timeout:g} s\n".encode(), "text/plain; charset=utf-8")
        except (EOFError, OSError, RuntimeError) as e:
            return Reply(500, f"query worker failed: {e}\n".encode(), "text/plain; charset=utf-8")
        finally:
            if keep is None and w is not None:
                self._retire(w)  # timed out or broken: killed, never reused
            self._idle.put(keep)

    def close(self) -> None:
        """Stop every worker (idempotent)."""
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()
