"""`graphbuild extract`: print every document reference found in files, folders or stdin."""

from __future__ import annotations

import html as html_lib
import json
import sys
from typing import TextIO

import click

from graphbuild.cli import _streams
from graphbuild.domain.model import Mention

TABLE_COLUMNS = ("source", "start", "kind", "id", "date", "issuer", "surface")
# One encoder for every row: json.dumps(..., ensure_ascii=False) builds a new one per call, and the same
# settings give the same bytes.  (orjson and msgspec drop the space after ':' and ',', so their rows differ.)
_encode_row = json.JSONEncoder(ensure_ascii=False).encode


def render(mentions: list[Mention], fmt: str, out: TextIO, *, header: bool = True) -> None:
    """Write mentions in one of the output formats (``header``: the table's column names first)."""
    if fmt == "jsonl":  # one write per text, not per row
        out.write("".join([_encode_row(m.to_dict()) + "\n" for m in mentions]))
    elif fmt == "json":  # one string, one write: json.dump writes every token apart
        out.write(json.dumps([m.to_dict() for m in mentions], ensure_ascii=False, indent=1) + "\n")
    elif fmt == "table":
        lines = ["\t".join(TABLE_COLUMNS) + "\n"] if header else []
        for m in mentions:
            d = m.to_dict()
            lines.append("\t".join("" if d[c] is None else str(d[c]) for c in TABLE_COLUMNS) + "\n")
        out.write("".join(lines))


def render_html(texts: list[tuple[str, str, list[Mention]]], out: TextIO) -> None:
    """One page: every text with each reference marked, its canonical id as a tooltip."""
    out.write("<!doctype html><meta charset='utf-8'><title>graphbuild extract</title>\n"
              "<style>mark{background:#fde68a}mark.state{background:#bfdbfe}mark.named{background:#bbf7d0}"
              "pre{white-space:pre-wrap;font-family:inherit}</style>\n")
    for name, text, mentions in texts:
        out.write(f"<h2>{html_lib.escape(name)}</h2>\n<pre>")
        pos = 0
        for m in sorted(mentions, key=lambda m: m.start):
            if m.start < pos:
                continue
            out.write(html_lib.escape(text[pos:m.start]))
            out.write(f"<mark class='{m.kind}' title='{html_lib.escape(m.id, quote=True)}'>"
                      f"{html_lib.escape(text[m.start:m.end])}</mark>")
            pos = m.end
        out.write(html_lib.escape(text[pos:]) + "</pre>\n")


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table", "html"]), default="jsonl",
              show_default=True, help="Output format.")
def extract(paths: tuple[str, ...], fmt: str) -> None:
    """Print every document reference in PATHS (files, folders, or - for stdin).

    PATHS are read as `graphbuild build` reads them: each record of a JSON Lines, JSON, CSV or TSV
    file is an article, so is the body text of an HTML page and (as the Spark engine reads them)
    each page of a WET/WARC file; any other file is one plain-text article.  A text repeated in
    one file is read once; one repeated in another file is read again (a build keeps the first).

    Each reference carries the keys: source, start, end, surface, kind, doc_type, number,
    type_code, issuer_code, year, date, issuer, plenum, congress, term, subject, id, form,
    antecedent, sentence_start, sentence_end, relations.  As in the mentions.jsonl of a build,
    source names the article (notes.txt, corpus.jsonl:3) and start and end index its text.

    An input or record that cannot be read is reported on stderr; the others are still processed
    and the exit status is 1.
    """
    # Imported here: every other command starts without compiling the grammar and the readers' patterns.
    from graphbuild.domain.skipped import SkippedInput
    from graphbuild.extract import extract as find_mentions
    from graphbuild.read.inputs import read_file
    from graphbuild.read.textio import iter_files_with_root

    failed = 0
    out = _streams.text_stream("stdout")
    all_mentions: list[Mention] = []
    pages: list[tuple[str, str, list[Mention]]] = []
    for name, path, root in iter_files_with_root(paths or ("-",)):
        written = errors = 0
        for item in read_file(name, path, root):
            if isinstance(item, SkippedInput):
                click.echo(f"graphbuild extract: {item.severity}: {item}", err=True)
                errors += item.severity == "error"
                continue
            mentions = find_mentions(item.text, item.source)
            if fmt == "html":
                pages.append((item.source, item.text, mentions))
            elif fmt == "json":
                all_mentions.extend(mentions)
            else:
                render(mentions, fmt, out, header=not written)
                written += 1
        if fmt == "table" and not written and not errors:
            render([], fmt, out)  # an input with no article (an empty file) still has its table header
        failed += errors
    if fmt == "json":
        render(all_mentions, fmt, out)
    elif fmt == "html":
        render_html(pages, out)
    if failed:
        click.echo(f"graphbuild extract: {failed} source(s) could not be read", err=True)
        sys.exit(1)
