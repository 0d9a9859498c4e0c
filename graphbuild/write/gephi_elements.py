"""What the Gephi files show: their nodes and edges (:func:`elements`), chosen by :class:`Options`
from the summaries of the articles and documents a build keeps on disk.

Options: ``scope="documents"`` keeps documents and bodies only (no articles); ``since`` /
``until`` keep articles published in that ISO date range and the documents they cite (plus
documents dated in the range).

Memory: documents and articles are both read as re-iterable streams (a build's summary files,
:class:`DocSummary` and :class:`ArticleSummary`), three passes at most; what is held is the
bodies, and the edges of citation keys and plenums up to a bound (then sorted runs on disk),
never one entry per document or article.  The XML is written by :mod:`graphbuild.write.graphml`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphbuild.resolve.bodies import BodyRecord
from graphbuild.resolve.docstore import SortedSpill
from graphbuild.resolve.records import DocRecord

# Shared encoder: json.dumps with a keyword argument builds a new encoder per call (one per article).
_encode = json.JSONEncoder(ensure_ascii=False).encode
# The C scanner behind json.loads, called directly: a line is read twice or three times by the
# Gephi writers, and loads' Python layers (decode, raw_decode, two whitespace matches) cost as
# much as the parse itself.  The lines are this module's own, one JSON array each.  (typeshed does not
# declare the attribute.)
_scan: Callable[[str, int], tuple[list[Any], int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decode(line: str) -> list[Any]:
    try:
        return _scan(line, 0)[0]
    except StopIteration as e:  # what the scanner raises for a line that is no JSON value
        raise json.JSONDecodeError("Expecting value", line, e.value) from None


@dataclass
class ArticleSummary:
    """What the graph files need of one article (kept on disk as JSON Lines during a build)."""

    local: str
    label: str
    date: str | None
    province: str | None
    refs: dict[str, int] = field(default_factory=dict)  # document local -> mentions
    # (source, relation, target) the article states between documents (graphbuild.resolve.relations)
    relations: list[tuple[str, str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        fields: list[object] = [self.local, self.label, self.date, self.province, self.refs]
        if self.relations:
            fields.append(self.relations)
        return _encode(fields)

    @classmethod
    def from_json(cls, line: str) -> ArticleSummary:
        local, label, date, province, refs, *rest = _decode(line)
        relations = [(s, r, t) for s, r, t in rest[0]] if rest else []
        return cls(local, label, date, province, refs, relations)


def read_summaries(path: Path) -> Callable[[], Iterator[ArticleSummary]]:
    """A re-iterable reader over an article-summary file."""
    def it() -> Iterator[ArticleSummary]:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield ArticleSummary.from_json(line)
    return it


class _DocSummaryFile:
    """A re-iterable reader over a document-summary file that can also give its lines unparsed.

    Why: :class:`_Selection` first reads every document only for those with candidates or parts
    (a few percent); a line of this module's format tells that by its end, so the others are
    not parsed (decoding is most of a pass).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> Iterator[str]:
        with open(self.path, encoding="utf-8", errors="surrogatepass") as fh:
            yield from fh

    def __call__(self) -> Iterator[DocSummary]:
        from_json = DocSummary.from_json
        for line in self.lines():
            yield from_json(line)


@dataclass
class Options:
    scope: str = "all"  # all | documents
    since: str | None = None
    until: str | None = None

    def keeps(self, date: str | None) -> bool:
        if not (self.since or self.until):
            return True
        if not date:
            return False
        return (not self.since or date >= self.since) and (not self.until or date <= self.until)


# (id, label, kind, date, issuer, province, citations): see elements
Node = tuple[str, str | None, str, str | None, str | None, str | None, int]
# (source, kind, targets, weights or None[, start]): the edges of one source and kind, see elements; an
# article's citations carry its date as a fifth element (when they begin, for GEXF's timeline)
Fan = (tuple[str, str, Sequence[str], Sequence[int] | None]
       | tuple[str, str, Sequence[str], Sequence[int] | None, str | None])


