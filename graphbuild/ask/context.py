"""The sentence around a reference, for ``cites``: re-read from the article's source, else from the build.

The graph stores each mention's offsets and anchor, not the article's text.  The sentence
comes from the source itself when it is still where the build read it (a file of its own, or
``PATH:LINE``, one record of a JSON Lines or CSV file); when the source is gone, moved or
changed, from the sentence the build stored in ``mentions.jsonl``; failing both, the caller
shows the anchor alone.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

from graphbuild.domain.model import Article
from graphbuild.text.sentences import sentence_around

# 'PATH:LINE', the source name of a record in a JSON Lines or CSV file
_SOURCE_LINE = re.compile(r"(.+):(\d+)")
# The article id in a mentions.jsonl row as the build writes it (json's default separators)
_ROW_ARTICLE = re.compile(r'"article":\s*"([^"\\]*)"')
_JSON_LINES = (".jsonl", ".ndjson", ".jsonlines")

# keep(source, article id, text): called for each article whose source could be re-read
Keep = Callable[[str, str, str], None]
# the (source, article id) pairs asked for, by line of their file (None: the whole file)
ByLine = dict[int | None, list[tuple[str, str]]]


class Anchored(Protocol):
    """A mention of one article to put in its sentence (a :class:`graphbuild.ask.query.Citation`)."""

    article: str
    source: str | None
    surface: str
    sentence: str
    start: int | None
    end: int | None


class SourceContext:
    """Sentences around mentions of the graph built in ``graph_dir`` (sources resolved as the build saw them)."""

    def __init__(self, graph_dir: Path) -> None:
        self.dir = graph_dir
        self._stored: dict[tuple[str, int, int], tuple[int, str] | None] = {}
        # where each line of a JSON Lines source starts, as far as it has been read (lines 1, 2, ...)
        self._line_starts: dict[Path, array[int]] = {}
        self._files: dict[str, Path | None] = {}  # _readable's answers

    def add_sentences(self, mentions: Sequence[Anchored]) -> None:
        """Set the marked sentence of each mention that has none, from its source or else mentions.jsonl.

        A mention neither can place keeps an empty sentence.
        """
        by_key = {(c.source, c.article): c for c in mentions if c.source}

        def keep(source: str, aid: str, text: str) -> None:
            c = by_key[(source, aid)]
            if c.start is not None and c.end is not None and text[c.start:c.end] == c.surface:
                c.sentence = sentence_around(text, c.start, c.end)

        self.visit_texts(by_key, keep)
        missed = [c for c in mentions if not c.sentence]
        self.prefetch_sentences((c.article, c.start, c.end) for c in missed if c.start is not None and c.end is not None)
        for c in missed:
            c.sentence = self.stored_sentence(c.article, c.start, c.end, c.surface) or ""

    # ----------------------------------------------------------------------- the sources

    def article_text(self, source: str, article_id: str) -> str | None:
        """One article's text, re-read from its source when that is a readable local file (else None).

        For many articles use :meth:`visit_texts` (each file read once).
        """
        found: list[str] = []
        self.visit_texts([(source, article_id)], lambda _s, _a, text: found.append(text))
        return found[0] if found else None

    def visit_texts(self, wanted: Iterable[tuple[str, str]], keep: Keep) -> None:
        """Call ``keep(source, article id, text)`` for each pair whose source can be re-read; each file is read once.

        A record's line is read alone ('articles.jsonl:9246' → line 9246, and the file is read no
        further than the last line asked for; where each line starts is remembered, so a later
        call seeks to the lines it wants), and only what ``keep`` keeps stays in memory: a
        million-article archive is not loaded to show a few sentences.  A source that is gone,
        moved or changed only loses its context.
        """
        by_file: dict[Path, ByLine] = {}
        for source, article_id in wanted:
            path, line = self._source_file(source)
            if path is not None:
                by_file.setdefault(path, {}).setdefault(line, []).append((source, article_id))
        for path, lines in by_file.items():
            try:
                _read_texts(path, lines, keep, self._line_starts.setdefault(path, array("q", [0])))
            except Exception:  # a moved or changed source only loses context
                continue

    def index_lines(self, sources: Iterable[str]) -> None:
        """Learn where every line of the JSON Lines files among ``sources`` starts (one read of each), so a
        later :meth:`visit_texts` seeks straight to its lines: the first page of a long list no longer reads
        a large file up to its last article."""
        for path in sorted({p for p, line in map(self._source_file, sources) if p is not None and line is not None}):
            if path.suffix.lower() not in _JSON_LINES:
                continue
            starts = self._line_starts.setdefault(path, array("q", [0]))
            try:
                with open(path, "rb") as fh:
                    fh.seek(starts[-1])
                    for raw in fh:
                        starts.append(starts[-1] + len(raw))
            except OSError:  # a moved or changed source only loses context
                continue

    def _source_file(self, source: str) -> tuple[Path | None, int | None]:
        """(file, line) of an article's ``dct:source``: ``PATH`` or ``PATH:LINE`` (a JSON Lines or CSV record)."""
        name, line = source, None
        if m := _SOURCE_LINE.fullmatch(source):
            if not self._readable(source):
                name, line = m.group(1), int(m.group(2))
        path = self._readable(name)
        return path, (line if path is not None else None)

    def _readable(self, name: str) -> Path | None:
        """The file ``name`` names (as given, else beside the graph's folder), looked up once per name."""
        if name not in self._files:  # os.path on strings: this runs once per citing article
            here = [name] if os.path.isabs(name) else [name, os.path.join(self.dir.parent, name)]
            self._files[name] = next((Path(p) for p in here if os.path.isfile(p)), None)
        return self._files[name]

    # ----------------------------------------------------------------------- mentions.jsonl

    def stored_sentence(self, article_id: str, start: int | None, end: int | None, surface: str) -> str | None:
        """The marked sentence from the build's mentions.jsonl, for sources that cannot be re-read."""
        if start is None or end is None:
            return None
        key = (article_id, start, end)
        if key not in self._stored:
            self.prefetch_sentences([key])
        hit = self._stored.get(key)
        if hit is None:
            return None
        s0, sent = hit
        a, b = start - s0, end - s0
        if not (0 <= a <= b <= len(sent)) or sent[a:b] != surface:
            return None
        return sentence_around(sent, a, b)

    def prefetch_sentences(self, keys: Iterable[tuple[str, int, int]]) -> None:
        """Look up many (article, start, end) sentences in mentions.jsonl in one pass.

        Only rows of the articles asked for are decoded (their id is picked out of the raw line
        first), and only those rows are kept: the file of a million articles is ~4 GB.
        """
        want = {k for k in keys if k not in self._stored}
        if not want:
            return
        for k in want:
            self._stored[k] = None
        path = self.dir / "mentions.jsonl"
        if not path.is_file():
            return
        articles = {k[0] for k in want}
        left = len(want)
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                m = _ROW_ARTICLE.search(line)
                if m is None or m.group(1) not in articles:
                    continue
                row = json.loads(line)
                key = (row.get("article"), row.get("start"), row.get("end"))
                if key in want and self._stored.get(key) is None and row.get("sentence") is not None \
                        and row.get("sentence_start") is not None:
                    self._stored[key] = (row["sentence_start"], row["sentence"])
                    left -= 1
                    if not left:
                        break


