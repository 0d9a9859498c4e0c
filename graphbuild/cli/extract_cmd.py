"""`graphbuild extract`: print every document reference found in files, folders or stdin."""

from __future__ import annotations

import html as html_lib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from graphbuild.domain.model import MENTION_KEYS, Mention
from graphbuild.extract.find import extract as find_mentions
from graphbuild.read import textio
from graphbuild.read.textio import InputError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


def iter_sources(paths: Iterable[str]) -> Iterator[tuple[str, Path | None]]:
    """(name as given, path) for every file named or found below a folder; '-' is stdin."""
    return textio.iter_files(paths)


def read_text(name: str, path: Path | None) -> str:
    """Decode one source (UTF-8, UTF-16, Windows-1258, TCVN3, VNI), or raise InputError saying why not."""
    return textio.read_text(path, name)


def render(mentions: list[Mention], fmt: str, out) -> None:
    """Write mentions in one of the output formats."""
    if fmt == "jsonl":
        for m in mentions:
            out.write(json.dumps(m.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "json":
        json.dump([m.to_dict() for m in mentions], out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "table":
        cols = ("source", "start", "kind", "id", "date", "issuer", "surface")
        out.write("\t".join(cols) + "\n")
        for m in mentions:
            d = m.to_dict()
            out.write("\t".join("" if d[c] is None else str(d[c]) for c in cols) + "\n")


def render_html(texts: list[tuple[str, str, list[Mention]]], out) -> None:
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

    Each reference carries the keys: """ + ", ".join(MENTION_KEYS) + """.
    A file that cannot be read is reported on stderr; the others are still processed
    and the exit status is 1.
    """
    failed = 0
    out = click.get_text_stream("stdout")
    all_mentions: list[Mention] = []
    pages: list[tuple[str, str, list[Mention]]] = []
    for name, path in iter_sources(paths or ("-",)):
        try:
            text = read_text(name, path)
        except InputError as e:
            click.echo(f"graphbuild extract: error: {e}", err=True)
            failed += 1
            continue
        mentions = find_mentions(text, name)
        if fmt == "html":
            pages.append((name, text, mentions))
        elif fmt == "json":
            all_mentions.extend(mentions)
        else:
            render(mentions, fmt, out)
    if fmt == "json":
        render(all_mentions, fmt, out)
    elif fmt == "html":
        render_html(pages, out)
    if failed:
        click.echo(f"graphbuild extract: {failed} source(s) could not be read", err=True)
        sys.exit(1)
