"""`graphbuild refs ARTICLE`: the documents one article cites, in order of first mention."""

from __future__ import annotations

import sys

import click

from graphbuild.cli._ask import (
    check_argument,
    fail_graph,
    format_option,
    graph_option,
    not_empty,
    table,
    write_records,
)
from graphbuild.write.store import GraphError


@click.command()
@click.argument("article", callback=not_empty)
@graph_option
@format_option
def refs(article: str, graph_dir: str, fmt: str) -> None:
    """Documents cited by ARTICLE: its id or IRI, or the file or URL it was read from.

    \b
    Examples:  000_22ab1fdcbd145b34           (an article id, or a file's stem)
               data/000_22ab1fdcbd145b34.txt  (the path given to build, absolute or relative)
               https://example.vn/bai-viet    (the article's URL, scheme and www. optional)

    json/jsonl/csv: one object per (article, document). Exit 1 when no article matches,
    2 when ARTICLE is empty.
    """
    check_argument("refs", article, "ARTICLE")
    from graphbuild.ask.query import refs as find_refs
    from graphbuild.ask.records import REFS_COLUMNS, refs_rows

    try:
        found = find_refs(graph_dir, article)
    except GraphError as e:
        fail_graph("refs", e)
        return
    if not found:
        click.echo(f"graphbuild refs: no article in {graph_dir} matches {article!r} "
                   "(give an article id, its IRI, its source path, file name or URL)", err=True)
        sys.exit(1)
    if fmt != "table":
        write_records(refs_rows(found), fmt, REFS_COLUMNS)
        return
    for i, a in enumerate(found):
        if i:
            click.echo()
        click.echo(f"{a.title or a.article}  [{a.article}]  {a.date or 'undated'}  {a.source or ''}")
        click.echo(f"cites {len(a.references)} document(s):")
        table(((r.mentions, r.document, r.label, " | ".join(r.surfaces)) for r in a.references),
              ("mentions", "document", "label", "as written"))
