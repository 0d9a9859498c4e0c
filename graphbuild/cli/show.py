"""`graphbuild show X`: one document — number, type, date, issuer, subject, related documents, articles."""

from __future__ import annotations

import sys

import click

from graphbuild.cli._ask import (
    check_argument,
    fail_graph,
    format_option,
    graph_option,
    note_match,
    write_records,
)
from graphbuild.write.store import GraphError


@click.command()
@click.argument("reference")
@graph_option
@format_option
def show(reference: str, graph_dir: str, fmt: str) -> None:
    """Describe the document REFERENCE names (written as for `graphbuild cites`).

    Exit 1 when no document matches (nearest ones suggested on stderr).
    """
    check_argument("show", reference, "REFERENCE")
    from graphbuild.ask.query import show as describe
    from graphbuild.ask.records import SHOW_COLUMNS, show_rows

    try:
        match, infos = describe(graph_dir, reference)
    except GraphError as e:
        fail_graph("show", e)
        return
    if not note_match("show", reference, match, graph_dir):
        sys.exit(1)
    if fmt != "table":
        write_records(show_rows(infos), fmt, SHOW_COLUMNS)
        return
    for n, i in enumerate(infos):
        if n:
            click.echo()
        click.echo(f"{i.label}\n  id        {i.document}\n  iri       {i.iri}")
        for name, value in (("number", i.number), ("type", i.type), ("date", i.date or i.year), ("term", i.term),
                            ("issuer", i.issuer), ("numbering", i.numbering_body), ("subject", i.subject),
                            ("source", i.source), ("cite keys", ", ".join(i.cite_keys))):
            if value:
                click.echo(f"  {name:9} {value}")
        click.echo(f"  articles  {i.articles} ({i.citations} mention(s)); `graphbuild cites {i.document}` lists them")
        if i.directives:
            click.echo("  directive network (articles stating it):")
            for link in i.directives:
                where = f"  [{link.province}]" if link.province and link.direction == "in" else ""
                click.echo(f"    {link.wording:14} {link.document}  {link.label}{where}  ({link.articles})")
        for title, rel in (("it cites / contains / may be", i.outgoing), ("cited / contained by", i.incoming)):
            if rel:
                click.echo(f"  {title}:")
                for r in rel:
                    click.echo(f"    {r.relation:12} {r.document}  {r.label}")
        for c in i.conflicts:
            click.echo(f"  conflict  {c}")
