"""A read-only SPARQL 1.1 Protocol endpoint over a built graph (stdlib http.server only).

Why stdlib: the endpoint is for one analyst's machine (YASGUI, Gephi's semantic-web importer,
SPARQLWrapper scripts), so it needs no framework, only the protocol done right:

* ``GET /sparql?query=...``, ``POST`` form (``query=...``) and ``POST application/sparql-query``;
* content negotiation over the standard result media types (json, xml, csv, tsv; n-triples and
  turtle for CONSTRUCT/DESCRIBE), json / n-triples when the client has no preference;
* updates (``update=``, ``application/sparql-update``, update syntax) answer 403, as do
  ``SERVICE`` and ``LOAD``; a syntax error 400; a query over the time limit 503; a result over
  the size limit 413;
* CORS headers, so a browser page (YASGUI) on another origin can call it;
* it listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from graphbuild.ask.sparql import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    GRAPH_TYPES,
    RESULT_TYPES,
    SparqlError,
    execute,
    serialize,
)
from graphbuild.ask.workers import Reply, WorkerPool
from graphbuild.write.store import open_store

MAX_BODY = 1 << 20  # a query text larger than 1 MiB is refused
PATHS = ("/sparql", "/query", "/")

_SELECT_BY_TYPE = {**{v: k for k, v in RESULT_TYPES.items()}, "application/json": "json", "text/xml": "xml",
                   "application/xml": "xml"}
_GRAPH_BY_TYPE = {**{v: k for k, v in GRAPH_TYPES.items()}, "text/plain": "nt", "application/x-turtle": "ttl"}
_CONTENT_TYPE = {**RESULT_TYPES, **GRAPH_TYPES}


def negotiate(accept: str | None, kind: str) -> str | None:
    """The format to answer in, from an Accept header (q-values honoured); None when nothing fits."""
    table = _GRAPH_BY_TYPE if kind == "graph" else _SELECT_BY_TYPE
    default = "nt" if kind == "graph" else "json"
    if not accept:
        return default
    offers: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            offers.append((q, -i, media))
    for _q, _i, media in sorted(offers, reverse=True):
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


class Endpoint(ThreadingHTTPServer):
    """The HTTP server: queries go to worker processes, or (``workers=0``) run in the request threads.

    With ``workers=0`` one read-only store is shared by all request threads and a query over
    the time limit gets its 503 but runs on in its thread (fine in a notebook, not on a
    service); with workers it is killed (see :mod:`graphbuild.ask.workers`).
    """

    daemon_threads = True

    def __init__(self, address: tuple[str, int], graph_dir: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS, quiet: bool = False, workers: int = 0) -> None:
        self.store: ox.Store | None = open_store(graph_dir)  # also checks --graph before anything listens
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.quiet = quiet
        self.pool: WorkerPool | None = None
        if workers > 0:
            self.store = None  # the workers open their own
            self.pool = WorkerPool(graph_dir, workers, max_rows=max_rows, timeout=timeout)
        try:
            super().__init__(address, Handler)
        except BaseException:
            self.close_pool()
            raise

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def server_close(self) -> None:
        super().server_close()
        self.close_pool()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/sparql"

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's ``Host`` names this server (a guard against DNS rebinding).

        A server bound to a wildcard address answers any name; one bound to an address answers
        that address and, on loopback, ``localhost``, each with its port or none.  A request with
        no ``Host`` (HTTP/1.0, never a browser) is answered.
        """
        bound, port = str(self.server_address[0]), int(self.server_address[1])
        if header is None or bound in ("0.0.0.0", "::", ""):
            return True
        name = header.strip().lower()
        m = re.fullmatch(r"(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::(\d+))?", name)
        if m is None or (m.group(2) is not None and int(m.group(2)) != port):
            return False
        names = {bound.lower(), f"[{bound.lower()}]"}
        if bound.startswith("127.") or bound == "::1":
            names |= {"localhost", "127.0.0.1", "[::1]"}
        return m.group(1) in names


