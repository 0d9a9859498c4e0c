"""SPARQL 1.1 over a built graph, read-only, with limits.

Shared by ``graphbuild sparql`` and ``graphbuild serve`` so both refuse the same things
(updates, ``SERVICE``, ``LOAD``), stop at the same limits, explain a syntax error the same way
and write the same bytes (the formats are in :mod:`graphbuild.ask.sparql_formats`).

Two ways to run a query, both in a worker thread under a time limit:

* :func:`execute` holds the result (up to ``max_rows``) before anything is written, so a query
  that is too large or too slow fails cleanly, with no half-written response (the endpoint);
* :func:`stream` hands the rows (or triples) to a writer as Oxigraph produces them, so a
  9-million-triple CONSTRUCT costs no more memory than a small one (the command line).
"""

from __future__ import annotations

import io
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyoxigraph as ox

from graphbuild.write.store import PREFIXES

DEFAULT_MAX_ROWS = 100_000
DEFAULT_TIMEOUT = 30.0


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


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, position) of each token of a query but white space and comments, after its
    escapes are expanded (positions index the expanded text).

    Text that is not a sequence of SPARQL tokens is refused (400) rather than guessed at.
    """
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            line, column = _line_column(text, pos)
            raise SparqlError(f"query syntax error at line {line}, column {column}: "
                              f"unexpected {text[pos:pos + 20]!r}", 400)
        if m.lastgroup != "ws":
            yield str(m.lastgroup), m.group(), pos
        pos = m.end()


def _line_column(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)


def keywords(text: str) -> list[str]:
    """The keywords of a query, upper-cased: the grammar's tokens, after its escapes are expanded."""
    return [t.upper() for kind, t, _pos in tokens(_unescape_codepoints(text)) if kind == "word"]


def check_prefixes(text: str) -> None:
    """Refuse (400) a prefixed name whose prefix is neither declared in the query nor predeclared,
    in words: Oxigraph's own message for it points at the wrong place and lists Unicode ranges."""
    text = _unescape_codepoints(text)
    declared = set(PREFIXES)
    previous = ""
    for kind, token, pos in tokens(text):
        if kind == "pname":
            prefix = token.split(":", 1)[0]
            if previous == "PREFIX":
                declared.add(prefix)
            elif prefix not in declared:
                line, column = _line_column(text, pos)
                raise SparqlError(f"query syntax error at line {line}, column {column}: unknown prefix {prefix}: "
                                  f"(declare it with PREFIX {prefix}: <...>, or use one of the predeclared "
                                  f"{', '.join(p + ':' for p in PREFIXES)})", 400)
        previous = token.upper() if kind == "word" else ""


_EXPECTED = re.compile(r"^error at (\d+):(\d+): expected (?:one of )?(.*)$", re.S)


