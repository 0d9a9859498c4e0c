"""Articles from plain text, HTML, JSON Lines, CSV, JSON, web archives and stdin — one bad input never stops the rest.

``read_articles`` is a generator of :class:`~graphbuild.domain.model.Article` and
:class:`~graphbuild.domain.skipped.SkippedInput` values.  It never raises for bad input: a missing
file, a binary file, a broken JSON line or a CSV without a text column each become one
SkippedInput (with the line where it applies), and reading goes on with the next line or file;
what could be repaired (an invalid byte, a duplicate id) is read, with a note of severity
``"repaired"``.  The caller decides whether to print, count or stop.  Files are opened by
:mod:`graphbuild.read.opening` (regular files only, decompressed, bounded).

Ids are what users join results back on, and stable across runs and machines: a record's own
identifier (``id``, ``_id``, ``article_id``, ``doc_id``, else its URL); for a file that is one
article, its path relative to the folder given on the command line, without the suffix
(``data/000_22ab1fdcbd145b34.txt`` → ``000_22ab1fdcbd145b34``); else a digest of the text.  Ids
are unique within one read: an id met again is kept with ``_2`` (``_3``...) added, and a note
naming both records.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from graphbuild.domain.gazetteer import _detect_nfc
from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read import opening
from graphbuild.read.heading import DATE_WINDOW, TITLE_MAX, VN_TZ, find_date, parse_date, text_title
from graphbuild.read.html import HTML_SUFFIXES, decode_html_noting, html_article
from graphbuild.read.identity import (
    _SURROGATES,
    _article_id,
    _collapsed_utf8,
    _dedupe_key,
    _dedupe_key_nfc,
    _IdSet,
    _own_id,
    _plain_spacing,
    _SeenSet,
    path_id,
)
from graphbuild.read.opening import compression_of, lines_of, open_input, uncompressed_name
from graphbuild.read.records import LINE_ERRORS, TEXT_KEYS, csv_records, json_records, unparsable
from graphbuild.read.textio import (
    REPAIR_RATIO,
    _utf16_guess,
    decode_noting,
    iter_files_with_root,
    printable,
    read_bytes,
    repair_note,
    replace_invalid,
)
from graphbuild.read.webarchive import is_web_archive, read_archive

__all__ = ["read_articles", "read_source", "read_record", "find_date", "parse_date", "text_title", "html_article",
           "article_id", "dedupe_key"]

TITLE_KEYS = ("title", "headline", "tieu_de", "name")
DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "published_time",
             "datePublished", "created", "created_at", "time", "ngay")
URL_KEYS = ("url", "link", "href", "source_url", "canonical")
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
# Names other modules and tests import from here.
_EXPORTED = (DATE_WINDOW, TITLE_MAX, VN_TZ, TEXT_KEYS, _collapsed_utf8, _plain_spacing, path_id)


# --- records ------------------------------------------------------------------------------


def _pick(rec: dict[str, Any], keys: Iterable[str]) -> Any:
    return _first({str(k).lower(): v for k, v in rec.items()}, [k.lower() for k in keys])


def _first(lower: dict[str, Any], keys: Iterable[str]) -> Any:
    """The first non-empty value of lower-case ``keys`` in a record whose keys are lower-cased.

    Why: a record is looked up five times (text, URL, title, id, date); lower-casing its keys
    once instead of once per lookup was a tenth of the reader's per-record overhead.
    """
    for k in keys:
        v = lower.get(k)
        if v not in (None, ""):
            return v
    return None


_ID_KEYS = ("id", "_id", "article_id", "doc_id")
_DATE_KEYS_LOWER = tuple(k.lower() for k in DATE_KEYS)


class _Reader:
    """State of one ``read_articles`` call: the texts and the ids already seen."""

    def __init__(self, progress: list[int] | None = None, unique_ids: bool = True) -> None:
        self.seen = _SeenSet()
        self.ids = _IdSet()
        self.unique_ids = unique_ids  # False: ids as given, made unique later over every file (Spark)
        # progress[0]: bytes of input consumed so far (files done plus the streamed part)
        self.progress = progress if progress is not None else [0]
        self.clash: SkippedInput | None = None  # the note of the last article whose id was taken

    def make(self, text: str, source: str, *, title: str | None = None, date: str | None = None,
             url: str | None = None, relpath: str | None = None, line: int | None = None,
             meta: dict[str, Any] | None = None, own: str | None = None) -> Article | None:
        """An Article, or None if the same text was already read in this call.

        Its id: ``own`` (a record's id), else ``url`` unless the article is a file of its own
        (``relpath``), else the file's path, else a digest of the text; made unique (``_2``...),
        with :attr:`clash` set to the note that says so.
        """
        norm = unicodedata.normalize("NFC", text)  # once, for the dedupe key and the gazetteer
        if not self.seen.add(_dedupe_key_nfc(norm)):
            return None
        date = date or find_date(text)
        aid = _article_id(own or (url if relpath is None else None), relpath, text)
        if self.unique_ids:
            aid = self._unique(aid, source, line)
        return Article(
            id=aid, text=text, source=source, title=title, date=date,
            url=url, province=_detect_nfc(norm, date, title), line=line, meta=meta or {},
        )

    def _unique(self, aid: str, source: str, line: int | None) -> str:
        """``aid``, or the first of ``aid_2``, ``aid_3``... not yet given, and a note naming both records."""
        had = self.ids.first_source(aid, source)
        if had is None:
            return aid
        n = 2
        while self.ids.first_source(f"{aid}_{n}", source) is not None:
            n += 1
        tail = f":{line}"
        file = source[: -len(tail)] if line is not None and source.endswith(tail) else source
        self.clash = SkippedInput(file, line, f"id {aid!r} is already the id of {had}; this article is kept as "
                                              f"{f'{aid}_{n}'!r} — give each record its own id", "repaired")
        return f"{aid}_{n}"

    def articles(self, text: str, source: str, **fields: Any) -> Iterator[Article | SkippedInput]:
        """:meth:`make`'s article (none for a text met before), after the note of a changed id if there is one."""
        art = self.make(text, source, **fields)
        if art is None:
            return
        if self.clash is not None:
            yield self.clash
            self.clash = None
        yield art

    def close(self) -> None:
        self.seen.close()
        self.ids.close()

    def record(self, rec: Any, source: str, line: int | None) -> Iterator[Article | SkippedInput]:
        where_src = source
        if not isinstance(rec, dict):
            yield SkippedInput(where_src, line, f"expected a JSON object, got {type(rec).__name__}; skipped")
            return
        lower = {str(k).lower(): v for k, v in rec.items()}
        text = _first(lower, TEXT_KEYS)
        if text is None:
            if any(str(k).lower() in TEXT_KEYS for k in rec):
                yield SkippedInput(where_src, line, "empty text; skipped", "warning")
            else:
                yield SkippedInput(where_src, line, f"no text field (looked for {', '.join(TEXT_KEYS[:3])}); skipped")
            return
        if not isinstance(text, str):
            yield SkippedInput(where_src, line, "text field is not a string; skipped")
            return
        if not text.strip():
            yield SkippedInput(where_src, line, "empty text; skipped", "warning")
            return
        url = _first(lower, URL_KEYS)
        url = str(url).strip() if isinstance(url, (str, int, float)) else None
        title = _first(lower, TITLE_KEYS)
        title = " ".join(str(title).split()) if isinstance(title, (str, int, float)) else None
        meta = {}
        rid = _first(lower, _ID_KEYS)
        own = _own_id(rid)
        if own is not None:
            meta["record_id"] = rid
        name = source if line is None else f"{source}:{line}"
        if title is not None and not title.isascii():
            title = _SURROGATES.sub("\ufffd", title)  # an escaped lone surrogate cannot be written as UTF-8
        if url is not None and not url.isascii():
            url = _SURROGATES.sub("\ufffd", url)
        try:
            yield from self.articles(text, name, title=title, date=parse_date(_first(lower, _DATE_KEYS_LOWER)),
                                     url=url, line=line, meta=meta, own=own or url)
        except UnicodeEncodeError:  # raised by the dedupe key, which encodes the text as UTF-8
            yield SkippedInput(where_src, line, "text contains a lone surrogate (an escape such as \\ud800 without "
                                                "its pair), which is not Unicode text; fix or remove this record")


def new_reader() -> _Reader:
    """A reader of its own (no texts or ids seen yet), for callers that read one record or page at a time."""
    return _Reader()


# --- JSON Lines ---------------------------------------------------------------------------


def _jsonl_lines(reader: _Reader, lines: Iterable[str], source: str) -> Iterator[Article | SkippedInput]:
    """The records of a JSON Lines text decoded whole (UTF-16, a legacy encoding), split on "\\n" only:
    str.splitlines() would also split on U+2028 inside JSON strings."""
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if not s:
            continue
        try:
            rec = json.loads(s)
        except LINE_ERRORS as e:
            yield SkippedInput(source, i, unparsable(e, "fix or remove this line"))
            continue
        yield from reader.record(rec, source, i)


STREAM_MIN_BYTES = 8 << 20  # JSON Lines files from this size are scanned first, then read from disk (_streamable)
_CHUNK = 1 << 20  # 16 MiB chunks decoded to 32 MiB strings cost page faults: 0.24 s -> 0.15 s on 70 MB
_ASCII = bytes(range(128))


class _Utf8Scan:
    """How JSON Lines bytes read, chunk by chunk: all UTF-8, UTF-8 with a few bad bytes, or something else."""

    def __init__(self) -> None:
        self.dec = codecs.getincrementaldecoder("utf-8")()
        self.started = False
        self.nuls = self.high = self.invalid = 0
        self.broken = self.other = False

    def add(self, chunk: bytes) -> None:
        if not self.started and (chunk.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
                              or (b"\x00" in chunk and _utf16_guess(chunk) is not None)):
            self.other = True  # UTF-16 or UTF-32: decoded whole
        self.started = True
        self.nuls += chunk.count(0)
        if not self.broken:
            try:
                self.dec.decode(chunk)
                return
            except UnicodeDecodeError:
                self.broken = True
        self.high += len(chunk.translate(None, _ASCII))
        text = chunk.decode("utf-8", "replace")
        self.invalid += text.count("\ufffd") - chunk.count(b"\xef\xbf\xbd")

    def mode(self) -> str | None:
        """"utf-8" (read as is), "repair" (read, bad bytes replaced, line by line) or None (decode whole)."""
        if not self.broken:
            try:
                self.dec.decode(b"", final=True)
            except UnicodeDecodeError:
                self.broken = True
        if self.other:
            return None
        if not self.broken:
            return "utf-8"
        return "repair" if self.invalid * REPAIR_RATIO <= self.high else None


def _stream_mode(path: Path, name: str) -> str | None:
    """The :meth:`_Utf8Scan.mode` of a JSON Lines file to read from disk line by line, or None: read it whole.

    Why: a corpus often comes as a few JSON Lines files of gigabytes; decoding one whole (bytes,
    text, then a list of lines) held about three times its size in memory, so peak memory grew
    with the corpus.  Line by line is exact when the file is UTF-8 (with a few bad bytes, each
    line's are replaced, as reading it whole would); that is checked first in one pass of
    bounded chunks (about 1 s per GB).  Small files are read whole and scanned in memory.
    """
    try:
        if compression_of(name) is None and path.stat().st_size < STREAM_MIN_BYTES:
            return None
        scan = _Utf8Scan()
        with open_input(path, name) as fh:
            while chunk := fh.read(_CHUNK):
                scan.add(chunk)
        return scan.mode()
    except (OSError, SkippedInput):
        return None


def _streamable(path: Path) -> bool:
    """True when a JSON Lines file is read from disk line by line (see :func:`_stream_mode`)."""
    return _stream_mode(path, str(path)) is not None


def _jsonl_bytes(reader: _Reader, lines: Iterable[bytes], name: str, check_nul: bool
                 ) -> Iterator[Article | SkippedInput]:
    """The records of JSON Lines bytes, line by line: each line decoded, parsed and made an article alone.

    A line with invalid UTF-8 is read with the bad bytes replaced and a note; a line with a
    NUL byte, invalid JSON, nesting too deep or a number too long is skipped with its number;
    a line over ``opening.MAX_LINE_BYTES`` ends the file (it is not JSON Lines).  A line that starts with
    "{" is parsed as read — JSON allows the newline after it, and a strip would only copy the
    text — and only when that fails is it stripped and parsed again.
    """
    seen_text = False
    progress = reader.progress
    record = reader.record
    loads = json.loads
    for i, raw in enumerate(lines, start=1):
        progress[0] += len(raw)
        if len(raw) > opening.MAX_LINE_BYTES:
            yield SkippedInput(name, i, f"line longer than {opening.MAX_LINE_BYTES >> 20} MiB; the rest of the file skipped "
                                        "— one line is one record: split the file")
            return
        note = None
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line, bad = replace_invalid(raw, None)  # type: ignore[misc]
            note = repair_note(name, raw, bad, len(bad), "invalid UTF-8 byte", line=i)
        if i == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if line[:1] == "{" and note is None:
            seen_text = True
            try:
                rec = loads(line)
            except LINE_ERRORS:
                pass
            else:
                yield from record(rec, name, i)
                continue
        s = line.strip()
        if not s:
            continue
        seen_text = True
        if check_nul and "\x00" in s:
            yield SkippedInput(name, i, "contains a NUL byte (binary data, not JSON); fix or remove this line")
            continue
        try:
            rec = loads(s)
        except LINE_ERRORS as e:
            yield SkippedInput(name, i, unparsable(e, "fix or remove this line"))
            continue
        if note is not None:
            yield note
        yield from record(rec, name, i)
    if not seen_text:
        yield SkippedInput(name, None, "empty file; skipped", "warning")


def _jsonl_file(reader: _Reader, path: Path, name: str) -> Iterator[Article | SkippedInput]:
    """A JSON Lines file: line by line when it is UTF-8 (from disk when big), decoded whole otherwise."""
    mode = _stream_mode(path, name)
    if mode is not None:
        base = reader.progress[0]
        try:
            with open_input(path, name) as fh:
                yield from _jsonl_bytes(reader, lines_of(fh), name, check_nul=True)
        except OSError as e:  # changed or removed while being read
            yield SkippedInput(name, None, f"could not finish reading ({type(e).__name__}: {e}); the rest skipped")
        reader.progress[0] = max(reader.progress[0], base)
        return
    data = read_bytes(path, name)
    scan = _Utf8Scan()
    scan.add(data)
    if scan.mode() is not None:
        yield from _jsonl_bytes(reader, lines_of(io.BytesIO(data)), name, check_nul=scan.nuls > 0)
        return
    reader.progress[0] += len(data)
    text, note = decode_noting(data, name)
    if note is not None:
        yield note
    if not text.strip():
        yield SkippedInput(name, None, "empty file; skipped", "warning")
        return
    yield from _jsonl_lines(reader, text.split("\n"), name)


# --- one source ---------------------------------------------------------------------------


def _sniff(text: str) -> str:
    """Format of stdin from its first characters: html, json, jsonl or text."""
    head = text.lstrip()[:1000].lower()
    if head.startswith("<") and re.search(r"<(?:!doctype html|html|body|p|div|article|head)\b", head):
        return "html"
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first = text.lstrip().split("\n", 1)[0]
        try:
            json.loads(first)
            return "jsonl"
        except LINE_ERRORS:
            return "json"
    return "text"


def _format_of(path: Path | None, text: str) -> str:
    if path is None:
        return _sniff(text)
    suffix = os.path.splitext(uncompressed_name(path.name))[1].lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix == ".tsv":
        return "tsv"
    if suffix in CSV_SUFFIXES:
        return "csv"
    return "text"


def _relpath(path: Path | None, root: Path | None) -> str | None:
    """The path of a file relative to the input folder it was found in (printable), or None for stdin."""
    if path is None or root is None:
        return None
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.name
    return printable(rel)


def _one_source(reader: _Reader, name: str, path: Path | None, root: Path | None) -> Iterator[Article | SkippedInput]:
    try:
        yield from _read_one(reader, name, path, root)
    except SkippedInput as e:
        yield SkippedInput(e.source, e.line, e.message, e.severity)  # a copy without e's traceback and frames


def _read_one(reader: _Reader, name: str, path: Path | None, root: Path | None) -> Iterator[Article | SkippedInput]:
    """The articles of one input; what cannot be read at all raises SkippedInput."""
    if path is not None and is_web_archive(name):
        with open_input(path, name, decompress=False) as fh:
            yield from read_archive(fh, name, reader=reader)
        return
    fmt = _format_of(path, "")
    if path is not None and fmt == "jsonl":
        yield from _jsonl_file(reader, path, name)
        return
    data = read_bytes(path, name)
    if fmt == "html":
        text, note = decode_html_noting(data, name)
    else:
        text, note = decode_noting(data, name)
    if path is None:
        fmt = _sniff(text)
    reader.progress[0] += len(data)  # read whole: all of it is consumed now
    if note is not None:
        yield note
    if not text.strip():
        yield SkippedInput(name, None, "empty file; skipped", "warning")
        return
    if fmt == "jsonl":  # stdin
        yield from _jsonl_lines(reader, text.split("\n"), name)
        return
    try:
        yield from _parse(reader, fmt, text, name, _relpath(path, root))
    except Exception as e:  # a parser bug on one file must not stop the corpus
        yield SkippedInput(name, None, f"could not parse ({type(e).__name__}: {e}); skipped")


def _parse(reader: _Reader, fmt: str, text: str, name: str, relpath: str | None) -> Iterator[Article | SkippedInput]:
    if fmt == "json":
        yield from json_records(reader, text, name)
    elif fmt in ("csv", "tsv"):
        yield from csv_records(reader, text, name, fmt == "tsv")
    elif fmt == "html":
        title, date, url, body = html_article(text)
        if not body.strip():
            yield SkippedInput(name, None, "HTML page has no body text; skipped", "warning")
            return
        yield from reader.articles(body, name, title=title or text_title(body), date=date, url=url, relpath=relpath,
                                   meta={"format": "html"})
    else:
        yield from reader.articles(text, name, title=text_title(text), relpath=relpath)


def read_source(name: str, path: Path | None, root: Path | None = None,
                unique_ids: bool = True) -> Iterator[Article | SkippedInput]:
    """The articles of one input file, as ``read_articles`` reads it (ids, dates, provinces, duplicates
    within the file), for engines that hand out one file per task (``graphbuild.engines.spark``).
    ``unique_ids`` false leaves a repeated id as given, for :func:`unique_ids` over every file."""
    reader = _Reader(unique_ids=unique_ids)
    try:
        yield from _one_source(reader, name, path, root)
    finally:
        reader.close()


def read_record(rec: Any, source: str, line: int | None) -> Iterator[Article | SkippedInput]:
    """The article of one JSON-like record (a JSON Lines line, a Parquet row), as ``read_articles`` makes it."""
    reader = _Reader()
    try:
        yield from reader.record(rec, source, line)
    finally:
        reader.close()


def unique_ids(given: Iterable[tuple[str, str, int | None]]) -> Iterator[tuple[str, SkippedInput | None]]:
    """For each (id, source, line) in input order, the id ``read_articles`` would give (``x``, else
    ``x_2``, ``x_3``…) and the note that says so: the ids of a read made unique after the read."""
    reader = _Reader()
    try:
        for aid, source, line in given:
            final = reader._unique(aid, source, line)
            yield final, reader.clash
            reader.clash = None
    finally:
        reader.close()


# Public names of the identity rules, for other engines and tests: the same text read anywhere
# gets the same id and the same duplicate key.
article_id = _article_id
dedupe_key = _dedupe_key


def read_articles(paths: Iterable[str], progress: list[int] | None = None) -> Iterator[Article | SkippedInput]:
    """Every article in ``paths`` (files, folders read recursively, '-' = stdin), in order.

    Never raises for bad input: each unreadable file, broken record or empty input is a
    :class:`~graphbuild.domain.skipped.SkippedInput` in the stream, and the remaining inputs are still
    read.  The same text met twice in one call is yielded once; every article's id is unique.
    With ``progress`` (a one-item list), ``progress[0]`` is kept at the bytes of input read so
    far, for progress bars.
    """
    reader = _Reader(progress)
    try:
        for name, path, root in iter_files_with_root(paths):
            base = reader.progress[0]
            yield from _one_source(reader, name, path, root)
            size = 0
            if path is not None:
                try:
                    size = path.stat().st_size
                except OSError:
                    pass
            reader.progress[0] = base + size
    finally:
        reader.close()
