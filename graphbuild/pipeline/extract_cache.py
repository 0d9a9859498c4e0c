"""The extraction cache: ``out/cache/extract.sqlite`` maps a hash of each article's text to its mentions.

Extraction is the one step worth caching.  Entries are valid under one extractor version (a hash
of the extractor's code and data): a rebuild re-extracts only new or changed texts, while
reading, resolution and writing run in full every time, which is what keeps a rebuild
byte-identical to a build from scratch.
"""

from __future__ import annotations

import hashlib
import sqlite3
from functools import cache
from pathlib import Path

CACHE = Path("cache") / "extract.sqlite"  # inside --out
# What extraction depends on: every module of these packages and every data file; a change to any
# of them (a new module too) invalidates every cached extraction.
EXTRACTOR_PACKAGES = ("text", "domain", "extract")


@cache
def extractor_version() -> str:
    """A hash of the extractor's code and data files: cached mentions are valid only under the same one."""
    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(b"graphbuild-extract-cache-1\n")
    files = [f for sub in EXTRACTOR_PACKAGES for f in sorted((pkg / sub).rglob("*.py"))]
    files += sorted((pkg / "data").glob("*.json"))
    for f in files:
        h.update(f.relative_to(pkg).as_posix().encode("utf-8") + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def text_key(text: str) -> str:
    """The cache key of an article: its text only (its source is filled in on load, see Mention.to_row)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ExtractCache:
    """The previous build's extractions (read-only) and this build's (written fresh into the temp dir).

    The new cache holds exactly the texts of this build, so deleted articles drop out of it.  It
    is written without a journal: atomicity comes from the directory swap, not from sqlite; a
    build that dies leaves its temp dir (and the cache in it) unused.  An unreadable old cache
    (another version, a damaged file) is treated as empty: the worst case is a full re-extract.
    """

    BATCH = 1024  # rows put before they are inserted

    def __init__(self, old: Path | None, new: Path) -> None:
        self.old = self._open_old(old)
        new.parent.mkdir(parents=True, exist_ok=True)
        self.new = sqlite3.connect(new)
        # Rows are appended in batches to a plain table and indexed once at the end: a primary key
        # on random hashes made every insert a B-tree search and page split (65 µs an article).
        self.new.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE extract (key TEXT NOT NULL, rows TEXT NOT NULL);
        """)
        self.new.execute("BEGIN")
        self.pending: list[tuple[str, str]] = []

    @staticmethod
    def _open_old(old: Path | None) -> sqlite3.Connection | None:
        """The previous build's cache, read-only, if it is there, readable and of this extractor version."""
        if old is None or not old.is_file():
            return None
        try:
            conn = sqlite3.connect(f"file:{old}?mode=ro", uri=True)
        except sqlite3.DatabaseError:
            return None
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            return None
        if row and row[0] == extractor_version():
            return conn
        conn.close()
        return None

    def get(self, key: str) -> str | None:
        """The stored JSON rows of a text, or None (a miss, or an old cache that cannot be read)."""
        if self.old is None:
            return None
        try:
            row = self.old.execute("SELECT rows FROM extract WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            self.old.close()
            self.old = None
            return None
        return row[0] if row else None

    def put(self, key: str, rows: str) -> None:
        """Remember one text's rows.  A key is put once per build: the reader drops repeated texts."""
        self.pending.append((key, rows))
        if len(self.pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        self.new.executemany("INSERT INTO extract VALUES (?, ?)", self.pending)
        self.pending = []

    def commit(self) -> None:
        """Index the keys, mark the new cache complete (the version row is written last) and close it."""
        self._flush()
        self.new.execute("CREATE INDEX extract_key ON extract (key)")
        self.new.execute("INSERT INTO meta VALUES ('version', ?)", (extractor_version(),))
        self.new.commit()
        self.close()

    def close(self) -> None:
        for conn in (self.old, self.new):
            if conn is not None:
                conn.close()
        self.old = None
