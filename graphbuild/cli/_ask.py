"""Shared by the asking commands (cites, refs, show, stats): the --graph/--format options and the writers.

Why here: every asking command must treat a missing graph, a format and an ambiguous or
unknown reference the same way, and scripts rely on those behaviours.
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from graphbuild.cli import _streams
from graphbuild.write.store import DEFAULT_GRAPH_DIR, GraphError

if TYPE_CHECKING:
    from graphbuild.ask.matching import Match

FORMATS = ("table", "json", "jsonl", "csv")
# The longest REFERENCE / ARTICLE the asking commands read.  A reference as written is under 200
# characters, a source path under the system's 4,096 bytes; matching compares the text with
# every document's spellings, so an unbounded argument was a way to keep the CPU busy for minutes.
MAX_ARGUMENT = 1000

F = TypeVar("F", bound=Callable[..., Any])


def graph_option(f: F) -> F:
    return click.option("--graph", "graph_dir", default=DEFAULT_GRAPH_DIR, show_default=True,
                        type=click.Path(file_okay=False),
                        help="A graph built by `graphbuild build ... --out DIR`.")(f)


def format_option(f: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table (for people), json (one array), jsonl (one object a line), csv (with header).")(f)


def not_empty(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An argument naming something must name it: an empty or blank one is a usage error (exit 2)."""
    if not value.strip():
        raise click.BadParameter("is empty: say which one", param=param)
    return value


def fail_graph(cmd: str, e: GraphError) -> None:
    """A missing or unbuilt graph: say which and how to build it (exit 2, like a usage error)."""
    click.echo(f"graphbuild {cmd}: error: {e}", err=True)
    sys.exit(2)


def write_records(rows: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str], out: IO[str] | None = None) -> None:
    """json / jsonl / csv of plain dicts (csv: ``columns`` only, header first; lists joined by ' | ')."""
    out = out or _streams.text_stream("stdout")
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


def table(rows: Iterable[Sequence[Any]], header: Sequence[str], out: IO[str] | None = None,
          sample: int | None = None) -> None:
    """A plain aligned text table (no wrapping: long cells stay whole so they can be copied).

    The columns are as wide as their widest cell among all rows, or among the first ``sample``
    rows when given: those are held, the others written as they come.
    """
    out = out or _streams.text_stream("stdout")
    rows = iter(rows)
    cells = [[_cell(c) for c in r] for r in (rows if sample is None else itertools.islice(rows, sample))]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    widths[-1] = 0  # the last column is never padded
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for r in itertools.chain(cells, ([_cell(c) for c in r] for r in rows)):
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def check_argument(cmd: str, value: str, what: str) -> None:
    """Exit 1 with one line when ``value`` cannot name anything: longer than MAX_ARGUMENT or not UTF-8."""
    if len(value) > MAX_ARGUMENT:
        click.echo(f"graphbuild {cmd}: {what} is {len(value):,} characters long; give at most {MAX_ARGUMENT:,} "
                   f"(for example 205-QĐ/TW, doc:qd-tw_2019_205, or an article's source path)", err=True)
        sys.exit(1)
    bad = next((i for i, c in enumerate(value) if "\udc80" <= c <= "\udcff"), None)
    if bad is not None:
        click.echo(f"graphbuild {cmd}: {what} is not UTF-8 text (byte 0x{ord(value[bad]) - 0xDC00:02X} at "
                   f"character {bad + 1}); type it again in a UTF-8 terminal", err=True)
        sys.exit(1)


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
