"""Who an article is: its id (what users join outputs back on) and its duplicate key, in bounded memory.

The id rules, the text digest that finds the same article read twice, and the two sets one read
keeps (texts seen, ids given) that stay flat in memory however large the corpus.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from graphbuild.read.opening import uncompressed_name

# JSON can escape a UTF-16 surrogate alone ("\\ud800"); Python decodes it to a str that UTF-8
# cannot encode, so one such record would otherwise stop the writing of every output.
_SURROGATES = re.compile("[\ud800-\udfff]")


def _sha(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:16]


def _article_id(own: str | None, relpath: str | None, text: str) -> str:
    """The id of an article: its own (a record's id or URL), else its file's path, else a digest of its text."""
    if own:
        return own
    if relpath:
        return path_id(relpath)
    return "h" + _sha(text)


def path_id(relpath: str) -> str:
    """The id of a file that is one article: its path relative to the input folder, without the suffix(es)
    that say its format (``sub/a.txt.gz`` → ``sub/a``)."""
    stem = os.path.splitext(uncompressed_name(relpath))[0]
    return stem if stem and not stem.endswith("/") else relpath


def _own_id(value: Any) -> str | None:
    """A record's id field as an article id: a string or number, trimmed; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not text.isascii():
        text = _SURROGATES.sub("\ufffd", text)
    return text or None


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



class _FirstSeen:
    """The first value recorded under each key of one read, in bounded memory: a dict up to ``limit`` keys,
    then a sqlite table in a temporary file.

    Why: one entry per article is about 75 bytes in a Python dict, 75 MB per million articles, so a
    dict alone made the reader's memory grow with the corpus.  Past ``limit`` the entries move to
    sqlite (about 5 µs per article, page cache bounded) and memory stays flat whatever the corpus size.
    """

    LIMIT = 1 << 18

    def __init__(self, limit: int | None = None) -> None:
        self.limit = self.LIMIT if limit is None else limit
        self.mem: dict[bytes, str] = {}
        self.db: Any = None
        self._dir: Any = None

    def first(self, key: bytes, value: str) -> str | None:
        """Record ``value`` under ``key`` unless the key was seen; the value recorded before, or None if new."""
        if self.db is None:
            had = self.mem.get(key)
            if had is not None:
                return had
            self.mem[key] = value
            if len(self.mem) > self.limit:
                self._spill()
            return None
        if self.db.execute("INSERT OR IGNORE INTO firsts VALUES (?, ?)", (key, value)).rowcount == 1:
            return None
        return str(self.db.execute("SELECT v FROM firsts WHERE k = ?", (key,)).fetchone()[0])

    def _spill(self) -> None:
        import sqlite3
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="graphbuild-firsts-")
        self.db = sqlite3.connect(str(Path(self._dir.name) / "firsts.sqlite"), isolation_level=None)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                              "CREATE TABLE firsts (k BLOB PRIMARY KEY, v TEXT) WITHOUT ROWID;")
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO firsts VALUES (?, ?)", self.mem.items())
        self.mem = {}

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


class _SeenSet(_FirstSeen):
    """The dedupe keys of one read (a text read twice is kept once)."""

    def add(self, key: bytes) -> bool:
        """Record ``key``; True if it is new."""
        return self.first(key, "") is None


class _IdSet(_FirstSeen):
    """The article ids of one read with the source that got each first."""

    LIMIT = 1 << 16

    def first_source(self, aid: str, source: str) -> str | None:
        """Record ``aid`` as given to ``source``; the source that had it before, or None if it is new."""
        return self.first(hashlib.blake2b(aid.encode("utf-8"), digest_size=16).digest(), source)