class Handler(BaseHTTPRequestHandler):
    server: Endpoint
    protocol_version = "HTTP/1.1"
    server_version = "graphbuild-sparql/1"

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        if not self.server.quiet:
            super().log_message(format, *args)

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        reply = _text_reply(status, message)
        self._send(reply.status, reply.body, reply.content_type)

    # ------------------------------------------------------------------ methods

    def _refuse_foreign_host(self) -> bool:
        """Answer 421 to a request whose Host is not this server's; True when refused."""
        host = self.headers.get("Host")
        if self.server.host_allowed(host):
            return False
        self.close_connection = True  # a POST body left unread must not be read as the next request
        self._error(421, f"Host {(host or '')[:100]!r} is not this server ({self.server.url}); "
                         "bind with --host 0.0.0.0 to answer other names")
        return True

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server naming
        if self._refuse_foreign_host():
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        if self._refuse_foreign_host():
            return
        url = urlsplit(self.path)
        if url.path not in PATHS:
            self._error(404, f"not found; the endpoint is {self.server.url}")
            return
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            self._error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            return
        if "query" not in params:
            self._error(200 if url.path == "/" else 400,
                        f"graphbuild read-only SPARQL endpoint: GET or POST {self.server.url}?query=...")
            return
        self._answer(params["query"][0])

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        if self._refuse_foreign_host():
            return
        url = urlsplit(self.path)
        if url.path not in PATHS:
            self._error(404, f"not found; the endpoint is {self.server.url}")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._error(413, f"request body must be under {MAX_BODY} bytes")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            return
        if ctype == "application/sparql-query":
            self._answer(body)
            return
        if ctype in ("application/x-www-form-urlencoded", ""):
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params:
                self._error(403, "SPARQL Update is not allowed: this endpoint is read-only")
                return
            if "query" not in params:
                self._error(400, "POST a form with a 'query' field, or a body of type application/sparql-query")
                return
            self._answer(params["query"][0])
            return
        self._error(415, f"unsupported Content-Type {ctype!r}")

    # ------------------------------------------------------------------ the query

    def _answer(self, text: str) -> None:
        accept = self.headers.get("Accept")
        if self.server.pool is not None:
            reply = self.server.pool.answer(text, accept)
        else:  # no workers: the server holds the store
            assert self.server.store is not None
            reply = respond(self.server.store, text, accept, max_rows=self.server.max_rows,
                            timeout=self.server.query_timeout)
        self._send(reply.status, reply.body, reply.content_type)


def respond(store: ox.Store, text: str, accept: str | None, max_rows: int = DEFAULT_MAX_ROWS,
            timeout: float | None = DEFAULT_TIMEOUT) -> Reply:
    """The whole HTTP answer to one query: run it, pick the format from ``accept``, serialize.

    A function of its own so the request thread and a query worker process answer alike.
    """
    try:
        result = execute(store, text, max_rows=max_rows, timeout=timeout)
    except SparqlError as e:
        return _text_reply(e.status, str(e))
    fmt = negotiate(accept, result.kind)
    if fmt is None:
        offered = GRAPH_TYPES if result.kind == "graph" else RESULT_TYPES
        return _text_reply(406, "acceptable types: " + ", ".join(offered.values()))
    ctype = _CONTENT_TYPE[fmt] + ("; charset=utf-8" if fmt != "xml" else "")
    return Reply(200, serialize(result, fmt), ctype)


def _text_reply(status: int, message: str) -> Reply:
    return Reply(status, (message.rstrip() + "\n").encode("utf-8"), "text/plain; charset=utf-8")


def make_server(graph_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, quiet: bool = False,
                workers: int = 0) -> Endpoint:
    """A bound endpoint (port 0 = any free port; read ``.url``); call ``serve_forever()`` to run it.

    ``workers`` > 0 runs queries in that many killable worker processes (what ``graphbuild
    serve`` does); 0 runs them in the request threads.
    """
    return Endpoint((host, port), graph_dir, timeout=timeout, max_rows=max_rows, quiet=quiet, workers=workers)


def serve_until_stopped(server: Endpoint) -> None:
    """Serve until Ctrl-C or SIGTERM (service managers, kill), then close the server and its workers.

    Installs a SIGTERM handler, so call it from the main thread.
    """
    def stop(_signum: int, _frame: object) -> None:  # SIGTERM stops like Ctrl-C: workers end too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(server: Endpoint) -> threading.Thread:
    """Run ``server`` in a daemon thread (tests, notebooks); stop with ``server.shutdown()``."""
    t = threading.Thread(target=server.serve_forever, name="graphbuild-sparql", daemon=True)
    t.start()
    return t
