"""Articles from plain text, HTML, JSON Lines, CSV, JSON and stdin — one bad input never stops the rest.

``read_articles`` is a generator of :class:`~graphbuild.domain.model.Article` and
:class:`~graphbuild.domain.skipped.SkippedInput` values.  It never raises for bad input: a missing
file, a binary file, a broken JSON line or a CSV without a text column each become one
SkippedInput (with the line where it applies), and reading goes on with the next line or file.
The caller decides whether to print, count or stop.

Ids are stable across runs and machines: from the URL when there is one, else from the path
relative to the folder given on the command line, else from the text itself.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from graphbuild.domain.gazetteer import _detect_nfc
from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.textio import decode, iter_files_with_root, read_bytes

__all__ = ["read_articles", "find_date", "parse_date", "text_title", "html_article"]

TEXT_KEYS = ("text", "content", "body", "noi_dung", "article", "fulltext", "full_text")
TITLE_KEYS = ("title", "headline", "tieu_de", "name")
DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "published_time",
             "datePublished", "created", "created_at", "time", "ngay")
URL_KEYS = ("url", "link", "href", "source_url", "canonical")

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
TITLE_MAX = 300  # a title longer than this is a paragraph that lost its line breaks
DATE_WINDOW = 600  # date lines sit in the article header, never deep in the body
VN_TZ = timezone(timedelta(hours=7))


# --- dates ---------------------------------------------------------------------------------

_DMY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_ISO = r"(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_IN_LINE = re.compile(rf"(?<!\d)(?:{_ISO}|{_DMY})(?!\d)")
# What may surround the date on a dateline: weekday, time, labels, time zone, separators.
_DATELINE_NOISE = re.compile(
    r"(?:thứ\s*(?:\d|hai|ba|tư|năm|sáu|bảy|bẩy)|chủ\s*nhật|cn|"
    r"cập\s*nhật(?:\s*lúc)?|ngày\s*đăng|đăng\s*(?:ngày|lúc)?|ngày|lúc|xuất\s*bản|"
    r"published|updated|posted|date|"
    r"\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?\s*(?:am|pm|sa|ch)?|\d{1,2}h\d{2}|"
    r"gmt\s*[+-]\s*\d{1,2}(?::?\d{2})?|utc\s*[+-]?\s*\d{0,2}|ict|"
    r"[\s,|:;()\[\]–—/-])+",
    re.IGNORECASE,
)


def _valid(y: int, m: int, d: int) -> str | None:
    """ISO date if (y, m, d) is a real calendar date in a plausible range."""
    if not 1900 <= y <= 2100:
        return None
    try:
        return Date(y, m, d).isoformat()
    except ValueError:
        return None


def _match_to_iso(m: re.Match[str]) -> str | None:
    if m.group("Y"):
        return _valid(int(m.group("Y")), int(m.group("M")), int(m.group("D")))
    return _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")))


def parse_date(value: Any) -> str | None:
    """ISO YYYY-MM-DD from a metadata value: ISO datetime, dd/mm/yyyy, epoch seconds; else None.

    An ISO datetime keeps the calendar date as written (the publisher's local date) rather
    than converting to UTC, which would move late-evening Vietnamese articles a day back.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        secs = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(secs, VN_TZ).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    if s.isdigit() and len(s) in (10, 13):
        return parse_date(int(s))
    m = _DATE_IN_LINE.search(s)
    return _match_to_iso(m) if m else None


def _dateline(line: str) -> str | None:
    """The date of a line that is only a dateline ("09:32, 27/06/2020"), else None."""
    s = line.strip()
    if not s or len(s) > 80:
        return None
    m = _DATE_IN_LINE.search(s)
    if not m:
        return None
    rest = s[:m.start()] + " " + s[m.end():]
    if _DATELINE_NOISE.sub("", rest):
        return None
    return _match_to_iso(m)


def _header_lines(text: str) -> list[str]:
    return text[:DATE_WINDOW].splitlines()


def find_date(text: str) -> str | None:
    """Publication date from a dateline among the first ``DATE_WINDOW`` characters.

    A dateline before the title is usually the page's "today" banner (sample 003 shows
    "Thứ 7, 20/07/2024, 16:28[GMT+7]" above an article of 14/10/2023), so datelines after
    the title win; one before the title is the fallback.  Dates inside sentences are never
    taken — "Quy định số 205-QĐ/TW ngày 23/9/2019" is a cited document's date.
    """
    before: str | None = None
    seen_title = False
    for line in _header_lines(text):
        if not line.strip():
            continue
        d = _dateline(line)
        if d is None:
            seen_title = True
            continue
        if seen_title:
            return d
        before = before or d
    return before


def text_title(text: str) -> str | None:
    """First non-empty line that is not a bare dateline, whitespace-collapsed, capped at TITLE_MAX."""
    for line in text.splitlines():
        s = " ".join(line.split())
        if not s or _dateline(s):
            continue
        if len(s) > TITLE_MAX:
            cut = s.rfind(" ", 0, TITLE_MAX)
            s = s[: cut if cut > TITLE_MAX // 2 else TITLE_MAX] + "…"
        return s
    return None


# --- ids -----------------------------------------------------------------------------------


def _sha(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:16]


def _article_id(url: str | None, relpath: str | None, text: str) -> str:
    if url:
        return "u" + _sha(url)
    if relpath:
        return "p" + _sha(relpath)
    return "h" + _sha(text)


def _dedupe_key(text: str) -> bytes:
    """16-byte digest of the text, NFC and whitespace-collapsed (the same article re-encoded is a duplicate)."""
    return _dedupe_key_nfc(unicodedata.normalize("NFC", text))


# Bytes that are, or may start, the UTF-8 form of a whitespace character other than " " and "\n"
# (str.split() splits on exactly the characters for which str.isspace() is true):
# the ASCII controls \t \v \f \r \x1c-\x1f, U+0085 and U+00A0 (lead byte C2), U+1680 (E1 9A 80:
# byte 9A is rare in Vietnamese, whose letters use E1 BA/BB), U+2000-U+200A, U+2028, U+2029, U+202F, U+205F
# (lead byte E2, checked exactly by _WIDE_E2, since quotes and dashes share it) and U+3000 (E3).
_WIDE_E2 = re.compile(rb"\xe2(?:\x80[\x80-\x8a\xa8\xa9\xaf]|\x81\x9f)")
_DOUBLE_SPACE = re.compile(b"  ")  # re's literal-prefix scan beats bytes.__contains__ here (0.084 s vs 0.107 s on 70 MB)


def _plain_spacing(data: bytes) -> bool:
    """True if UTF-8 ``data`` has no whitespace but single spaces and newlines (False may be a false alarm)."""
    return not (b"\xc2" in data or b"\xe3" in data or b"\x9a" in data
                or b"\t" in data or b"\x0b" in data or b"\x0c" in data or b"\r" in data
                or b"\x1c" in data or b"\x1d" in data or b"\x1e" in data or b"\x1f" in data
                or (b"\xe2" in data and _WIDE_E2.search(data) is not None)
                or _DOUBLE_SPACE.search(data) is not None)


def _collapsed_utf8(norm: str) -> bytes:
    """``" ".join(norm.split()).encode("utf-8")``, computed without splitting the text into words.

    Why: splitting a 7 kB article into its ~1,500 words and joining them again was a third of
    the reader's CPU.  Most texts have no whitespace but single spaces and newlines; for them
    the collapsed form is the UTF-8 bytes split at newlines, each piece stripped of its edge
    spaces, empty pieces dropped, joined by one space — a few memchr-speed scans.  Any other
    text (a double space, a tab, a no-break space, a character UTF-8 cannot encode) takes the
    word split, so the result is always the straightforward definition's.
    """
    try:
        data = norm.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogate: let the plain path raise its own error
        data = b"  "
    if not _plain_spacing(data):
        return " ".join(norm.split()).encode("utf-8")
    if b"\n" not in data:
        return data.strip(b" ")
    return b" ".join([piece for p in data.split(b"\n") if (piece := p.strip(b" "))])


def _dedupe_key_nfc(norm: str) -> bytes:
    """:func:`_dedupe_key` of a text already in NFC (the reader normalises once for this and the gazetteer)."""
    return hashlib.blake2b(_collapsed_utf8(norm), digest_size=16).digest()


# --- HTML ----------------------------------------------------------------------------------

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "blockquote", "pre", "figcaption", "figure", "dd", "dt", "dl", "header", "main", "hr",
    "td", "th", "address", "center",
}
_DROP = ("script", "style", "nav", "footer", "noscript", "template", "svg", "iframe", "form", "button", "aside")
_META_DATE = (
    ("property", "article:published_time"), ("property", "og:published_time"),
    ("name", "pubdate"), ("name", "publishdate"), ("name", "publish-date"), ("name", "date"),
    ("name", "dc.date"), ("name", "dc.date.issued"), ("name", "article:published_time"),
    ("itemprop", "datePublished"), ("name", "created"),
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")  # markup left inside <title> by a page that forgot to close a tag
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def _decode_html(data: bytes, name: str) -> str:
    """Decode HTML bytes, honouring a declared non-UTF-8 <meta charset> when UTF-8 fails."""
    try:
        return decode(data, name)
    except SkippedInput:
        m = _CHARSET.search(data[:4096])
        if not m:
            raise
        enc = m.group(1).decode("ascii", "replace")
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            raise SkippedInput(name, None, f"declares charset {enc} but does not decode as it; re-save as UTF-8") from None
        return unicodedata.normalize("NFC", text)


def _block_text(node: Any) -> str:
    """Visible text with a newline at every block boundary, inline markup kept on one line."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction

    parts: list[str] = []

    def walk(n: Any) -> None:
        for child in n.children:
            if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                block = child.name in _BLOCK
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(node)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def html_article(html: str) -> tuple[str | None, str | None, str | None, str]:
    """(title, date, canonical url, body text) of an HTML page.

    Title: og:title, then <title>, then the first <h1>.  Date: publication meta tags,
    JSON-LD datePublished, <time datetime>, then a dateline in the body text.  Body: the
    <article> (else <main>, else <body>) without scripts, styles, navigation and footers.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")

    def meta(attr: str, value: str) -> str | None:
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(value)}$", re.I)})
        content = tag.get("content") if tag else None
        return content.strip() if isinstance(content, str) and content.strip() else None

    title = meta("property", "og:title") or meta("name", "og:title")
    if not title and soup.title and soup.title.get_text(strip=True):
        title = " ".join(soup.title.get_text().split())
    if not title:
        h1 = soup.find("h1")
        if h1 and h1.get_text(strip=True):
            title = " ".join(h1.get_text().split())

    date = None
    for attr, value in _META_DATE:
        date = parse_date(meta(attr, value))
        if date:
            break
    if not date:
        for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
            m = _LD_DATE.search(script.get_text())
            if m and (date := parse_date(m.group(1))):
                break
    if not date:
        for t in soup.find_all("time"):
            if (date := parse_date(t.get("datetime") or t.get_text())):
                break

    url = meta("property", "og:url")
    if not url:
        link = soup.find("link", attrs={"rel": "canonical"})
        href = link.get("href") if link else None
        url = href.strip() if isinstance(href, str) and href.strip() else None

    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    body = _block_text(root)
    if not date:
        date = find_date(body)
    if title:
        title = " ".join(_TAG.sub(" ", title).split()) or None
    return title, date, url, body


# --- records (JSON Lines, CSV, JSON) -----------------------------------------------------


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


class _SeenSet:
    """The dedupe keys of one read, in bounded memory: a set up to ``limit`` keys, then sqlite on disk.

    Why: one 16-byte key per article is about 75 bytes in a Python set, 75 MB per million
    articles, so a set alone made the reader's memory grow with the corpus.  Past ``limit`` the
    keys move to a sqlite table in a temporary file (about 5 µs per article, page cache bounded)
    and memory stays flat whatever the corpus size.
    """

    LIMIT = 1 << 18

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.mem: set[bytes] = set()
        self.db = None
        self._dir = None

    def add(self, key: bytes) -> bool:
        """Record ``key``; True if it is new."""
        if self.db is None:
            if key in self.mem:
                return False
            self.mem.add(key)
            if len(self.mem) > self.limit:
                self._spill()
            return True
        cur = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,))
        return cur.rowcount == 1

    def _spill(self) -> None:
        import sqlite3
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="graphbuild-seen-")
        self.db = sqlite3.connect(str(Path(self._dir.name) / "seen.sqlite"), isolation_level=None)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                              "CREATE TABLE seen (k BLOB PRIMARY KEY) WITHOUT ROWID;")
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO seen VALUES (?)", ((k,) for k in self.mem))
        self.mem = set()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


