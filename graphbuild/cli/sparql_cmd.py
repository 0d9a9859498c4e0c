"""`graphbuild sparql QUERY|@file.rq`: SPARQL 1.1 on the built graph, in the standard result formats."""

from __future__ import annotations

import sys

import click

from graphbuild.cli._ask import fail_graph, graph_option, table
from graphbuild.write.store import GraphError


@click.command()
@click.argument("query")
@graph_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "nt", "ttl"]),
              default="table", show_default=True,
              help="table for people; json/xml/csv/tsv are the W3C SPARQL result formats; "
                   "nt/ttl for CONSTRUCT and DESCRIBE.")
@click.option("--timeout", type=float, default=None, help="Give up after this many seconds (exit 1).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="Fail (exit 1) rather than print more rows than this.")
def sparql(query: str, graph_dir: str, fmt: str, timeout: float | None, max_rows: int) -> None:
    """Run a SPARQL 1.1 query (text, or @file.rq, or - for stdin) on the graph; read-only.

    The prefixes gb: eli: sdo: dct: org: nif: skos: rdfs: doc: body: article: ... are predeclared.
    """
    from graphbuild.ask.sparql import SparqlError, compact, execute, fitting_format, read_query, serialize
    from graphbuild.write.store import open_store

    try:
        text = read_query(query)
    except OSError as e:
        name = "stdin" if query == "-" else query[1:]
        click.echo(f"graphbuild sparql: error: cannot read {name}: {e.strerror}", err=True)
        sys.exit(2)
    try:
        store = open_store(graph_dir)
    except GraphError as e:
        fail_graph("sparql", e)
        return
    try:
        result = execute(store, text, max_rows=max_rows, timeout=timeout)
    except SparqlError as e:
        click.echo(f"graphbuild sparql: error: {e}", err=True)
        sys.exit(1)
    out = click.get_binary_stream("stdout")
    if fmt != "table":
        out.write(serialize(result, fitting_format(result.kind, fmt)))
        return
    if result.kind == "ask":
        click.echo("true" if result.boolean else "false")
    elif result.kind == "graph":
        out.write(serialize(result, "ttl"))
    else:
        table(([compact(t) for t in row] for row in result.rows), result.variables)
        click.echo(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})", err=True)