# --------------------------------------------------------------------------- reading a source again


def _read_texts(path: Path, lines: ByLine, keep: Keep, starts: array[int]) -> None:
    """The texts of the articles asked for in one file, by the reader that fits its records."""
    whole = lines.pop(None, None)
    if whole:  # a file of its own (text, HTML) or a source without line numbers: read it all
        _read_whole(path, whole, keep)
    if not lines:
        return
    if path.suffix.lower() in _JSON_LINES:
        _read_json_lines(path, lines, keep, starts)
    else:  # CSV and other record files: the reader knows their rows
        _read_records(path, lines, keep)


def _read_whole(path: Path, pairs: list[tuple[str, str]], keep: Keep) -> None:
    from graphbuild.read.articles import read_articles

    ids = {aid for _, aid in pairs}
    texts = {a.id: a.text for a in read_articles([str(path)]) if isinstance(a, Article) and a.id in ids}
    for source, aid in pairs:
        if aid in texts:
            keep(source, aid, texts[aid])


def _read_records(path: Path, lines: ByLine, keep: Keep) -> None:
    from graphbuild.read.articles import read_articles

    ids = {aid for pairs in lines.values() for _, aid in pairs}
    for a in read_articles([str(path)]):
        if isinstance(a, Article) and a.id in ids and a.line in lines:
            for source, aid in lines[a.line]:
                if aid == a.id:
                    keep(source, aid, a.text)


def _read_json_lines(path: Path, lines: ByLine, keep: Keep, starts: array[int]) -> None:
    """Only the lines asked for are decoded, in file order, and the file is read no further than the last.

    ``starts`` holds where lines 1, 2, ... start, as far as known: known lines are sought, the
    others found by reading on from the last known one (and remembered).
    """
    from graphbuild.read.articles import read_record

    with open(path, "rb") as fh:
        for n in sorted(line for line in lines if line is not None):
            raw = _line(fh, n, starts)
            if not raw:
                break  # the file has fewer lines
            text = raw.decode("utf-8")
            if n == 1:
                text = text.lstrip("\ufeff")
            for a in read_record(json.loads(text), str(path), n):
                for source, aid in lines[n]:
                    if isinstance(a, Article) and a.id == aid:
                        keep(source, aid, a.text)


def _line(fh: BinaryIO, n: int, starts: array[int]) -> bytes:
    """Line ``n`` (from 1) of the file, read through ``starts``, extended as lines are passed (b"" past the end)."""
    if n > len(starts):
        fh.seek(starts[-1])
        while len(starts) < n:
            raw = fh.readline()
            if not raw:
                return b""
            starts.append(starts[-1] + len(raw))
    else:
        fh.seek(starts[n - 1])
    return fh.readline()