class _Reader:
    """State of one ``read_articles`` call: the hashes already seen."""

    def __init__(self, progress: list[int] | None = None) -> None:
        self.seen = _SeenSet()
        # progress[0]: bytes of input consumed so far (files done plus the streamed part)
        self.progress = progress if progress is not None else [0]

    def make(self, text: str, source: str, *, title: str | None = None, date: str | None = None,
             url: str | None = None, relpath: str | None = None, line: int | None = None,
             meta: dict[str, Any] | None = None) -> Article | None:
        """An Article, or None if the same text was already read in this call."""
        norm = unicodedata.normalize("NFC", text)  # once, for the dedupe key and the gazetteer
        if not self.seen.add(_dedupe_key_nfc(norm)):
            return None
        date = date or find_date(text)
        return Article(
            id=_article_id(url, relpath, text), text=text, source=source, title=title, date=date,
            url=url, province=_detect_nfc(norm, date, title), line=line, meta=meta or {},
        )

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
        url = str(url).strip() if url is not None else None
        title = _first(lower, TITLE_KEYS)
        title = " ".join(str(title).split()) if title is not None else None
        meta = {}
        rid = _first(lower, _ID_KEYS)
        if rid is not None:
            meta["record_id"] = rid
        name = source if line is None else f"{source}:{line}"
        if title is not None and not title.isascii():
            title = _SURROGATES.sub("\ufffd", title)  # an escaped lone surrogate cannot be written as UTF-8
        if url is not None and not url.isascii():
            url = _SURROGATES.sub("\ufffd", url)
        try:
            art = self.make(text, name, title=title, date=parse_date(_first(lower, _DATE_KEYS_LOWER)), url=url,
                            line=line, meta=meta)
        except UnicodeEncodeError:  # raised by the dedupe key, which encodes the text as UTF-8
            yield SkippedInput(where_src, line, "text contains a lone surrogate (an escape such as \\ud800 without "
                                                "its pair), which is not Unicode text; fix or remove this record")
            return
        if art is not None:
            yield art


