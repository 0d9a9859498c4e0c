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

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read import articles

SUFFIXES = (".wet", ".wet.gz", ".warc", ".warc.gz")
LANGUAGE = "vie"  # ISO 639-3, as Common Crawl writes it
MAX_RECORD = 64 * 1024 * 1024  # a longer record is damaged (or not a page): skipped, not loaded


def is_web_archive(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


@dataclass
class Record:
    """One archive record: its WARC headers (names lower-cased) and its body bytes."""

    headers: dict[str, str]
    body: bytes

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "")


def records(stream: BinaryIO) -> Iterator[Record]:
    """The records of an (uncompressed) archive stream, in order; stops at the first damaged header."""
    while True:
        line = stream.readline()
        if not line:
            return
        if not line.startswith(b"WARC/"):
            continue  # the blank lines between records
        headers: dict[str, str] = {}
        while True:
            line = stream.readline()
            if not line or not line.strip():
                break
            name, sep, value = line.decode("utf-8", "replace").partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            return
        if length > MAX_RECORD:
            stream.seek(length, io.SEEK_CUR) if stream.seekable() else stream.read(length)
            continue
        yield Record(headers, stream.read(length))


def open_archive(data: bytes | BinaryIO, name: str) -> BinaryIO:
    """A binary stream of the archive's uncompressed bytes (gzip members are read one after another)."""
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    return gzip.GzipFile(fileobj=raw) if name.lower().endswith(".gz") else raw  # type: ignore[return-value]


def _text_of(rec: Record, name: str) -> tuple[str, str | None, str | None] | None:
    """(body text, title, date) of a page record, or None for records that are not pages."""
    if rec.type == "conversion":
        text = rec.body.decode("utf-8", "replace")
        return text, articles.text_title(text), None
    if rec.type == "response":
        head, _, payload = rec.body.partition(b"\r\n\r\n")
        if b"html" not in head.lower():
            return None
        html = articles._decode_html(payload, name)  # noqa: SLF001 - the one HTML decoder of the project
        title, date, _url, body = articles.html_article(html)
        return body, title or articles.text_title(body), date
    return None


def read_archive(data: bytes | BinaryIO, name: str, language: str | None = LANGUAGE
                 ) -> Iterator[Article | SkippedInput]:
    """Articles of one WET/WARC file (``name`` is its path or URI), in record order.

    Records of other types, other languages and empty pages are passed over silently; a
    page that cannot be parsed, or a damaged file, is one SkippedInput, and reading goes on.
    Articles are not de-duplicated here: the caller does it over the whole corpus.
    """
    seen = 0
    try:
        for rec in records(open_archive(data, name)):
            lang = rec.headers.get("warc-identified-content-language")
            if language and lang and language not in lang.split(","):
                continue
            seen += 1
            where = f"{name}:{seen}"
            try:
                page = _text_of(rec, where)
            except Exception as e:  # noqa: BLE001 - one bad page must not stop the file
                yield SkippedInput(name, seen, f"could not parse record ({type(e).__name__}: {e}); skipped")
                continue
            if page is None or not page[0].strip():
                continue
            text, title, date = page
            url = rec.headers.get("warc-target-uri") or None
            art = articles._Reader().make(text, where, title=title, date=date, url=url, line=seen,  # noqa: SLF001
                                          meta={"format": "wet" if rec.type == "conversion" else "warc"})
            if art is not None:
                yield art
    except (OSError, EOFError) as e:  # a truncated or corrupt gzip stream
        yield SkippedInput(name, None, f"damaged archive ({e}); the records before it were kept")
