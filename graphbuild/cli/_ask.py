"""Shared by the asking commands (cites, refs, show, stats): the --graph/--format options and the writers.

Why here: every asking command must treat a missing graph, a format and an ambiguous or
unknown reference the same way, and scripts rely on those behaviours.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from graphbuild.write.store import DEFAULT_GRAPH_DIR, GraphError

if TYPE_CHECKING:
    from graphbuild.ask.matching import Match

FORMATS = ("table", "json", "jsonl", "csv")

F = TypeVar("F", bound=Callable[..., Any])


def graph_option(f: F) -> F:
    return click.option("--graph", "graph_dir", default=DEFAULT_GRAPH_DIR, show_default=True,
                        type=click.Path(file_okay=False),
                        help="A graph built by `graphbuild build ... --out DIR`.")(f)


def format_option(f: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table (for people), json (one array), jsonl (one object a line), csv (with header).")(f)


def fail_graph(cmd: str, e: GraphError) -> None:
    """A missing or unbuilt graph: say which and how to build it (exit 2, like a usage error)."""
    click.echo(f"graphbuild {cmd}: error: {e}", err=True)
    sys.exit(2)


def write_records(rows: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str], out: IO[str] | None = None) -> None:
    """json / jsonl / csv of plain dicts (csv: ``columns`` only, header first; lists joined by ' | ')."""
    out = out or click.get_text_stream("stdout")
    if fmt == "json":
        # One string, one write: json.dump writes every token separately (6.6M writes for 110k rows).
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in columns])


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return " | ".join(_cell(x) for x in v)
    return str(v)


def table(rows: Iterable[Sequence[Any]], header: Sequence[str], out: IO[str] | None = None) -> None:
    """A plain aligned text table (no wrapping: long cells stay whole so they can be copied)."""
    out = out or click.get_text_stream("stdout")
    cells = [[_cell(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    widths[-1] = 0  # the last column is never padded
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for r in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def note_match(cmd: str, x: str, match: Match, graph_dir: str) -> bool:
    """Tell stderr when X names several documents or none (then with suggestions); False when none."""
    if not match.documents:
        click.echo(f"graphbuild {cmd}: no document in {graph_dir} matches {x!r}", err=True)
        if match.suggestions:
            click.echo("nearest known documents:", err=True)
            for d in match.suggestions:
                click.echo(f"  {d.id}\t{d.label}", err=True)
        return False
    if len(match.documents) > 1:
        click.echo(f"graphbuild {cmd}: {x!r} matches {len(match.documents)} documents "
                   "(a number reused across terms or issuers); showing each:", err=True)
        for d in match.documents:
            click.echo(f"  {d.id}\t{d.label}", err=True)
    return True