# JSON can escape a UTF-16 surrogate alone ("\\ud800"); Python decodes it to a str that UTF-8
# cannot encode, so one such record would otherwise stop the writing of every output.
_SURROGATES = re.compile("[\ud800-\udfff]")


def _jsonl(reader: _Reader, text: str, source: str) -> Iterator[Article | SkippedInput]:
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside JSON strings.
    yield from _jsonl_lines(reader, text.split("\n"), source)


def _jsonl_lines(reader: _Reader, lines: Iterable[str], source: str) -> Iterator[Article | SkippedInput]:
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if not s:
            continue
        try:
            rec = json.loads(s)
        except json.JSONDecodeError as e:
            yield SkippedInput(source, i, f"invalid JSON ({e.msg} at column {e.colno}); fix or remove this line")
            continue
        yield from reader.record(rec, source, i)


def _json(reader: _Reader, text: str, source: str) -> Iterator[Article | SkippedInput]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield SkippedInput(source, e.lineno, f"invalid JSON ({e.msg} at column {e.colno}); fix the file")
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


def _csv(reader: _Reader, text: str, source: str, tsv: bool) -> Iterator[Article | SkippedInput]:
    csv.field_size_limit(2**31 - 1)  # article bodies are far beyond the 128 KiB default
    delimiter = "\t"
    if not tsv:
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
    line = rows.line_num + 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as e:
            yield SkippedInput(source, line, f"malformed CSV row ({e}); skipped")
            line = rows.line_num + 1
            continue
        start, line = line, rows.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(cols):
            yield SkippedInput(source, start, f"row has {len(row)} fields, header has {len(cols)}; skipped")
            continue
        yield from reader.record(dict(zip(cols, row, strict=True)), source, start)


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
        except json.JSONDecodeError:
            return "json"
    return "text"


