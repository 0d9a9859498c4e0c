"""SPARQL 1.1 over a built graph, read-only, with limits, and the standard result formats.

Shared by ``graphbuild sparql`` and ``graphbuild serve`` so both refuse the same things
(updates, ``SERVICE``, ``LOAD``), stop at the same limits and write byte-identical results:

* application/sparql-results+json  (https://www.w3.org/TR/sparql11-results-json/)
* application/sparql-results+xml   (https://www.w3.org/TR/rdf-sparql-XMLres/)
* text/csv and text/tab-separated-values (https://www.w3.org/TR/sparql11-results-csv-tsv/)
* for CONSTRUCT/DESCRIBE: application/n-triples, text/turtle

Results are materialised (up to ``max_rows``) before they are written, so a query that is
too large or too slow fails cleanly with an error instead of a half-written response.
"""

from __future__ import annotations

import concurrent.futures
import io
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from graphbuild.store import PREFIXES

DEFAULT_MAX_ROWS = 100_000
DEFAULT_TIMEOUT = 30.0

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle"}


class SparqlError(Exception):
    """A query that is refused or fails; ``status`` is the HTTP status the endpoint answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Result:
    """A materialised result: kind is 'select', 'ask' or 'graph'."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # terms or None, in variable order
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


# Strings, IRIs and comments are skipped so 'SERVICE' inside a literal or an IRI is not a keyword.
_LEXEME = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|[A-Za-z_][\w.-]*:[\w.:-]*|:[\w.:-]*|[A-Za-z_][\w-]*|.', re.S)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"}


def keywords(text: str) -> list[str]:
    """The bare words of a query in upper case, outside strings, IRIs and comments."""
    return [t.upper() for t in _LEXEME.findall(text) if (t[0].isalpha() or t[0] == "_") and ":" not in t]


def check_read_only(text: str) -> None:
    """Refuse updates (403), LOAD and SERVICE (federation would make the endpoint fetch any URL)."""
    words = set(keywords(text))
    if "SERVICE" in words:
        raise SparqlError("SERVICE (federated query) is not allowed on this endpoint", 403)
    if "LOAD" in words:
        raise SparqlError("LOAD is not allowed: this endpoint is read-only", 403)
    first = next((w for w in keywords(text) if w not in ("PREFIX", "BASE")), "")
    if first in _UPDATE_WORDS:
        raise SparqlError("SPARQL Update is not allowed: this endpoint is read-only", 403)


def execute(store: ox.Store, text: str, max_rows: int = DEFAULT_MAX_ROWS,
            timeout: float | None = DEFAULT_TIMEOUT) -> Result:
    """Run a query (not an update) with the standard prefixes predeclared; enforce the limits.

    The query runs in a worker thread; after ``timeout`` seconds the caller gets a 503 and the
    worker is told to stop at its next solution (Oxigraph cannot be interrupted mid-solution).
    """
    check_read_only(text)
    stop = threading.Event()

    def work() -> Result:
        try:
            res = store.query(text, prefixes=PREFIXES)
        except SyntaxError as e:
            raise SparqlError(f"query syntax error: {e}", 400) from e
        except OSError as e:
            raise SparqlError(f"query failed: {e}", 500) from e
        if isinstance(res, ox.QueryBoolean):
            return Result("ask", boolean=bool(res))
        # pyoxigraph's iterators may only be dropped by the thread that made them: every exit of
        # this function drops ``res`` here first (an exception traceback would carry it elsewhere).
        error: SparqlError | None = None
        out = Result("select" if isinstance(res, ox.QuerySolutions) else "graph")
        try:
            if isinstance(res, ox.QuerySolutions):
                out.variables = [v.value for v in res.variables]
                width = len(out.variables)
                for sol in res:
                    if stop.is_set():
                        break
                    if len(out.rows) >= max_rows:
                        error = SparqlError(f"result larger than {max_rows} rows; add a LIMIT", 413)
                        break
                    out.rows.append([sol[i] for i in range(width)])
                sol = None
            else:
                for t in res:
                    if stop.is_set():
                        break
                    if len(out.triples) >= max_rows:
                        error = SparqlError(f"result larger than {max_rows} triples; add a LIMIT", 413)
                        break
                    out.triples.append(t)
        except (OSError, RuntimeError, ValueError) as e:
            error = SparqlError(f"query failed: {e}", 500)
        del res
        if error is not None:
            raise error
        return out

    if timeout is None:
        return work()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql")
    future = pool.submit(work)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as e:
        stop.set()
        raise SparqlError(f"query took longer than {timeout:g} s", 503) from e
    finally:
        pool.shutdown(wait=False)