def explain_syntax_error(text: str, message: str) -> str:
    """Oxigraph's syntax error in words: where, the text there, and what may come there (its lists
    of Unicode ranges read as 'a name', 'a number'; its catch-all '[_]' dropped)."""
    m = _EXPECTED.match(message.strip())
    if m is None:
        return f"query syntax error: {message}"
    line, column = int(m.group(1)), int(m.group(2))
    lines = text.split("\n")
    rest = lines[line - 1][column - 1:] if line <= len(lines) else ""
    where = f"near {rest[:20]!r}" if rest.strip() else "at the end of the line" if line < len(lines) \
        else "at the end of the query"
    wanted: list[str] = []
    for item in re.findall(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*', m.group(3)):
        item = item.strip()
        word = ("a name" if "'A'" in item else "a number" if "'0'" in item and "'A'" not in item
                else None if item.startswith("[") else f"'{item[1:-1]}'" if item.startswith('"') else item)
        if word and word != "Prefix not found" and word not in wanted:
            wanted.append(word)
    expected = ""
    if 0 < len(wanted) <= 8:
        expected = "; expected " + (wanted[0] if len(wanted) == 1 else ", ".join(wanted[:-1]) + " or " + wanted[-1])
    return f"query syntax error at line {line}, column {column}, {where}{expected}"


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


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a request names (the protocol's ``default-graph-uri`` and ``named-graph-uri``).

    Given, it replaces the query's FROM and FROM NAMED: the default graph is the merge of the
    ``default`` graphs (empty when none is named) and only the ``named`` graphs can be read by
    GRAPH.  The graph of a build is the store's default graph; it has no named graphs.
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``Store.query`` for this dataset; SparqlError (400) for an invalid IRI."""
        try:
            return {"default_graph": [ox.NamedNode(i) for i in self.default],
                    "named_graphs": [ox.NamedNode(i) for i in self.named]}
        except ValueError as e:
            raise SparqlError(f"default-graph-uri / named-graph-uri: {e}", 400) from None


def check_query(text: str) -> None:
    """Everything refused before the engine runs a query: text that is not Unicode (a command-line
    argument that was not UTF-8), updates, LOAD, SERVICE, and unknown prefixes."""
    if any("\udc80" <= c <= "\udcff" for c in text):
        raise SparqlError("the query is not UTF-8 text; save it as UTF-8 (or pass it as @FILE)", 400)
    check_read_only(text)
    check_prefixes(text)


def execute(store: ox.Store, text: str, max_rows: int = DEFAULT_MAX_ROWS,
            timeout: float | None = DEFAULT_TIMEOUT, dataset: Dataset | None = None) -> Result:
    """Run a query (not an update) with the standard prefixes predeclared; the whole result, within the limits.

    The query runs in a worker thread; after ``timeout`` seconds the caller gets a 503 and the
    worker is told to stop at its next solution (Oxigraph cannot be interrupted mid-solution).
    The thread is a daemon, so a process that gives up on a query can still exit.
    """
    check_query(text)
    stop = threading.Event()
    result: Result = _within(timeout, stop, lambda: _run(store, text, max_rows, stop, dataset))
    return result


@dataclass
class Answer:
    """A query's answer as it comes, handed to a writer in the thread that runs the query.

    ``items``: the rows (lists of terms or None, in ``variables`` order) of a SELECT, the triples
    of a CONSTRUCT/DESCRIBE, nothing for an ASK (whose value is ``boolean``).
    """

    kind: str
    variables: list[str]
    items: Iterator[Any]
    boolean: bool | None = None


def stream(store: ox.Store, text: str, write: Callable[[Answer, BinaryIO], None], out: BinaryIO,
           max_rows: int = DEFAULT_MAX_ROWS, timeout: float | None = DEFAULT_TIMEOUT) -> str:
    """Run a query and hand its answer, as it comes, to ``write(answer, out)``; returns the answer's kind.

    More than ``max_rows`` rows or triples: the writer gets the first ``max_rows``, then
    SparqlError 413.  ``timeout`` counts the time the query computes, not the time ``out`` spends
    waiting for its reader (a pager); past it, SparqlError 503 and nothing more reaches ``out``.
    """
    check_query(text)
    stop = threading.Event()
    sink = _Sink(out, stop)

    def work() -> str:
        try:
            return _stream(store, text, write, cast(BinaryIO, sink), max_rows, stop)  # a binary stream, unbuffered
        finally:
            if not stop.is_set():
                sink.flush()

    kind: str = _within(timeout, stop, work, sink)
    return kind


def _within(timeout: float | None, stop: threading.Event, work: Callable[[], Any], sink: _Sink | None = None) -> Any:
    """``work()`` in a daemon thread, its result or its exception; SparqlError 503 after ``timeout``
    seconds (plus the seconds ``sink`` waited on its reader), when ``stop`` is set for the thread.

    Also without a time limit the work runs in a thread: this one waits in short joins, so a
    signal (Ctrl-C) is handled at once even while Oxigraph computes one solution for hours.
    """
    limit = float("inf") if timeout is None else timeout
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as e:  # handed to the caller's thread, raised there
            outcome.append(e)

    worker = threading.Thread(target=run, name="sparql", daemon=True)
    started = time.monotonic()
    worker.start()
    while not outcome:
        left = limit + (sink.waited if sink is not None else 0.0) - (time.monotonic() - started)
        if left <= 0:
            stop.set()
            raise SparqlError(f"query took longer than {limit:g} s", 503)
        worker.join(min(left, 0.5))
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _query(store: ox.Store, text: str, dataset: Dataset | None = None) -> Any:
    """Oxigraph's answer to ``text``, its syntax errors in words."""
    try:
        return store.query(text, prefixes=PREFIXES, **(dataset.arguments() if dataset else {}))
    except SyntaxError as e:
        raise SparqlError(explain_syntax_error(text, str(e)), 400) from None
    except OSError as e:
        raise SparqlError(f"query failed: {e}", 500) from e


def _run(store: ox.Store, text: str, max_rows: int, stop: threading.Event, dataset: Dataset | None) -> Result:
    """The materialised result of one query; stops at the next solution once ``stop`` is set."""
    res = _query(store, text, dataset)
    if isinstance(res, ox.QueryBoolean):
        return Result("ask", boolean=bool(res))
    out = Result("select" if isinstance(res, ox.QuerySolutions) else "graph")
    items = _Limited(res, max_rows, stop)
    del res
    out.variables = items.variables
    items.finish(lambda: (out.rows if out.kind == "select" else out.triples).extend(items))
    return out


def _stream(store: ox.Store, text: str, write: Callable[[Answer, BinaryIO], None], sink: BinaryIO, max_rows: int,
            stop: threading.Event) -> str:
    """One query's answer through ``write`` into ``sink``."""
    res = _query(store, text)
    if isinstance(res, ox.QueryBoolean):
        write(Answer("ask", [], iter(()), bool(res)), sink)
        return "ask"
    kind = "select" if isinstance(res, ox.QuerySolutions) else "graph"
    items = _Limited(res, max_rows, stop)
    del res
    items.finish(lambda: write(Answer(kind, items.variables, items), sink))
    return kind


class _Limited:
    """The solutions (as lists of terms) or triples of an Oxigraph answer, up to ``max_rows``; none
    once ``stop`` is set.

    pyoxigraph's iterators may only be dropped by the thread that made them, and an exception's
    traceback (raised in the query thread, re-raised in the caller's) keeps every frame's locals
    alive: so the answer is held here only, and :meth:`finish` drops it in this thread before
    any error leaves it.
    """

    def __init__(self, res: Any, max_rows: int, stop: threading.Event) -> None:
        self.res: Any = res
        self.solutions = isinstance(res, ox.QuerySolutions)
        self.variables = [v.value for v in res.variables] if self.solutions else []
        self.width = len(self.variables)
        self.max_rows, self.stop, self.count, self.too_many = max_rows, stop, 0, False

    def __iter__(self) -> _Limited:
        return self

    def __next__(self) -> Any:
        if self.res is None or self.stop.is_set():
            raise StopIteration
        item = next(self.res)
        if self.count >= self.max_rows:
            self.too_many = True
            raise StopIteration
        self.count += 1
        return [item[i] for i in range(self.width)] if self.solutions else item

    def finish(self, consume: Callable[[], object]) -> None:
        """Run ``consume`` (which reads this iterator), drop the answer, then raise what went wrong."""
        error: BaseException | None = None
        try:
            consume()
        except (SparqlError, BrokenPipeError) as e:
            error = e
        except (OSError, RuntimeError, ValueError) as e:
            error = SparqlError(f"query failed: {e}", 500)
        self.res = None
        if error is not None:
            raise error.with_traceback(None)
        if self.too_many:
            what = "rows" if self.solutions else "triples"
            raise SparqlError(f"result larger than {self.max_rows} {what}; add a LIMIT", 413)


class _Sink(io.RawIOBase):
    """Where a streamed answer goes: the caller's binary stream, in pieces of 64 KB.

    Written with ``os.write`` on its file descriptor when it has one, so that a query thread
    left behind at the deadline holds no lock of ``sys.stdout`` when the process exits; once
    ``stop`` is set nothing more is written.  ``waited``: seconds spent waiting for the reader.
    """

    PIECE = 1 << 16

    def __init__(self, out: BinaryIO, stop: threading.Event) -> None:
        super().__init__()
        self.out, self.stop, self.waited = out, stop, 0.0
        self.buffer = bytearray()
        try:
            self.fd: int | None = out.fileno()
            out.flush()
        except (AttributeError, OSError, ValueError):
            self.fd = None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        if len(self.buffer) >= self.PIECE:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.stop.is_set() or not self.buffer:
            self.buffer.clear()
            return
        began = time.monotonic()
        if self.fd is None:
            self.out.write(bytes(self.buffer))
        else:
            view = memoryview(self.buffer)
            while view:
                view = view[os.write(self.fd, view):]
            view.release()
        self.buffer.clear()
        self.waited += time.monotonic() - began


def read_query(spec: str) -> str:
    """The query text ``spec`` names: ``-`` for stdin, ``@FILE`` for a file's text, else ``spec`` itself.

    Raises OSError when the file cannot be read.
    """
    if spec == "-":
        return sys.stdin.read()
    if spec.startswith("@"):
        return Path(spec[1:]).read_text(encoding="utf-8")
    return spec