def _format_of(path: Path | None, text: str) -> str:
    if path is None:
        return _sniff(text)
    suffix = path.suffix.lower()
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


STREAM_MIN_BYTES = 8 << 20  # JSON Lines files from this size are read line by line (see _streamable)
_CHUNK = 1 << 20  # 16 MiB chunks decoded to 32 MiB strings cost page faults: 0.24 s -> 0.15 s on 70 MB


def _streamable(path: Path) -> bool:
    """True when a JSON Lines file can be read line by line and give what decoding it whole gives.

    Why: a corpus often comes as a few JSON Lines files of gigabytes; decoding one whole (bytes,
    text, then a list of lines) held about three times its size in memory, so peak memory grew
    with the corpus.  Line by line is exact only if :func:`~graphbuild.read.textio.decode` would take
    the plain UTF-8 branch: no BOM but UTF-8's, no NUL byte, valid UTF-8 throughout.  That is
    checked first in one pass of bounded chunks (about 1 s per GB); any other file, and any
    error, goes the whole-file way, which reports it as before.
    """
    try:
        if path.stat().st_size < STREAM_MIN_BYTES:
            return False
        dec = codecs.getincrementaldecoder("utf-8")()
        with open(path, "rb") as fh:
            head = fh.read(4)
            if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
                return False
            fh.seek(0)
            while chunk := fh.read(_CHUNK):
                if b"\x00" in chunk:
                    return False
                dec.decode(chunk)
            dec.decode(b"", final=True)
        return True
    except (OSError, UnicodeDecodeError):
        return False


