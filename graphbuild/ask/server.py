"""``graphbuild serve``: the read-only SPARQL 1.1 Protocol endpoint, and the web face beside it.

Served by waitress (a pure-Python WSGI server) rather than ``http.server``, for what an
analyst's endpoint needs under abuse: a fixed pool of request threads, a cap on open
connections below the descriptor limit, a listen backlog of 1024, and clients that have not
sent their whole request within ``client_timeout`` seconds (30) closed, so idle or slowloris
sockets can neither pile up threads nor lock others out.

The protocol, as before:

* ``GET /sparql?query=...``, ``POST`` form (``query=...``) and ``POST application/sparql-query``;
* content negotiation over the standard result media types (json, xml, csv, tsv; N-Triples,
  Turtle, RDF/XML and JSON-LD for CONSTRUCT/DESCRIBE), json / n-triples when the client has no
  preference -- so SPARQLWrapper's defaults (XML results, RDF/XML graphs) are served;
* exactly one ``query`` (two: 400); ``default-graph-uri`` / ``named-graph-uri`` make the dataset
  (:class:`graphbuild.ask.sparql.Dataset`); a ``GET`` with no query is answered with a SPARQL
  1.1 Service Description (Turtle, or as negotiated);
* updates (``update=``, ``application/sparql-update``, update syntax) answer 403, as do
  ``SERVICE`` and ``LOAD``; a syntax error 400, said in words (``unknown prefix foo:``); a
  query over the time limit 503; a result over the size limit 413;
* CORS headers, so a browser page (YASGUI) on another origin can call it;
* a ``Host`` that is not this server's is answered 421 (DNS rebinding);
* it listens on 127.0.0.1 unless told otherwise.

Given a ``pages`` class (:class:`graphbuild.ask.workers.Pages`; ``graphbuild serve`` passes
:class:`graphbuild.web.site.Site`), every other GET is a page of the web face, and a browser's
``text/html`` request to ``/sparql`` gets the query page instead of a download.  Pages run
where queries run -- in the killable worker processes -- under the same time limit.  This
module never imports the web face: the CLI hands the class in.
"""

from __future__ import annotations

import concurrent.futures
import io
import logging
import os
import re
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from pyoxigraph import Store
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from graphbuild.ask.sparql import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Dataset, SparqlError, execute
from graphbuild.ask.sparql_formats import GRAPH_TYPES, RESULT_TYPES, serialize, write_triples
from graphbuild.ask.workers import PageRequest, Pages, Reply, WorkerPool
from graphbuild.write.store import open_store

MAX_BODY = 1 << 20  # a query text larger than 1 MiB is refused
PATHS = ("/sparql", "/query", "/")
CLIENT_TIMEOUT = 30  # seconds a client has to send its whole request (and an idle connection stays open)
BACKLOG = 1024
CORS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Allow-Headers", "Content-Type, Accept"), ("Access-Control-Max-Age", "86400"))

_SELECT_BY_TYPE = {**{v: k for k, v in RESULT_TYPES.items()}, "application/json": "json", "text/xml": "xml",
                   "application/xml": "xml"}
_GRAPH_BY_TYPE = {**{v: k for k, v in GRAPH_TYPES.items()}, "text/plain": "nt", "application/x-turtle": "ttl",
                  "application/turtle": "ttl", "text/n3": "ttl", "text/rdf+n3": "ttl", "application/n3": "ttl",
                  "application/x-json+ld": "jsonld"}
_CONTENT_TYPE = {**RESULT_TYPES, **GRAPH_TYPES}
_HTML = ("text/html", "application/xhtml+xml")


def accept_offers(accept: str | None) -> list[tuple[float, int, str]]:
    """The media ranges of an Accept header with q > 0, best first: (q, -position, media)."""
    offers: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0 and media:
            offers.append((q, -i, media))
    return sorted(offers, reverse=True)


def negotiate(accept: str | None, kind: str) -> str | None:
    """The format to answer in, from an Accept header (q-values honoured); None when nothing fits."""
    table = _GRAPH_BY_TYPE if kind == "graph" else _SELECT_BY_TYPE
    default = "nt" if kind == "graph" else "json"
    if not accept:
        return default
    for _q, _i, media in accept_offers(accept):
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


def wants_html(accept: str | None) -> bool:
    """Whether a request comes from a browser: HTML is among the client's most preferred types."""
    offers = accept_offers(accept)
    best = max((q for q, _i, media in offers if media in _HTML), default=0.0)
    return best > 0 and all(q <= best for q, _i, media in offers if media not in _HTML)


