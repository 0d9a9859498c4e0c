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

import io
import json
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from graphbuild.write.store import PREFIXES

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


# The terminals of the SPARQL 1.1 grammar (https://www.w3.org/TR/sparql11-query/#terminals), tried
# in this order at each position.  The grammar's keywords are tokens of their own, so a keyword the
# lexer sees is a keyword the query engine parses; strings, IRIs, comments and prefixed names (whose
# backslash escapes may hold quotes and '#') are single tokens, never scanned inside.
_ECHAR = r"""\\[tbnrf\\"']"""
_PN_CHARS_U = r"[^\W\d]"  # letters of any script, and '_'
_PN_CHARS = r"[\w\-\u00b7\u0300-\u036f\u203f-\u2040]"
_PLX = r"""(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"""
_PN_PREFIX = rf"[^\W\d_](?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?"
_PN_LOCAL = rf"(?:{_PN_CHARS_U}|[:0-9]|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_STRING = (rf'''"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'''
           rf"""|'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"""
           rf'''|"(?:[^"\\\n\r]|{_ECHAR})*"'''
           rf"""|'(?:[^'\\\n\r]|{_ECHAR})*'""")
_TOKEN = re.compile("|".join([
    r"(?P<ws>[ \t\r\n]+|#[^\r\n]*)",
    rf"(?P<string>{_STRING})",
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)""",
    rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
    rf"(?P<blank>_:(?:{_PN_CHARS_U}|[0-9])(?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?)",
    rf"(?P<var>[?$](?:{_PN_CHARS_U}|[0-9])[\w\u00b7\u0300-\u036f\u203f-\u2040]*)",
    r"(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    r"(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)",
    r"(?P<word>[A-Za-z_]\w*)",
    r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\].,;*/+\-=<>!|^?$@])",
]))
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"}


def _unescape_codepoints(text: str) -> str:
    """Replace \\uXXXX and \\UXXXXXXXX before parsing (SPARQL 1.1 §19.2), as the query engine does."""
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise SparqlError(f"query syntax error: {m.group(0)!r} is not a character", 400)
        return chr(code)
    return _UCHAR.sub(one, text)


def keywords(text: str) -> list[str]:
    """The keywords of a query, upper-cased: the grammar's tokens, after its escapes are expanded.

    Text that is not a sequence of SPARQL tokens is refused (400) rather than guessed at.
    """
    text = _unescape_codepoints(text)
    words: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            line = text.count("\n", 0, pos) + 1
            raise SparqlError(f"query syntax error at line {line}: unexpected {text[pos:pos + 20]!r}", 400)
        if m.lastgroup == "word":
            words.append(m.group().upper())
        pos = m.end()
    return words


def _parsed_forms(text: str) -> set[str]:
    """The kinds of node rdflib's SPARQL parser finds in a query: a second opinion beside the lexer.

    Only for queries under 4,000 characters (rdflib's parser recurses deeply); a query it cannot
    parse adds nothing, since the lexer has already decided.
    """
    if len(text) > 4000:
        return set()
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        tree = parseQuery(text)
    except Exception:  # whatever rdflib fails on, the lexer's answer stands
        return set()
    found: set[str] = set()
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            found.add(node.name)
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or hasattr(node, "as_list"):
            stack.extend(node)
    return found


def check_read_only(text: str) -> None:
    """Refuse updates (403), LOAD and SERVICE (federation would make the endpoint fetch any URL).

    Decided from the query's tokens, never from a scan of its text: strings, IRIs, comments and
    escaped prefixed names are read as the engine reads them, so SERVICE anywhere (in a subquery,
    OPTIONAL, EXISTS, any case, spelled with \\u escapes) is refused before the engine sees the
    query; rdflib's parse tree is a second opinion where it can parse the query.
    """
    words = keywords(text)
    found = set(words)
    if "SERVICE" in found or "ServiceGraphPattern" in _parsed_forms(text):
        raise SparqlError("SERVICE (federated query) is not allowed on this endpoint", 403)
    if "LOAD" in found:
        raise SparqlError("LOAD is not allowed: this endpoint is read-only", 403)
    # The engine is only ever asked to run a query, whose grammar has no update operations: an update
    # word after a query is a syntax error it reports (400); a request that starts as an update is a 403.
    if next((w for w in words if w not in ("PREFIX", "BASE")), "") in _UPDATE_WORDS:
        raise SparqlError("SPARQL Update is not allowed: this endpoint is read-only", 403)


def execute(store: ox.Store, text: str, max_rows: int = DEFAULT_MAX_ROWS,
            timeout: float | None = DEFAULT_TIMEOUT) -> Result:
    """Run a query (not an update) with the standard prefixes predeclared; enforce the limits.

    The query runs in a worker thread; after ``timeout`` seconds the caller gets a 503 and the
    worker is told to stop at its next solution (Oxigraph cannot be interrupted mid-solution).
    The thread is a daemon, so a process that gives up on a query can still exit.
    """
    check_read_only(text)
    stop = threading.Event()
    if timeout is None:
        return _run(store, text, max_rows, stop)
    outcome: list[Result | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_run(store, text, max_rows, stop))
        except BaseException as e:  # handed to the caller's thread, raised there
            outcome.append(e)

    worker = threading.Thread(target=work, name="sparql", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        stop.set()
        raise SparqlError(f"query took longer than {timeout:g} s", 503)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _run(store: ox.Store, text: str, max_rows: int, stop: threading.Event) -> Result:
    """The materialised result of one query; stops at the next solution once ``stop`` is set."""
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
    out = Result("select" if isinstance(res, ox.QuerySolutions) else "graph")
    try:
        error = _collect(res, out, max_rows, stop)
    except (OSError, RuntimeError, ValueError) as e:
        error = SparqlError(f"query failed: {e}", 500)
    del res
    if error is not None:
        raise error
    return out


def _collect(res: Any, out: Result, max_rows: int, stop: threading.Event) -> SparqlError | None:
    """Move solutions (or triples) of ``res`` into ``out``, up to ``max_rows``; the 413 when there are more."""
    if isinstance(res, ox.QuerySolutions):
        out.variables = [v.value for v in res.variables]
        width = len(out.variables)
        for sol in res:
            if stop.is_set():
                break
            if len(out.rows) >= max_rows:
                return SparqlError(f"result larger than {max_rows} rows; add a LIMIT", 413)
            out.rows.append([sol[i] for i in range(width)])
        return None
    for t in res:
        if stop.is_set():
            break
        if len(out.triples) >= max_rows:
            return SparqlError(f"result larger than {max_rows} triples; add a LIMIT", 413)
        out.triples.append(t)
    return None


# --------------------------------------------------------------------------- writers


def _json_term(t: Any) -> dict[str, Any]:
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
        ox.serialize(result.triples, buf, format=rdf_format, prefixes=PREFIXES if fmt == "ttl" else None)
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


def fitting_format(kind: str, fmt: str) -> str:
    """``fmt``, or the format of the same family a result of ``kind`` has: N-Triples for a graph
    asked as rows, TSV for rows or a boolean asked as triples."""
    if kind == "graph" and fmt not in GRAPH_TYPES:
        return "nt"
    if kind != "graph" and fmt in GRAPH_TYPES:
        return "tsv"
    return fmt


def read_query(spec: str) -> str:
    """The query text ``spec`` names: ``-`` for stdin, ``@FILE`` for a file's text, else ``spec`` itself.

    Raises OSError when the file cannot be read.
    """
    if spec == "-":
        return sys.stdin.read()
    if spec.startswith("@"):
        return Path(spec[1:]).read_text(encoding="utf-8")
    return spec


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