def _stream_jsonl(reader: _Reader, path: Path, name: str, base: int) -> Iterator[Article | SkippedInput]:
    """A big UTF-8 JSON Lines file line by line (split on b"\\n" only, as the whole-file path splits).

    What :func:`_jsonl_lines` does to the whole file's lines, in one loop: the nested generators
    (lines, then records) cost a few microseconds per line for nothing.  A line that starts
    with "{" is parsed as read — JSON allows the newline after it, and its strip would only copy
    the text — and only when that fails is it stripped and parsed again, so results and error
    messages are those of the stripped line.
    """
    seen_text = False
    progress = reader.progress
    record = reader.record
    loads = json.loads
    pos = base
    try:
        with open(path, "rb") as fh:
            for i, raw in enumerate(fh, start=1):
                pos += len(raw)
                progress[0] = pos
                line = raw.decode("utf-8")
                if i == 1 and line.startswith("\ufeff"):
                    line = line[1:]
                if line[:1] == "{":
                    seen_text = True
                    try:
                        rec = loads(line)
                    except json.JSONDecodeError:
                        pass
                    else:
                        yield from record(rec, name, i)
                        continue
                s = line.strip()
                if not s:
                    continue
                seen_text = True
                try:
                    rec = loads(s)
                except json.JSONDecodeError as e:
                    yield SkippedInput(name, i, f"invalid JSON ({e.msg} at column {e.colno}); fix or remove this line")
                    continue
                yield from record(rec, name, i)
    except (OSError, UnicodeDecodeError) as e:  # changed or removed while being read
        yield SkippedInput(name, None, f"could not finish reading ({type(e).__name__}: {e}); the rest skipped")
        return
    if not seen_text:
        yield SkippedInput(name, None, "empty file; skipped", "warning")