class _Channel(HTTPChannel):
    """A connection that remembers when the request it is reading began (for the slow-client rule)."""

    request_began = 0.0

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_began = time.time()
        more: bool = super().received(data)
        return more


class _Listener(TcpWSGIServer):
    """waitress's TCP server, closing every connection that is slow to send its request.

    waitress closes connections *inactive* for ``channel_timeout``; a client sending one byte
    every few seconds is never inactive.  Here a connection is closed when the request it is
    reading began more than ``channel_timeout`` ago, or when it has been idle that long; one
    being answered is left alone.
    """

    channel_class = _Channel

    def maintenance(self, now: float) -> None:
        cutoff = now - self.adj.channel_timeout
        for channel in list(self.active_channels.values()):
            if channel.requests:
                continue
            since = channel.request_began if channel.request is not None else channel.last_activity
            if since < cutoff:
                channel.will_close = True


def connection_cap(reserve: int = 64, ceiling: int = 4096) -> int:
    """Open connections allowed: below the descriptor limit (with room for the store, pipes, logs)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return ceiling
    return max(8, min(ceiling, soft - reserve))


class Endpoint:
    """The HTTP server: queries (and pages) go to worker processes, or (``workers=0``) run in the request threads.

    With ``workers=0`` one read-only store is shared by all request threads and a query over
    the time limit gets its 503 but runs on in its thread (fine in a notebook, not on a
    service); with workers it is killed (see :mod:`graphbuild.ask.workers`).
    """

    def __init__(self, address: tuple[str, int], graph_dir: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS, quiet: bool = False, workers: int = 0,
                 pages: type[Pages] | None = None, client_timeout: int = CLIENT_TIMEOUT,
                 threads: int | None = None) -> None:
        self.store: Store | None = open_store(graph_dir)  # also checks --graph before anything listens
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.quiet = quiet
        self.pages = pages
        self.site: Pages | None = None
        self.pool: WorkerPool | None = None
        self._map: dict[int, Any] = {}
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._closed = False
        if workers > 0:
            self.store = None  # the workers open their own
            self.pool = WorkerPool(graph_dir, workers, max_rows=max_rows, timeout=timeout, pages=pages)
        elif pages is not None:
            self.site = pages(os.fspath(graph_dir), self.store, max_rows, timeout)
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth": the pool's business
        if quiet:
            logging.getLogger("waitress").setLevel(logging.ERROR)
        host, port = address
        adj = Adjustments(host=host, port=port, threads=threads or max(8, 4 * workers),
                          channel_timeout=int(client_timeout), cleanup_interval=1,
                          connection_limit=connection_cap(), backlog=BACKLOG, asyncore_use_poll=True,
                          max_request_body_size=MAX_BODY, ident="graphbuild", log_socket_errors=not quiet,
                          expose_tracebacks=False)
        try:
            self._listener = _Listener(self._wsgi, map=self._map, adj=adj)
        except BaseException:
            self.close_pool()
            raise

    # ------------------------------------------------------------------ running

    @property
    def server_address(self) -> tuple[str, int]:
        return str(self._listener.effective_host), int(self._listener.effective_port)

    @property
    def base_url(self) -> str:
        host, port = self.server_address
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    @property
    def url(self) -> str:
        return self.base_url + "/sparql"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer requests until :meth:`shutdown` (from another thread) or an exception (Ctrl-C)."""
        self._stop.clear()
        self._stopped.clear()
        try:
            while not self._stop.is_set():
                wasyncore.poll2(poll_interval, self._map)
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` and wait for it to return."""
        self._stop.set()
        self._listener.pull_trigger()
        self._stopped.wait(10)

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def server_close(self) -> None:
        """Close the listening socket and every connection, and stop the workers (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._listener.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(self._map)
        self.close_pool()

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's ``Host`` names this server (a guard against DNS rebinding).

        A server bound to a wildcard address answers any name; one bound to an address answers
        that address and, on loopback, ``localhost``, each with its port or none.  A request with
        no ``Host`` (HTTP/1.0, never a browser) is answered.
        """
        bound, port = self.server_address
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

    # ------------------------------------------------------------------ one request

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., object]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            reply = self.handle(environ)
        except Exception as e:  # a bug answers 500 in words, never a waitress traceback
            reply = _text_reply(500, f"request failed: {type(e).__name__}: {e}")
        headers = [*CORS, ("Vary", "Accept")]
        if reply.status != 204:
            headers += [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body)))]
        headers += list(reply.headers)
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        if not self.quiet:
            self._log(environ, reply)
        return [] if method == "HEAD" or reply.status == 204 else [reply.body]

    def _log(self, environ: dict[str, Any], reply: Reply) -> None:
        line = f"{environ.get('REQUEST_METHOD')} {_path(environ)}"
        if environ.get("QUERY_STRING"):
            line += "?" + environ["QUERY_STRING"]
        stamp = time.strftime("%d/%b/%Y %H:%M:%S")
        sys.stderr.write(f'{environ.get("REMOTE_ADDR", "-")} - - [{stamp}] "{line[:2000]}" {reply.status} '
                         f"{len(reply.body)}\n")

    def handle(self, environ: dict[str, Any]) -> Reply:
        """The answer to one request, from its WSGI environ."""
        host = environ.get("HTTP_HOST")
        if host is not None and not self.host_allowed(host):
            return _text_reply(421, f"Host {host[:100]!r} is not this server ({self.url}); "
                                    "bind with --host 0.0.0.0 to answer other names")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return Reply(204, b"", "")
        path, qs, accept = _path(environ), environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT")
        if method in ("GET", "HEAD"):
            return self._get(path, qs, accept)
        if method == "POST":
            return self._post(path, environ)
        return Reply(405, b"only GET, HEAD, POST and OPTIONS\n", "text/plain; charset=utf-8",
                     (("Allow", "GET, HEAD, POST, OPTIONS"),))

    def _get(self, path: str, qs: str, accept: str | None) -> Reply:
        params = parse_qs(qs, keep_blank_values=True)
        if self.pages is not None and path in PATHS:
            if path == "/" and "query" not in params:
                return self.page(PageRequest("/", qs, accept))
            if wants_html(accept) or (path == "/query" and "query" not in params):
                return self.page(PageRequest("/query", qs, accept))
        if path not in PATHS:
            if self.pages is not None:
                return self.page(PageRequest(path, qs, accept))
            return _text_reply(404, f"not found; the endpoint is {self.url}")
        if "update" in params:
            return _text_reply(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if "query" not in params:
            return self.description(accept)
        return self.protocol_query(params, params, accept)

    def _post(self, path: str, environ: dict[str, Any]) -> Reply:
        if path not in PATHS:
            return _text_reply(404, f"not found; the endpoint is {self.url}")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return _text_reply(413, f"request body must be under {MAX_BODY} bytes")
        body = environ["wsgi.input"].read(length).decode("utf-8", errors="replace")
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        accept = environ.get("HTTP_ACCEPT")
        if ctype == "application/sparql-update":
            return _text_reply(403, "SPARQL Update is not allowed: this endpoint is read-only")
        in_url = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if ctype == "application/sparql-query":
            return self.protocol_query({**in_url, "query": [body]}, in_url, accept)
        if ctype in ("application/x-www-form-urlencoded", ""):
            params = parse_qs(body, keep_blank_values=True)
            if "update" in params:
                return _text_reply(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if "query" not in params:
                return _text_reply(400, "POST a form with a 'query' field, or a body of type application/sparql-query")
            return self.protocol_query(params, params, accept)
        return _text_reply(415, f"unsupported Content-Type {ctype!r}")

    def protocol_query(self, params: dict[str, list[str]], dataset_params: dict[str, list[str]],
                       accept: str | None) -> Reply:
        """A query request of the protocol: one ``query``, and the dataset its graph URIs name."""
        if len(params["query"]) != 1:
            return _text_reply(400, f"give one query parameter, not {len(params['query'])}")
        default, named = dataset_params.get("default-graph-uri"), dataset_params.get("named-graph-uri")
        dataset = Dataset(tuple(default or ()), tuple(named or ())) if default or named else None
        return self.answer(params["query"][0], accept, dataset)

    def answer(self, text: str, accept: str | None, dataset: Dataset | None = None) -> Reply:
        """One SPARQL query, in a worker or in this thread."""
        if self.pool is not None:
            return self.pool.answer(text, accept, dataset)
        assert self.store is not None  # closed only when there are workers
        return respond(self.store, text, accept, max_rows=self.max_rows, timeout=self.query_timeout, dataset=dataset)

    def description(self, accept: str | None) -> Reply:
        """The SPARQL 1.1 Service Description of this endpoint (Turtle unless another RDF format is asked for)."""
        fmt = next((_GRAPH_BY_TYPE[m] for _q, _i, m in accept_offers(accept) if m in _GRAPH_BY_TYPE), "ttl")
        buf = io.BytesIO()
        write_triples(service_description(self.url), fmt, buf)
        return Reply(200, buf.getvalue(), _content_type(fmt))

    def page(self, request: PageRequest) -> Reply:
        """One page of the web face, in a worker or (``workers=0``) in a thread under the time limit."""
        if self.pool is not None:
            return self.pool.render(request)
        site = self.site
        if site is None:
            return _text_reply(404, f"not found; the endpoint is {self.url}")
        runner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="page")
        try:
            return runner.submit(site.render, request).result(timeout=self.query_timeout)
        except concurrent.futures.TimeoutError:
            return _text_reply(503, f"page took longer than {self.query_timeout:g} s")
        finally:
            runner.shutdown(wait=False)


def _path(environ: dict[str, Any]) -> str:
    """The request path as text (WSGI hands it over as latin-1 decoded bytes)."""
    raw = environ.get("PATH_INFO") or "/"
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def respond(store: Store, text: str, accept: str | None, max_rows: int = DEFAULT_MAX_ROWS,
            timeout: float | None = DEFAULT_TIMEOUT, dataset: Dataset | None = None) -> Reply:
    """The whole HTTP answer to one query: run it, pick the format from ``accept``, serialize.

    A function of its own so the request thread and a query worker process answer alike.
    """
    try:
        result = execute(store, text, max_rows=max_rows, timeout=timeout, dataset=dataset)
    except SparqlError as e:
        return _text_reply(e.status, str(e))
    fmt = negotiate(accept, result.kind)
    if fmt is None:
        offered = GRAPH_TYPES if result.kind == "graph" else RESULT_TYPES
        return _text_reply(406, "acceptable types: " + ", ".join(offered.values()))
    return Reply(200, serialize(result, fmt), _content_type(fmt))


def _content_type(fmt: str) -> str:
    """The Content-Type of a result format (XML documents say their encoding themselves)."""
    return _CONTENT_TYPE[fmt] + ("; charset=utf-8" if fmt not in ("xml", "rdf") else "")


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


def service_description(url: str) -> list[ox.Triple]:
    """What the endpoint at ``url`` is (https://www.w3.org/TR/sparql11-service-description/): SPARQL 1.1
    Query only, its result formats, and a dataset of one default graph (no named graphs)."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service, dataset, graph = ox.NamedNode(url), ox.BlankNode("dataset"), ox.BlankNode("graph")
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "N-Triples", "Turtle", "RDF_XML", "JSON-LD")
    triples = [
        ox.Triple(service, rdf_type, ox.NamedNode(SD + "Service")),
        ox.Triple(service, ox.NamedNode(SD + "endpoint"), service),
        ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
        *(ox.Triple(service, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(FORMATS_NS + f)) for f in formats),
        ox.Triple(service, ox.NamedNode("http://purl.org/dc/terms/description"),
                  ox.Literal("graphbuild: the knowledge graph of Party and state documents cited by Vietnamese "
                             "articles; read-only (no update, LOAD or SERVICE)")),
        ox.Triple(service, ox.NamedNode(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, ox.NamedNode(SD + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(SD + "defaultGraph"), graph),
        ox.Triple(graph, rdf_type, ox.NamedNode(SD + "Graph")),
    ]
    return triples


def _text_reply(status: int, message: str) -> Reply:
    return Reply(status, (message.rstrip() + "\n").encode("utf-8"), "text/plain; charset=utf-8")


def make_server(graph_dir: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, quiet: bool = False,
                workers: int = 0, pages: type[Pages] | None = None,
                client_timeout: int = CLIENT_TIMEOUT) -> Endpoint:
    """A bound endpoint (port 0 = any free port; read ``.url``); call ``serve_forever()`` to run it.

    ``workers`` > 0 runs queries (and pages) in that many killable worker processes (what
    ``graphbuild serve`` does); 0 runs them in the request threads.  ``pages`` is the web face
    (``graphbuild.web.site.Site``); without it only the SPARQL protocol is answered.
    """
    return Endpoint((host, port), graph_dir, timeout=timeout, max_rows=max_rows, quiet=quiet, workers=workers,
                    pages=pages, client_timeout=client_timeout)


def serve_in_thread(server: Endpoint) -> threading.Thread:
    """Run ``server`` in a daemon thread (tests, notebooks); stop with ``server.shutdown()``."""
    t = threading.Thread(target=server.serve_forever, name="graphbuild-sparql", daemon=True)
    t.start()
    return t
