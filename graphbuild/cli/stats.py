"""`graphbuild stats`: most-cited documents, most active issuers, citations per year."""

from __future__ import annotations

import click

from graphbuild.cli import _streams
from graphbuild.cli._ask import fail_graph, format_option, graph_option, table, write_records
from graphbuild.write.store import GraphError


@click.command()
@graph_option
@format_option
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many documents and issuers.")
def stats(graph_dir: str, fmt: str, top: int) -> None:
    """Totals of the graph: most-cited documents, most active issuers, citations per year.

    json: one object with articles, mentions, documents, citation_keys, top_documents,
    top_issuers and per_year. jsonl/csv: one row per entry, with a 'section' column.
    """
    from graphbuild.ask.query import stats as compute
    from graphbuild.ask.records import STATS_COLUMNS, STATS_SECTIONS, stats_rows

    try:
        s = compute(graph_dir, limit=top)
    except GraphError as e:
        fail_graph("stats", e)
        return
    out = _streams.text_stream("stdout")
    if fmt == "json":
        import json

        out.write(json.dumps(s, ensure_ascii=False, indent=1) + "\n")
        return
    if fmt in ("jsonl", "csv"):
        write_records(stats_rows(s), fmt, STATS_COLUMNS)
        return
    click.echo(f"{s['articles']} articles citing, {s['mentions']} mentions, {s['documents']} documents, "
               f"{s['citation_keys']} ambiguous citation keys\n")
    titles = {"top_documents": "Most-cited documents (by articles)", "top_issuers": "Most active issuers",
              "per_year": "Citations per year (article date)"}
    for name, cols in STATS_SECTIONS:
        click.echo(titles[name])
        table(([r[c] for c in cols] for r in s[name]), cols)
        click.echo()