def fan_time(fan: Fan) -> str | None:
    """When a fan's edges begin (the citing article's date, a fifth element), None for edges without time."""
    return fan[4] if len(fan) > 4 else None


@dataclass(slots=True)
class DocSummary:
    """What the graph files need of one document or citation key (kept on disk as JSON Lines during a build).

    Why: the graph files used to be written from the resolver's records, all in memory at once;
    a build now streams the records once and writes these lines, which the writers read as often
    as they need.  ``citations`` is the count the graph shows: by the articles of the date range
    when there is one (see :func:`doc_summary`).
    """

    local: str
    label: str
    kind: str  # party | state | named | citekey
    date: str | None  # the document's date (DocRecord.date), what a date range is checked against
    year: int | None
    issuer: str | None  # body local
    numbering_body: str | None
    province: str | None
    citations: int
    candidates: tuple[str, ...] = ()  # sorted
    parts: tuple[str, ...] = ()

    def to_json(self) -> str:
        return _encode([self.local, self.label, self.kind, self.date, self.year, self.issuer, self.numbering_body,
                        self.province, self.citations, self.candidates, self.parts])

    @classmethod
    def from_json(cls, line: str) -> DocSummary:
        local, label, kind, date, year, issuer, numbering, province, citations, candidates, parts = _decode(line)
        return cls(local, label, kind, date, year, issuer, numbering, province, citations, tuple(candidates),
                   tuple(parts))

    @property
    def targets(self) -> tuple[str, ...]:
        """Nodes a kept document keeps with it: a citation key's candidates, a plenum's resolutions."""
        return (*self.candidates, *self.parts)


def doc_summary(d: DocRecord, citations: int) -> DocSummary:
    """The summary of a settled record; ``citations``: its citations by the articles the graph keeps."""
    return DocSummary(d.local, d.label, "citekey" if d.is_citekey else d.kind, d.date, d.year, d.issuer,
                      d.numbering_body, d.province, citations, tuple(sorted(d.candidates)), tuple(d.parts))


def read_doc_summaries(path: Path) -> Callable[[], Iterator[DocSummary]]:
    """A re-iterable reader over a document-summary file (see DocSummary)."""
    return _DocSummaryFile(path)


# How DocSummary.to_json ends a line whose candidates and parts are both empty (the last two
# fields are flat lists of strings, so no other line ends so).
_NO_TARGETS = ", [], []]\n"


Docs = list[DocRecord] | Callable[[], Iterable[DocSummary]]


def _summaries(docs: Docs, articles: Callable[[], Iterable[ArticleSummary]],
               opts: Options) -> Callable[[], Iterable[DocSummary]]:
    """Document summaries from either form: records in memory (citations counted from the articles
    the options keep) or a summary stream already counted so (what a build writes)."""
    if callable(docs):
        return docs
    cited: Counter[str] = Counter()
    for a in articles():
        if opts.keeps(a.date):
            cited.update(a.refs)
    return lambda: (doc_summary(d, cited[d.local]) for d in docs)


SELECTION_HELD = 100_000  # edge targets held in memory before they go to a sorted run (with a work folder)


