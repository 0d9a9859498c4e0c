"""`graphbuild sparql QUERY|@file.rq`: SPARQL 1.1 on the built graph, in the standard result formats.

The answer is streamed: rows and triples are written as Oxigraph produces them, so memory does
not grow with the size of the result (a table for people keeps the first rows to size its columns).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

import click

from graphbuild.cli import _streams
from graphbuild.cli._ask import fail_graph, graph_option, table
from graphbuild.write.store import GraphError

if TYPE_CHECKING:
    from graphbuild.ask.sparql import Answer

DEFAULT_TIMEOUT = 300.0  # seconds; a query of the command line has a limit too, unless told 0
TABLE_SAMPLE = 1000  # rows a table keeps to size its columns; the rest are written as they come


@click.command()
@click.argument("query")
@graph_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "nt", "ttl", "rdf", "jsonld"]),
              default="table", show_default=True,
              help="table for people; json/xml/csv/tsv are the W3C SPARQL result formats; "
                   "nt/ttl/rdf (RDF/XML)/jsonld for CONSTRUCT and DESCRIBE.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              help="Give up (exit 1) after this many seconds of computing; 0 = no limit. "
                   "Time spent waiting for a pager does not count.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="Stop (exit 1) after this many rows or triples.")
def sparql(query: str, graph_dir: str, fmt: str, timeout: float, max_rows: int) -> None:
    """Run a SPARQL 1.1 query (text, or @file.rq, or - for stdin) on the graph; read-only.

    The prefixes gb: eli: sdo: dct: org: nif: skos: rdfs: doc: body: article: ... are predeclared.
    """
    from graphbuild.ask.sparql import SparqlError, read_query, stream
    from graphbuild.write.store import open_store

    try:
        text = read_query(query)
    except (OSError, UnicodeDecodeError) as e:
        name = "stdin" if query == "-" else query[1:]
        why = e.strerror if isinstance(e, OSError) else f"not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8"
        click.echo(f"graphbuild sparql: error: cannot read {name}: {why}", err=True)
        sys.exit(2)
    try:
        store = open_store(graph_dir)
    except GraphError as e:
        fail_graph("sparql", e)
        return
    writer = _Writer(fmt)
    try:
        stream(store, text, writer.write, _streams.binary_stdout(), max_rows=max_rows,
               timeout=timeout or None)
    except SparqlError as e:
        click.echo(f"graphbuild sparql: error: {e}", err=True)
        sys.exit(1)
    if writer.rows is not None:
        click.echo(f"({writer.rows} row{'s' if writer.rows != 1 else ''})", err=True)


class _Writer:
    """Writes an answer as it comes (called in the query's thread): a standard format, or a table for people."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.rows: int | None = None  # counted for a table of rows

    def write(self, answer: Answer, out: BinaryIO) -> None:
        from graphbuild.ask.sparql_formats import compact, fitting_format, row_chunks, write_triples

        if self.fmt != "table" or answer.kind == "graph":
            fmt = "ttl" if self.fmt == "table" else fitting_format(answer.kind, self.fmt)
            if answer.kind == "graph":
                write_triples(answer.items, fmt, out)
                return
            for chunk in row_chunks(fmt, answer.variables, answer.items, answer.boolean):
                out.write(chunk)
            return
        text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
        if answer.kind == "ask":
            text.write("true\n" if answer.boolean else "false\n")
        else:
            self.rows = 0

            def counted() -> Iterator[list[str]]:
                for row in answer.items:
                    self.rows = (self.rows or 0) + 1
                    yield [compact(t) for t in row]

            table(counted(), answer.variables, text, sample=TABLE_SAMPLE)
        text.detach()
