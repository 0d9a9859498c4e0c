"""Common Crawl WET and WARC files as articles, one record at a time.

A web archive file is a sequence of records, each ``WARC/1.0`` + header lines + a blank
line + exactly ``Content-Length`` bytes of body; ``.gz`` files are a gzip member per record.
WET files hold ``WARC-Type: conversion`` records whose body is the page's plain text; WARC
files hold ``response`` records whose body is the HTTP response (headers, then HTML).  The
format is read here by record, streaming, without the whole file in memory and without any
dependency: a crawl file is 100 MB to 1 GB and the Spark engine reads thousands of them.

Each text page becomes an :class:`~graphbuild.domain.model.Article` through
:mod:`graphbuild.read.articles` (the same id, date, title and province rules as every other
input): its id comes from ``WARC-Target-URI``, its date from a dateline in the text (the
crawl date is not a publication date).  Pages the crawler identified as another language
(``WARC-Identified-Content-Language`` without ``vie``) are passed over: a crawl is mostly
not Vietnamese, and extracting them would cost most of a job for nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.heading import text_title
from graphbuild.read.html import decode_html, html_article
from graphbuild.read.opening import decompressed

SUFFIXES = (".wet", ".wet.gz", ".warc", ".warc.gz")
LANGUAGE = "vie"  # ISO 639-3, as Common Crawl writes it
MAX_RECORD = 64 * 1024 * 1024  # a longer record is damaged (or not a page): skipped, not loaded


def is_web_archive(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


@dataclass
class Record:
    """One archive record: its WARC headers (names lower-cased) and its body bytes (None: over MAX_RECORD,
    passed over unread)."""

    headers: dict[str, str]
    body: bytes | None

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "")


class DamagedArchive(ValueError):
    """A record header that cannot be read on from: the records before it stand, the rest of the file is lost."""


HEADER_LINE = 64 * 1024  # a longer header line is not a WARC header (a gzip bomb of zeros has no line breaks)
HEADER_LINES = 1000  # header lines of one record


def _header(stream: BinaryIO) -> dict[str, str]:
    """The header fields of the record whose ``WARC/`` line was just read."""
    headers: dict[str, str] = {}
    for _ in range(HEADER_LINES):
        line = stream.readline(HEADER_LINE)
        if not line or not line.strip():
            return headers
        if len(line) >= HEADER_LINE:
            raise DamagedArchive(f"a header line longer than {HEADER_LINE} bytes")
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    raise DamagedArchive(f"a record with more than {HEADER_LINES} header lines")


def _pass_over(stream: BinaryIO, length: int) -> None:
    """Move past ``length`` bytes of body without holding them (a seek where the stream allows it)."""
    if stream.seekable():
        stream.seek(length, io.SEEK_CUR)
        return
    while length > 0:
        chunk = stream.read(min(length, 1 << 20))
        if not chunk:
            return
        length -= len(chunk)


def records(stream: BinaryIO) -> Iterator[Record]:
    """The records of an (uncompressed) archive stream, in order; a damaged header raises DamagedArchive.

    What is read is bounded whatever the file holds: a header line by HEADER_LINE, a body by
    MAX_RECORD (a longer one, or a negative or non-numeric Content-Length, is never loaded).
    """
    while True:
        line = stream.readline(HEADER_LINE)
        if not line:
            return
        if not line.startswith(b"WARC/"):
            continue  # the blank lines between records
        headers = _header(stream)
        raw = headers.get("content-length", "0")
        try:
            length = int(raw)
        except ValueError:
            raise DamagedArchive(f"Content-Length {raw[:40]!r} is not a number") from None
        if length < 0:
            raise DamagedArchive(f"negative Content-Length {length}")
        if length > MAX_RECORD:
            _pass_over(stream, length)
            yield Record(headers, None)
            continue
        yield Record(headers, stream.read(length))


def open_archive(data: bytes | BinaryIO, name: str) -> BinaryIO:
    """A binary stream of the archive's uncompressed bytes (gzip members are read one after another), guarded
    against a decompression bomb (:func:`graphbuild.read.opening.decompressed`)."""
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    return decompressed(raw, name)


def _text_of(rec: Record, name: str) -> tuple[str, str | None, str | None] | None:
    """(body text, title, date) of a page record, or None for records that are not pages."""
    body = rec.body or b""
    if rec.type == "conversion":
        text = body.decode("utf-8", "replace")
        return text, text_title(text), None
    if rec.type == "response":
        head, _, payload = body.partition(b"\r\n\r\n")
        if b"html" not in head.lower():
            return None
        html = decode_html(payload, name)
        title, date, _url, text = html_article(html)
        return text, title or text_title(text), date
    return None


def read_archive(data: bytes | BinaryIO, name: str, language: str | None = LANGUAGE, reader: Any = None
                 ) -> Iterator[Article | SkippedInput]:
    """Articles of one WET/WARC file (``name`` is its path or URI), in record order.

    Records of other types, other languages and empty pages are passed over silently; a
    page that cannot be parsed or is over MAX_RECORD, or a damaged file, is one SkippedInput, and
    reading goes on where it can.  Each article's id is its ``WARC-Target-URI``.  With ``reader`` (a
    :class:`graphbuild.read.articles` reader, as the local build passes) texts met before are
    passed over and ids kept unique; without, articles are not de-duplicated here: the caller
    does it over the whole corpus.
    """
    from graphbuild.read import articles

    seen = 0
    try:
        for rec in records(open_archive(data, name)):
            lang = rec.headers.get("warc-identified-content-language")
            if language and lang and language not in lang.split(","):
                continue
            seen += 1
            where = f"{name}:{seen}"
            if rec.body is None and rec.type in ("conversion", "response"):
                yield SkippedInput(name, seen, f"record longer than {MAX_RECORD >> 20} MiB "
                                               f"(Content-Length {rec.headers.get('content-length')}); skipped")
                continue
            try:
                page = _text_of(rec, where)
            except Exception as e:  # one bad page must not stop the file
                yield SkippedInput(name, seen, f"could not parse record ({type(e).__name__}: {e}); skipped")
                continue
            if page is None or not page[0].strip():
                continue
            text, title, date = page
            url = rec.headers.get("warc-target-uri") or None
            yield from (reader or articles.new_reader()).articles(
                text, where, title=title, date=date, url=url, line=seen,
                meta={"format": "wet" if rec.type == "conversion" else "warc"})
    except SkippedInput as e:  # a decompression bomb or damaged compressed data, named by the guard
        yield SkippedInput(e.source, e.line, e.message, e.severity)
    except DamagedArchive as e:
        yield SkippedInput(name, seen + 1, f"damaged archive ({e}); the records before it were kept")
    except (OSError, EOFError) as e:  # a truncated or corrupt gzip stream
        yield SkippedInput(name, None, f"damaged archive ({e}); the records before it were kept")
