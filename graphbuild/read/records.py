"""Files of records — JSON Lines lines, CSV and TSV rows, a JSON list — and what may be wrong with one record.

Each record goes to ``reader.record(rec, source, line)`` (:class:`graphbuild.read.articles` makes
the article); a record that cannot be parsed is one SkippedInput that names its line, and
the records around it are still read: a line nested too deeply or holding a number too long
to convert, a CSV row whose quote is never closed (the lines after it are read again as rows,
so it cannot swallow them), a header that names a column twice (the first is read, and the
note says so).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Generator, Iterator
from typing import Any, Protocol

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput

__all__ = ["TEXT_KEYS", "LINE_ERRORS", "csv_records", "json_records", "unparsable"]

TEXT_KEYS = ("text", "content", "body", "noi_dung", "article", "fulltext", "full_text")


class RecordReader(Protocol):
    def record(self, rec: Any, source: str, line: int | None) -> Iterator[Article | SkippedInput]: ...


def unparsable(e: Exception, fix: str) -> str:
    """What is wrong with JSON text that ``json.loads`` refused with ``e``, and ``fix``."""
    if isinstance(e, json.JSONDecodeError):
        return f"invalid JSON ({e.msg} at column {e.colno}); {fix}"
    if isinstance(e, RecursionError):
        return f"JSON nested too deeply to read (about a thousand levels or more); {fix}"
    if "integer string conversion" in str(e):
        return f"JSON holds a number too long to read (over 4300 digits); {fix}"
    return f"unreadable JSON ({type(e).__name__}: {e}); {fix}"


# What json.loads raises on one record it cannot read: JSONDecodeError and a number over Python's
# 4300-digit conversion limit are ValueErrors; nesting past the recursion limit is a RecursionError.
LINE_ERRORS = (ValueError, RecursionError)


def json_records(reader: RecordReader, text: str, source: str) -> Iterator[Article | SkippedInput]:
    """The articles of a JSON file: a list of records, an object holding one (``articles``, ``items``...), or one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield SkippedInput(source, e.lineno, f"invalid JSON ({e.msg} at column {e.colno}); fix the file")
        return
    except LINE_ERRORS as e:
        yield SkippedInput(source, None, unparsable(e, "fix the file"))
        return
    if isinstance(data, dict):
        inner = next((data[k] for k in ("articles", "items", "data", "records") if isinstance(data.get(k), list)),
                     None)
        data = inner if inner is not None else [data]
    if not isinstance(data, list):
        yield SkippedInput(source, None, "expected a JSON list of article objects; skipped")
        return
    for i, rec in enumerate(data):
        yield from reader.record(rec, f"{source}[{i}]", None)


# --- CSV ----------------------------------------------------------------------------------------


def _from(lines: list[str], start: int) -> Iterator[str]:
    for i in range(start, len(lines)):
        yield lines[i]


def _header_note(cols: list[str], source: str) -> tuple[list[int], SkippedInput | None]:
    """The columns read (the first of each name, case aside) and a note naming those given twice."""
    lower = [c.lower() for c in cols]
    keep = [i for i, c in enumerate(lower) if lower.index(c) == i]
    twice = [c for i, c in enumerate(cols) if c and lower.index(lower[i]) == i and lower.count(lower[i]) > 1]
    if not twice:
        return keep, None
    where = "; ".join(f"'{c}' in columns " + ", ".join(str(i + 1) for i, x in enumerate(lower) if x == c.lower())
                      for c in twice)
    return keep, SkippedInput(source, 1, f"a column is named twice ({where}); the first of each is read, the "
                                         "others ignored — rename or remove the extra column", "repaired")


def csv_records(reader: RecordReader, text: str, source: str, tsv: bool) -> Iterator[Article | SkippedInput]:
    """The articles of a CSV (or TSV) file, one per row, each named by the line its row starts on.

    Parsed strictly: a quote that is not closed, or is followed by anything but a delimiter, makes
    its row malformed.  A malformed row — or one with the wrong number of fields that spans more
    than one line, as a row whose quote opened by mistake does — is reported, and reading starts
    again on the line after the one it began on, so the rows it swallowed are read as rows.
    """
    csv.field_size_limit(2**31 - 1)  # article bodies are far beyond the 128 KiB default
    delimiter = "\t"
    if not tsv:
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
    lines = io_lines(text)
    rows = csv.reader(_from(lines, 0), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        yield SkippedInput(source, None, "empty CSV file; skipped", "warning")
        return
    except csv.Error as e:
        yield SkippedInput(source, 1, f"unreadable CSV header ({e}); fix the file")
        return
    cols = [h.strip().lstrip("\ufeff") for h in header]
    if not any(c.lower() in TEXT_KEYS for c in cols):
        yield SkippedInput(source, 1, f"missing column 'text' (or {', '.join(TEXT_KEYS[1:3])}); found columns: "
                                   f"{', '.join(cols) or '(none)'}; add a text column")
        return
    keep, note = _header_note(cols, source)
    if note is not None:
        yield note
    names = [cols[i] for i in keep]
    pos = rows.line_num
    while pos < len(lines):
        pos = yield from _rows_from(reader, lines, pos, delimiter, (len(cols), keep, names), source)


def _rows_from(reader: RecordReader, lines: list[str], pos: int, delimiter: str,
               shape: tuple[int, list[int], list[str]], source: str) -> Generator[Article | SkippedInput, None, int]:
    """Read rows from ``lines[pos:]`` until the end or a row to read past; returns where to go on."""
    width, keep, names = shape
    rows = csv.reader(_from(lines, pos), delimiter=delimiter, strict=True)
    while True:
        start = pos + rows.line_num + 1  # the line (1-based) the next row starts on
        try:
            row = next(rows)
        except StopIteration:
            return len(lines)
        except csv.Error as e:
            yield SkippedInput(source, start, f"malformed CSV row ({e}): a quote not closed, or not doubled inside "
                                              "a quoted field; skipped, the lines after it read again — fix the quote")
            return start
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            spans = pos + rows.line_num > start
            hint = " (a quote opened on this line may not be closed; the lines after it are read again)" \
                if spans else ""
            yield SkippedInput(source, start, f"row has {len(row)} fields, header has {width}{hint}; skipped")
            if spans:
                return start
            continue
        yield from reader.record(dict(zip(names, (row[i] for i in keep), strict=True)), source, start)


def io_lines(text: str) -> list[str]:
    """The physical lines of ``text`` as the csv module reads them (any line ending, kept)."""
    return io.StringIO(text, newline="").readlines()
