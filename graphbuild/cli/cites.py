"""`graphbuild cites X`: the articles citing a document, newest first, each mention in its sentence."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import click

from graphbuild.cli import _streams
from graphbuild.cli._ask import (
    check_argument,
    fail_graph,
    format_option,
    graph_option,
    not_empty,
    note_match,
    write_records,
)
from graphbuild.write.store import GraphError

if TYPE_CHECKING:
    from graphbuild.ask.documents import Document
    from graphbuild.ask.query import Citation, CitingArticles


@click.command()
@click.argument("reference", callback=not_empty)
@graph_option
@format_option
@click.option("--no-context", is_flag=True, help="Do not re-read sources for sentences (faster; sentence = anchor).")
def cites(reference: str, graph_dir: str, fmt: str, no_context: bool) -> None:
    """Articles citing REFERENCE, as a reader writes it.

    \b
    Examples:  'Quy định 205-QĐ/TW'  205-QĐ/TW  205-QD/TW  'qd 205 tw'  'Quy định 205'
               'Nghị quyết Trung ương 6 khóa XII'  'Nghị định 108/2014/NĐ-CP'
               'Đại hội Đảng lần thứ XIII'  'Văn kiện Đại hội XIII'  'Hội nghị Trung ương 4 khóa XII'
               https://w3id.org/graphbuild/id/doc/qd-tw_2019_205   doc:qd-tw_2019_205

    json/jsonl/csv objects carry: document, label, article, source, title, date, surface,
    sentence (the reference marked »…«). Exit 1 when no document matches (nearest ones are
    suggested on stderr), 2 when REFERENCE is empty or --graph is not a built graph.
    """
    check_argument("cites", reference, "REFERENCE")
    from graphbuild.ask.query import cites_streaming
    from graphbuild.ask.records import CITES_COLUMNS

    try:
        match, per_doc = cites_streaming(graph_dir, reference, context=not no_context)
    except GraphError as e:
        fail_graph("cites", e)
        return
    if not note_match("cites", reference, match, graph_dir):
        sys.exit(1)
    out = _streams.text_stream("stdout")
    if fmt != "table":
        write_records(_rows_as_found(per_doc, out), fmt, CITES_COLUMNS, out)
        return
    for i, (d, rows) in enumerate(per_doc):
        if i:
            out.write("\n")
        out.write(f"{d.label}  [{d.id}]  — {len(rows)} article(s)\n")
        if d.kind == "citekey":
            out.write("  (ambiguous number: " + (", ".join(d.candidates) or "no candidate known") + ")\n")
        for chunk in rows.chunks():
            out.write("".join(_table_entry(c) for c in chunk))
            out.flush()


def _rows_as_found(per_doc: list[tuple[Document, CitingArticles]], out: IO[str]) -> Iterator[dict[str, Any]]:
    """The json/jsonl/csv rows, stdout flushed after each chunk so a reader has them before the next is read."""
    for _, rows in per_doc:
        for chunk in rows.chunks():
            yield from (c.to_dict() for c in chunk)
            out.flush()


def _table_entry(c: Citation) -> str:
    return (f"\n  {c.date or 'undated':10}  {c.title or c.article}\n"
            f"              {c.source or c.article}" + (f"  ({c.mentions} mentions)" if c.mentions > 1 else "") + "\n"
            f"              {c.sentence}\n")