class _Selection:
    """Which documents a graph file keeps, and which candidate and has_part edges it draws, in bounded memory.

    A document is kept when no range is set, or when articles of the range cite it or its date
    is in the range ("on its own"); a document kept on its own keeps the targets of its edges (a
    citation key its candidates, a plenum its resolutions), one step only.  An edge is drawn when
    its target is a kept document.  Edges point anywhere in the stream, so instead of a set of
    documents this holds sorted streams: every edge as (target, source, position, source kept on
    its own), sorted by target and joined with the documents in local order (:meth:`kept`), which
    also gives each edge its flag, read back in (source, position) order when edges are written.
    """

    def __init__(self, docs: Callable[[], Iterable[DocSummary]], opts: Options, work: Path | None) -> None:
        self.docs, self.opts, self.work = docs, opts, work
        self.ranged = bool(opts.since or opts.until)
        self.edges = SortedSpill(work, SELECTION_HELD, "edges")
        if isinstance(docs, _DocSummaryFile):  # parse only the lines with targets
            from_json = DocSummary.from_json
            stream: Iterable[tuple[int, DocSummary]] = (
                (seq, from_json(line)) for seq, line in enumerate(docs.lines()) if not line.endswith(_NO_TARGETS))
        else:
            stream = enumerate(docs())
        for seq, d in stream:
            if d.targets:
                own = self.kept_alone(d)
                for j, target in enumerate(d.targets):
                    self.edges.add((target, seq, j, own))
        self.flags: SortedSpill | None = None  # (source, position, drawn), once kept() has run to its end

    def kept_alone(self, d: DocSummary) -> bool:
        return not self.ranged or d.citations > 0 or bool(d.date and self.opts.keeps(d.date))

    def kept(self) -> Iterator[tuple[DocSummary, bool]]:
        """Every document with whether the file keeps it; the first full pass also sets :attr:`flags`."""
        flags = SortedSpill(self.work, SELECTION_HELD, "flags") if self.flags is None else None
        edges = self.edges.sorted()
        edge = next(edges, None)
        for d in self.docs():
            while edge is not None and edge[0] < d.local:  # a target that is no document: never drawn
                if flags is not None:
                    flags.add((edge[1], edge[2], False))
                edge = next(edges, None)
            into: list[tuple[str, int, int, bool]] = []  # (target, source position, edge index, own)
            while edge is not None and edge[0] == d.local:
                into.append(edge)
                edge = next(edges, None)
            keep = self.kept_alone(d) or any(e[3] for e in into)
            if flags is not None:
                for e in into:
                    flags.add((e[1], e[2], keep))
            yield d, keep
        while edge is not None:
            if flags is not None:
                flags.add((edge[1], edge[2], False))
            edge = next(edges, None)
        if flags is not None:
            self.flags = flags

    def drawn(self) -> Iterator[tuple[DocSummary, bool, list[bool]]]:
        """Every document, whether it is kept, and for each of its targets whether the edge to it is drawn."""
        if self.flags is None:
            for _ in self.kept():
                pass
        assert self.flags is not None
        flags = self.flags.sorted()
        for d, keep in self.kept():
            yield d, keep, [next(flags)[2] for _ in d.targets]


def elements(docs: Docs, bodies: list[BodyRecord], articles: Callable[[], Iterable[ArticleSummary]],
             opts: Options, work: Path | None = None) -> tuple[Callable[[], Iterator[Node]], Callable[[], Iterator[Fan]]]:
    """(node stream, edge stream): documents, then bodies, then articles, each stream re-iterable.

    A node is ``(id, label, kind, date, issuer, province, citations)`` (None: not written; its
    size is ``1 + citations`` and its colour the kind's); edges come as fans, ``(source, kind,
    targets, weights)``, the edges of one source and kind in order (``weights`` None: all 1),
    so a writer escapes a source once and checks all of an article's targets at once.

    ``docs``: the records in local order, or a re-iterable stream of their summaries (the build's,
    which keeps memory flat in the number of documents).  Each stream reads the documents once
    (the first edge stream twice if no node stream went before it); ``work``, a folder for the
    sorted runs of edges that keep memory bounded (without it they are held).
    """
    graph = _Elements(docs, bodies, articles, opts, work)
    return graph.nodes, graph.edges