# --------------------------------------------------------------------------- writers


def _json_term(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        d["datatype"] = t.datatype.value
    return d


def _csv_cell(t: Any) -> str:
    if t is None:
        return ""
    v = ("_:" + t.value) if isinstance(t, ox.BlankNode) else (str(t) if isinstance(t, ox.Triple) else t.value)
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def _tsv_cell(t: Any) -> str:
    if t is None:
        return ""
    s = str(t)  # N-Triples / SPARQL syntax (pyoxigraph escapes tabs and newlines in literals)
    return s.replace("\t", "\\t").replace("\n", "\\n")


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f'<literal xml:lang="{xml_escape(t.language)}">{xml_escape(t.value)}</literal>'
        if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f'<literal datatype="{xml_escape(t.datatype.value)}">{xml_escape(t.value)}</literal>'
        return f"<literal>{xml_escape(t.value)}</literal>"
    return f"<literal>{xml_escape(str(t))}</literal>"


def serialize(result: Result, fmt: str) -> bytes:
    """The result in a standard format: json, xml, csv, tsv (SELECT/ASK) or nt, ttl (CONSTRUCT/DESCRIBE)."""
    if result.kind == "graph":
        if fmt not in GRAPH_TYPES:
            fmt = "nt"
        buf = io.BytesIO()
        rdf_format = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
        kwargs = {"prefixes": PREFIXES} if fmt == "ttl" else {}
        ox.serialize(result.triples, buf, format=rdf_format, **kwargs)
        return buf.getvalue()
    if fmt == "json":
        if result.kind == "ask":
            doc: dict[str, Any] = {"head": {}, "boolean": result.boolean}
        else:
            doc = {"head": {"vars": result.variables}, "results": {"bindings": [
                {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                for row in result.rows]}}
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f'<variable name="{v}"/>' for v in result.variables]
        out.append("</head>\n")
        if result.kind == "ask":
            out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>\n")
        else:
            out.append("<results>\n")
            for row in result.rows:
                out.append("<result>" + "".join(f'<binding name="{v}">{_xml_term(t)}</binding>'
                                                for v, t in zip(result.variables, row, strict=True) if t is not None)
                           + "</result>\n")
            out.append("</results>\n")
        out.append("</sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt in ("csv", "tsv"):
        if result.kind == "ask":  # not defined by the spec; the common practice is one column
            return (f"{'_askResult' if fmt == 'csv' else '?_askResult'}\r\n{str(result.boolean).lower()}\r\n"
                    .encode())
        if fmt == "csv":
            lines = [",".join(result.variables)] + [",".join(_csv_cell(t) for t in row) for row in result.rows]
            return ("\r\n".join(lines) + "\r\n").encode("utf-8")
        lines = ["\t".join("?" + v for v in result.variables)]
        lines += ["\t".join(_tsv_cell(t) for t in row) for row in result.rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise SparqlError(f"unknown result format {fmt!r}", 406)


def compact(t: Any) -> str:
    """A term for people: prefixed names where a known prefix fits, plain literal values."""
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        for p, ns in PREFIXES.items():
            if t.value.startswith(ns) and re.fullmatch(r"[\w.-]*", t.value[len(ns):]):
                return f"{p}:{t.value[len(ns):]}"
        return f"<{t.value}>"
    if isinstance(t, ox.Literal):
        return t.value
    return str(t)
