"""`graphbuild export`: the graph as tables for spreadsheets (CSV files, or one Excel workbook)."""

from __future__ import annotations

import sys

import click

from graphbuild.cli._ask import fail_graph, graph_option
from graphbuild.write.store import GraphError


@click.command()
@click.argument("out", type=click.Path())
@graph_option
@click.option("--format", "fmt", type=click.Choice(("csv", "xlsx")), default="csv", show_default=True,
              help="csv: five files in the folder OUT; xlsx: one workbook OUT (needs openpyxl).")
@click.option("--no-context", is_flag=True, help="Do not re-read sources for sentences (faster; sentence = anchor).")
def export(out: str, graph_dir: str, fmt: str, no_context: bool) -> None:
    """Write the graph as tables: documents, articles, bodies, citations, relations.

    \b
    Examples:  graphbuild export tables/            (documents.csv, articles.csv, bodies.csv,
                                                     citations.csv, relations.csv)
               graphbuild export graph.xlsx --format xlsx

    CSV files are UTF-8 with a byte-order mark (Excel shows Vietnamese text correctly), one
    header row. Exit 2 when --graph is not a built graph.
    """
    from graphbuild.ask.export import tables, write_csv, write_xlsx

    try:
        found = tables(graph_dir, context=not no_context)
    except GraphError as e:
        fail_graph("export", e)
        return
    if fmt == "xlsx":
        try:
            book = write_xlsx(out, found)
        except ImportError:
            click.echo("graphbuild export: error: --format xlsx needs openpyxl (pip install openpyxl)", err=True)
            sys.exit(2)
        written = [f"{book}#{t.name}" for t in found]
    else:
        written = [str(p) for p in write_csv(out, found)]
    for t, where in zip(found, written, strict=True):
        click.echo(f"{where}\t{len(t.rows)} rows", err=True)