class _Elements:
    """The node and edge streams of one graph file (see :func:`elements`)."""

    def __init__(self, docs: Docs, bodies: list[BodyRecord], articles: Callable[[], Iterable[ArticleSummary]],
                 opts: Options, work: Path | None) -> None:
        self.sel = _Selection(_summaries(docs, articles, opts), opts, work)
        self.bodies, self.articles, self.opts = bodies, articles, opts
        self.body_by = {b.local: b for b in bodies}

    def kept_bodies(self, issuers: Iterable[str | None]) -> set[str]:
        """The bodies of the kept documents and their ancestors (all of them without a range)."""
        if not self.sel.ranged:
            return set(self.body_by)
        keep: set[str] = set()
        for b in issuers:
            while b and b not in keep:
                keep.add(b)
                b = self.body_by[b].parent
        return keep

    def nodes(self) -> Iterator[Node]:
        body_by = self.body_by
        issued: Counter[str] = Counter()
        shown: set[str | None] = set()
        for d, keep in self.sel.kept():
            if not keep:
                continue
            if d.issuer:
                issued[d.issuer] += 1
            shown.add(d.issuer or d.numbering_body)
            yield (d.local, d.label, d.kind, d.date or (str(d.year) if d.year else None),
                   body_by[d.issuer].label if d.issuer else None, d.province, d.citations)
        keep_bodies = self.kept_bodies(shown)
        for b in self.bodies:
            if b.local in keep_bodies:
                yield (f"body/{b.local}", b.label, "body", None, None, b.province, issued[b.local])
        if self.opts.scope == "documents":
            return
        keeps = self.opts.keeps
        for a in self.articles():
            if keeps(a.date):
                yield (f"article/{a.local}", a.label, "article", a.date, None, a.province, sum(a.refs.values()))

    def edges(self) -> Iterator[Fan]:
        shown: set[str | None] = set()
        for d, keep, drawn in self.sel.drawn():
            if not keep:
                continue
            shown.add(d.issuer or d.numbering_body)
            if d.issuer:
                yield (d.local, "passed_by", (f"body/{d.issuer}",), None)
            elif d.numbering_body:
                yield (d.local, "numbered_by", (f"body/{d.numbering_body}",), None)
            if drawn:
                n = len(d.candidates)
                candidates = [c for c, ok in zip(d.candidates, drawn, strict=False) if ok]
                if candidates:
                    yield (d.local, "candidate", candidates, None)
                parts = [p for p, ok in zip(d.parts, drawn[n:], strict=True) if ok]
                if parts:
                    yield (d.local, "has_part", parts, None)
        keep_bodies = self.kept_bodies(shown)
        for b in self.bodies:
            if b.local in keep_bodies and b.parent:
                yield (f"body/{b.local}", "sub_organization_of", (f"body/{b.parent}",), None)
        stated: Counter[tuple[str, str, str]] = Counter()  # (source, relation, target) -> articles stating it
        keeps, articles_shown = self.opts.keeps, self.opts.scope != "documents"
        for a in self.articles():
            if not keeps(a.date):
                continue
            stated.update(a.relations)
            if articles_shown and a.refs:
                refs = a.refs
                targets = sorted(refs)
                yield (f"article/{a.local}", "references", targets, [refs[t] for t in targets], a.date)
        yield from _relation_fans(stated, self._kept_ends(stated) if self.sel.ranged else None)

    def _kept_ends(self, stated: Counter[tuple[str, str, str]]) -> set[str]:
        """Which ends of the stated relations the file keeps (with a date range not every document is)."""
        ends = {end for s, _r, t in stated for end in (s, t)}
        return {d.local for d, keep in self.sel.kept() if keep and d.local in ends}


def _relation_fans(stated: Counter[tuple[str, str, str]], kept: set[str] | None) -> Iterator[Fan]:
    """Document -> document edges of the relation kinds (implements, based_on, amends, repeals, guides),
    weighted by how many articles state each; ``kept``: the documents the file keeps (None: all)."""
    fans: dict[tuple[str, str], list[str]] = {}
    for s, r, t in sorted(stated):
        if kept is None or (s in kept and t in kept):
            fans.setdefault((s, r), []).append(t)
    for (s, r), targets in fans.items():
        yield (s, r, targets, [stated[(s, r, t)] for t in targets])
