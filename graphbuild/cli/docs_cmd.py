"""`graphbuild docs`: documents found by issuer, type, term, dates, province and subject words, with their counts."""

from __future__ import annotations

import sys

import click

from graphbuild.cli._ask import fail_graph, format_option, graph_option, table, write_records
from graphbuild.write.store import GraphError


@click.command()
@click.option("--issuer", metavar="BODY", help="The issuing body: a name in any spelling ('bo chinh tri'), "
              "an issuer code (BTCTW) or body:ID.")
@click.option("--type", "doc_type", metavar="TYPE", help="The document type ('Chỉ thị', 'chi thi', chi-thi).")
@click.option("--term", metavar="K", help="The Party term: XII, 'khóa XII' or 12.")
@click.option("--since", metavar="DATE", help="Issued on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Issued on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--province", metavar="P", help="Issued in province P (a local document).")
@click.option("--subject", metavar="WORDS", help="Every word in the subject or title, diacritics optional.")
@click.option("--cited-by-province", metavar="P", help="Cited by articles from province P (counts those articles).")
@click.option("--sort", type=click.Choice(("citations", "date")), default="citations", show_default=True,
              help="Most cited first, or newest first.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many documents.")
@graph_option
@format_option
def docs(issuer: str | None, doc_type: str | None, term: str | None, since: str | None, until: str | None,
         province: str | None, subject: str | None, cited_by_province: str | None, sort: str, limit: int | None,
         graph_dir: str, fmt: str) -> None:
    """Documents of the graph meeting every condition given, with their citation counts.

    \b
    Examples:  graphbuild docs --issuer 'Bộ Chính trị' --since 2019 --until 2019
               graphbuild docs --subject 'kiem soat quyen luc' --sort date
               graphbuild docs --cited-by-province 'Thái Bình' --format csv

    json/jsonl/csv objects carry: document, label, type, date, issuer, term, province, subject,
    citations (mentions in the corpus), articles (citing articles; from the province with
    --cited-by-province).  Exit 2 when a name matches nothing in the graph or --graph is not built.
    """
    from graphbuild.ask.catalog_search import DOCS_COLUMNS, CatalogFilter, UnknownName, find_documents_by

    where = CatalogFilter(issuer=issuer, type=doc_type, term=term, since=since, until=until, province=province,
                          subject=subject, cited_by_province=cited_by_province)
    try:
        found = find_documents_by(graph_dir, where, sort=sort, limit=limit)
    except GraphError as e:
        fail_graph("docs", e)
        return
    except UnknownName as e:
        click.echo(f"graphbuild docs: error: {e}", err=True)
        sys.exit(2)
    rows = [{c: e.to_dict()[c] for c in DOCS_COLUMNS} for e in found]
    if fmt != "table":
        write_records(rows, fmt, DOCS_COLUMNS)
        return
    table(((r["articles"], r["citations"], r["date"] or "", r["document"], r["label"]) for r in rows),
          ("articles", "mentions", "date", "document", "label"))
    click.echo(f"{len(rows)} document(s)", err=True)