def _one_source(reader: _Reader, name: str, path: Path | None, root: Path | None) -> Iterator[Article | SkippedInput]:
    if path is not None and _format_of(path, "") == "jsonl" and _streamable(path):
        yield from _stream_jsonl(reader, path, name, reader.progress[0])
        return
    try:
        data = read_bytes(path, name)
        fmt = _format_of(path, "")
        if path is None:
            text = decode(data, name)
            fmt = _sniff(text)
        elif fmt == "html":
            text = _decode_html(data, name)
        else:
            text = decode(data, name)
    except SkippedInput as e:
        yield SkippedInput(e.source, e.line, e.message, e.severity)  # a copy without e's traceback and frames
        return
    reader.progress[0] += len(data)  # read whole: all of it is consumed now
    if not text.strip():
        yield SkippedInput(name, None, "empty file; skipped", "warning")
        return
    relpath = None
    if path is not None and root is not None:
        try:
            relpath = path.relative_to(root).as_posix()
        except ValueError:
            relpath = path.name
    try:
        if fmt == "jsonl":
            yield from _jsonl(reader, text, name)
        elif fmt == "json":
            yield from _json(reader, text, name)
        elif fmt in ("csv", "tsv"):
            yield from _csv(reader, text, name, fmt == "tsv")
        elif fmt == "html":
            title, date, url, body = html_article(text)
            if not body.strip():
                yield SkippedInput(name, None, "HTML page has no body text; skipped", "warning")
                return
            art = reader.make(body, name, title=title or text_title(body), date=date, url=url, relpath=relpath,
                              meta={"format": "html"})
            if art is not None:
                yield art
        else:
            art = reader.make(text, name, title=text_title(text), relpath=relpath)
            if art is not None:
                yield art
    except Exception as e:  # a parser bug on one file must not stop the corpus
        yield SkippedInput(name, None, f"could not parse ({type(e).__name__}: {e}); skipped")


def read_source(name: str, path: Path | None, root: Path | None = None) -> Iterator[Article | SkippedInput]:
    """The articles of one input file, as ``read_articles`` reads it (ids, dates, provinces, duplicates
    within the file), for engines that hand out one file per task (``graphbuild.engines.spark``)."""
    reader = _Reader()
    try:
        yield from _one_source(reader, name, path, root)
    finally:
        reader.seen.close()


def read_record(rec: Any, source: str, line: int | None) -> Iterator[Article | SkippedInput]:
    """The article of one JSON-like record (a JSON Lines line, a Parquet row), as ``read_articles`` makes it."""
    reader = _Reader()
    try:
        yield from reader.record(rec, source, line)
    finally:
        reader.seen.close()


# Public names of the identity rules, for other engines and tests: the same text read anywhere
# gets the same id and the same duplicate key.
article_id = _article_id
dedupe_key = _dedupe_key


def read_articles(paths: Iterable[str], progress: list[int] | None = None) -> Iterator[Article | SkippedInput]:
    """Every article in ``paths`` (files, folders read recursively, '-' = stdin), in order.

    Never raises for bad input: each unreadable file, broken record or empty input is a
    :class:`~graphbuild.domain.skipped.SkippedInput` in the stream, and the remaining inputs are still
    read.  The same text met twice in one call is yielded once.  With ``progress`` (a one-item list),
    ``progress[0]`` is kept at the bytes of input read so far, for progress bars.
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
        reader.seen.close()
