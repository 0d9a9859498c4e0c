"""After the read: the mentions decided at corpus level (:mod:`graphbuild.resolve.identity`) written where the
read left room for them.

During the read a pending mention's row goes to ``.work/mentions.jsonl`` without its document, its
mention node to the N-Triples without its link, and its article's summary without it; this module
notes where each went (:class:`PendingRows`), and once :meth:`~graphbuild.resolve.resolver.Resolver.settle_pending`
has decided them writes the links, copies the mentions file into place with the rows completed
(one pass, the other lines copied as they are), and completes the article summaries.  What it
holds is one small tuple per pending mention.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from graphbuild.graph import triples
from graphbuild.graph.namespaces import ID
from graphbuild.pipeline.rows import decode_line, encode_line
from graphbuild.resolve.identity import graph_candidates
from graphbuild.resolve.records import Citation, Pending
from graphbuild.resolve.resolver import Resolver
from graphbuild.write.gephi_elements import ArticleSummary


class PendingRows:
    """Where the read put each pending mention: its line in the mentions file and in the article summaries."""

    def __init__(self) -> None:
        self.lines = 0  # mention rows written so far
        self.summaries = 0  # article summaries written so far
        self.held: list[tuple[int, int | None, bool, Pending]] = []  # (row, summary line, in date range, mention)

    def add(self, citations: list[Citation], summary: bool, in_range: bool) -> None:
        """Note one article's rows (written in citation order) and, if ``summary``, its summary line."""
        for k, c in enumerate(citations):
            if c.pending is not None:
                self.held.append((self.lines + k, self.summaries if summary else None, in_range, c.pending))
        self.lines += len(citations)
        self.summaries += summary

    def settle(self, resolver: Resolver, add_lines: Callable[[list[str]], None]) -> None:
        """Decide the pending mentions against the documents the read made; hand their links to ``add_lines``."""
        if not self.held:
            return
        resolver.settle_pending(graph_candidates(resolver.merged_records(), resolver.wanted()))
        for _row, _summary, _in_range, p in self.held:
            assert p.where is not None, "the build notes where every held mention goes"
            mention_node, article_node = p.where
            add_lines(triples.resolved_mention_lines(mention_node, article_node, p.target or "", p.resolved_by))

    def write_mentions(self, draft: Path, out: Path) -> None:
        """``out``: the rows of ``draft`` with the pending ones' document and way filled in."""
        if not self.held:
            os.replace(draft, out)
            return
        at = {row: p for row, _s, _r, p in self.held}

        def completed(n: int, line: bytes) -> bytes:
            p = at[n]
            row = decode_line(line)
            row["document"], row["document_iri"], row["resolved_by"] = p.target, ID + (p.target or ""), p.resolved_by
            return encode_line(row)

        _rewrite_bytes(draft, out, set(at), completed)
        draft.unlink()

    def complete_summaries(self, path: Path, ranged: Callable[[dict[str, int]], None] | None) -> None:
        """Add the pending mentions' documents to their articles' summaries (and to a date range's counts)."""
        extra: dict[int, list[str]] = {}
        for _row, summary, in_range, p in self.held:
            if summary is not None:
                extra.setdefault(summary, []).append(p.target or "")
            if ranged is not None and in_range:
                ranged({p.target or "": 1})
        if not extra:
            return
        def completed(n: int, line: str) -> str:
            s = ArticleSummary.from_json(line)
            for t in extra[n]:
                s.refs[t] = s.refs.get(t, 0) + 1
            return s.to_json() + "\n"

        tmp = path.with_suffix(".tmp")
        _rewrite_lines(path, tmp, set(extra), completed)
        shutil.move(tmp, path)


def _rewrite_lines(src: Path, dst: Path, lines: set[int], rewrite: Callable[[int, str], str]) -> None:
    """Copy ``src`` to ``dst`` line by line, the lines numbered in ``lines`` (from 0) passed through ``rewrite``."""
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for n, line in enumerate(fin):
            fout.write(rewrite(n, line) if n in lines else line)


def _rewrite_bytes(src: Path, dst: Path, lines: set[int], rewrite: Callable[[int, bytes], bytes]) -> None:
    """:func:`_rewrite_lines` on bytes: the lines copied as they are are never decoded."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for n, line in enumerate(fin):
            fout.write(rewrite(n, line) if n in lines else line)
