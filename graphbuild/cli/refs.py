"""`graphbuild refs ARTICLE`: the documents one article cites, in order of first mention."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from graphbuild.cli._ask import fail_graph, format_option, graph_option, table, write_records
from graphbuild.write.store import GraphError

COLUMNS = ("article", "title", "date", "source", "document", "label", "kind", "mentions", "surfaces")


@click.command()
@click.argument("article")
@graph_option
@format_option
def refs(article: str, graph_dir: str, fmt: str) -> None:
    """Documents cited by ARTICLE (an article id, its IRI, or the source path it was read from).

    json/jsonl/csv: one object per (article, document). Exit 1 when no article matches.
    """
    from graphbuild.ask.query import refs as find_refs

    try:
        found = find_refs(graph_dir, article)
    except GraphError as e:
        fail_graph("refs", e)
        return
    if not found:
        click.echo(f"graphbuild refs: no article in {graph_dir} matches {article!r} "
                   "(give an article id, its IRI, or its source path)", err=True)
        sys.exit(1)
    rows = [{"article": a.article, "title": a.title, "date": a.date, "source": a.source,
             **{k: v for k, v in asdict(r).items()}, "article_iri": a.article_iri}
            for a in found for r in a.references]
    if fmt != "table":
        write_records(rows, fmt, COLUMNS)
        return
    for i, a in enumerate(found):
        if i:
            click.echo()
        click.echo(f"{a.title or a.article}  [{a.article}]  {a.date or 'undated'}  {a.source or ''}")
        click.echo(f"cites {len(a.references)} document(s):")
        table(((r.mentions, r.document, r.label, " | ".join(r.surfaces)) for r in a.references),
              ("mentions", "document", "label", "as written"))
