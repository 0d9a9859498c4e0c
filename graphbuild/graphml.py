"""GraphML (and GEXF) for Gephi, written by hand as a stream.

Why not networkx: its MultiDiGraph GraphML gives every first parallel edge ``id="0"`` and
Gephi drops edges whose id it has seen; ``None`` and list values raise; mixed types under
one name make duplicate columns (see shared/reference/rdf-gephi-performance.md §2).  Here:

* one edge per (source, target, kind), aggregated, with a ``weight`` and a unique ``id``;
* named keys (``id`` = attribute name), one type per key, no empty values (a missing
  value is simply not written);
* nodes carry ``label`` (Gephi's label), ``kind``, ``date``, ``issuer``, ``size`` and
  ``color`` (``#rrggbb``); edges carry ``kind`` and ``weight``.

Options: ``scope="documents"`` keeps documents and bodies only (no articles); ``since`` /
``until`` keep articles published in that ISO date range and the documents they cite (plus
documents dated in the range).

Memory: documents and articles are both read as re-iterable streams (a build's summary files,
:class:`DocSummary` and :class:`ArticleSummary`), three passes at most; what is held is the
bodies, and the edges of citation keys and plenums up to a bound (then sorted runs on disk),
never one entry per document or article.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from graphbuild.docstore import SortedSpill
from graphbuild.resolve import BodyRecord, DocRecord

COLORS = {
    "article": "#f28e2b",
    "party": "#e15759",
    "state": "#4e79a7",
    "named": "#59a14f",
    "citekey": "#9c9c9c",
    "body": "#b07aa1",
}

NODE_KEYS = (("label", "string"), ("kind", "string"), ("date", "string"), ("issuer", "string"),
             ("province", "string"), ("citations", "int"), ("size", "double"), ("color", "string"))
EDGE_KEYS = (("kind", "string"), ("weight", "double"))

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Shared encoder: json.dumps with a keyword argument builds a new encoder per call (one per article).
_encode = json.JSONEncoder(ensure_ascii=False).encode


@dataclass
class ArticleSummary:
    """What the graph files need of one article (kept on disk as JSON Lines during a build)."""

    local: str
    label: str
    date: str | None
    province: str | None
    refs: dict[str, int] = field(default_factory=dict)  # document local -> mentions

    def to_json(self) -> str:
        return _encode([self.local, self.label, self.date, self.province, self.refs])

    @classmethod
    def from_json(cls, line: str) -> ArticleSummary:
        local, label, date, province, refs = json.loads(line)
        return cls(local, label, date, province, refs)


def read_summaries(path: Path) -> Callable[[], Iterator[ArticleSummary]]:
    """A re-iterable reader over an article-summary file."""
    def it() -> Iterator[ArticleSummary]:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield ArticleSummary.from_json(line)
    return it


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


Node = tuple[str, dict]
Edge = tuple[str, str, str, float]  # source, target, kind, weight


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
        local, label, kind, date, year, issuer, numbering, province, citations, candidates, parts = json.loads(line)
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
    def it() -> Iterator[DocSummary]:
        with open(path, encoding="utf-8", errors="surrogatepass") as fh:
            for line in fh:
                yield DocSummary.from_json(line)
    return it


Docs = list[DocRecord] | Callable[[], Iterable[DocSummary]]


def _summaries(docs: Docs, articles: Callable[[], Iterable[ArticleSummary]],
               opts: Options) -> Callable[[], Iterable[DocSummary]]:
    """Document summaries from either form: records in memory (citations counted from the articles
    the options keep) or a summary stream already counted so (what a build writes)."""
    if callable(docs):
        return docs
    cited: Counter = Counter()
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
        for seq, d in enumerate(docs()):
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
            into: list[tuple] = []
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
             opts: Options, work: Path | None = None) -> tuple[Callable[[], Iterator[Node]], Callable[[], Iterator[Edge]]]:
    """(node stream, edge stream): documents, then bodies, then articles, each stream re-iterable.

    ``docs``: the records in local order, or a re-iterable stream of their summaries (the build's,
    which keeps memory flat in the number of documents).  Each stream reads the documents once
    (the first edge stream twice if no node stream went before it); ``work``, a folder for the
    sorted runs of edges that keep memory bounded (without it they are held).
    """
    summaries = _summaries(docs, articles, opts)
    sel = _Selection(summaries, opts, work)
    body_by = {b.local: b for b in bodies}

    def kept_bodies(issuers: Iterable[str | None]) -> set[str]:
        """The bodies of the kept documents and their ancestors (all of them without a range)."""
        if not sel.ranged:
            return set(body_by)
        keep: set[str] = set()
        for b in issuers:
            while b and b not in keep:
                keep.add(b)
                b = body_by[b].parent
        return keep

    def nodes() -> Iterator[Node]:
        issued: Counter = Counter()
        shown: set[str | None] = set()
        for d, keep in sel.kept():
            if not keep:
                continue
            if d.issuer:
                issued[d.issuer] += 1
            shown.add(d.issuer or d.numbering_body)
            yield (d.local, {"label": d.label, "kind": d.kind, "date": d.date or (str(d.year) if d.year else None),
                             "issuer": body_by[d.issuer].label if d.issuer else None, "province": d.province,
                             "citations": d.citations, "size": 1.0 + d.citations, "color": COLORS[d.kind]})
        keep_bodies = kept_bodies(shown)
        for b in bodies:
            if b.local in keep_bodies:
                yield (f"body/{b.local}", {"label": b.label, "kind": "body", "province": b.province,
                                           "citations": issued[b.local], "size": 1.0 + issued[b.local],
                                           "color": COLORS["body"]})
        if opts.scope == "documents":
            return
        for a in articles():
            if opts.keeps(a.date):
                n = sum(a.refs.values())
                yield (f"article/{a.local}", {"label": a.label, "kind": "article", "date": a.date,
                                              "province": a.province, "citations": n, "size": 1.0 + n,
                                              "color": COLORS["article"]})

    def edges() -> Iterator[Edge]:
        shown: set[str | None] = set()
        for d, keep, drawn in sel.drawn():
            if not keep:
                continue
            shown.add(d.issuer or d.numbering_body)
            if d.issuer:
                yield (d.local, f"body/{d.issuer}", "passed_by", 1.0)
            elif d.numbering_body:
                yield (d.local, f"body/{d.numbering_body}", "numbered_by", 1.0)
            n = len(d.candidates)
            yield from ((d.local, c, "candidate", 1.0) for c, ok in zip(d.candidates, drawn, strict=False) if ok)
            yield from ((d.local, p, "has_part", 1.0) for p, ok in zip(d.parts, drawn[n:], strict=True) if ok)
        keep_bodies = kept_bodies(shown)
        for b in bodies:
            if b.local in keep_bodies and b.parent:
                yield (f"body/{b.local}", f"body/{b.parent}", "sub_organization_of", 1.0)
        if opts.scope == "documents":
            return
        for a in articles():
            if opts.keeps(a.date):
                for target in sorted(a.refs):
                    yield (f"article/{a.local}", target, "references", float(a.refs[target]))

    return nodes, edges


def _clean(value: object) -> str:
    return _BAD_XML.sub("", str(value))


# Values that need no change in XML: most labels, ids, dates and numbers.  Checking for them
# first is several times cheaper than saxutils' escape/quoteattr (a build writes ~10 values per
# article into each Gephi file); anything else takes the saxutils path, so the bytes are the same.
_PLAIN = re.compile("[^&<>\"'\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*")


def _text(value: object) -> str:
    """``escape(_clean(value))``."""
    s = value if isinstance(value, str) else str(value)
    return s if _PLAIN.fullmatch(s) else escape(_clean(s))


def _attr(value: object) -> str:
    """``quoteattr(_clean(value))``."""
    s = value if isinstance(value, str) else str(value)
    return f'"{s}"' if _PLAIN.fullmatch(s) else quoteattr(_clean(s))


def _data(attrs: dict, prefix: str = "") -> str:
    return "".join(f'<data key="{prefix}{k}">{_text(v)}</data>' for k, v in attrs.items() if v is not None)


class _GraphML:
    """GraphML text of the header, one node, one edge, the footer."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh

    def start(self) -> None:
        fh = self.fh
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                 'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for name, typ in NODE_KEYS:
            fh.write(f'<key id="{name}" for="node" attr.name="{name}" attr.type="{typ}"/>\n')
        for name, typ in EDGE_KEYS:
            key_id = "weight" if name == "weight" else f"edge_{name}"
            fh.write(f'<key id="{key_id}" for="edge" attr.name="{name}" attr.type="{typ}"/>\n')
        fh.write('<graph id="graphbuild" edgedefault="directed">\n')

    def node(self, nid: str, attrs: dict) -> None:
        self.fh.write(f"<node id={_attr(nid)}>{_data(attrs)}</node>\n")

    def between(self) -> None:
        pass

    def edge(self, n: int, src: str, tgt: str, kind: str, weight: float) -> None:
        self.fh.write(f'<edge id="e{n}" source={_attr(src)} target={_attr(tgt)}>'
                      f'<data key="edge_kind">{kind}</data><data key="weight">{weight}</data></edge>\n')

    def end(self) -> None:
        self.fh.write("</graph>\n</graphml>\n")


def _rgb(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f'<viz:color r="{r}" g="{g}" b="{b}"/>'


_GEXF_ATTRS = [k for k in NODE_KEYS if k[0] not in ("label", "size", "color")]


class _GEXF:
    """GEXF 1.3 text of the header, one node, one edge, the footer."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh

    def start(self) -> None:
        fh = self.fh
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n'
                 '<graph defaultedgetype="directed" mode="static">\n<attributes class="node">\n')
        for i, (name, typ) in enumerate(_GEXF_ATTRS):
            fh.write(f'<attribute id="{i}" title="{name}" type="{"integer" if typ == "int" else typ}"/>\n')
        fh.write('</attributes>\n<attributes class="edge">\n<attribute id="0" title="kind" type="string"/>\n'
                 '</attributes>\n<nodes>\n')

    def node(self, nid: str, a: dict) -> None:
        values = "".join(f'<attvalue for="{i}" value={_attr(a[name])}/>'
                         for i, (name, _) in enumerate(_GEXF_ATTRS) if a.get(name) is not None)
        self.fh.write(f'<node id={_attr(nid)} label={_attr(a["label"])}>'
                      f'<attvalues>{values}</attvalues>{_rgb(a["color"])}<viz:size value="{a["size"]}"/></node>\n')

    def between(self) -> None:
        self.fh.write("</nodes>\n<edges>\n")

    def edge(self, n: int, src: str, tgt: str, kind: str, weight: float) -> None:
        self.fh.write(f'<edge id="e{n}" source={_attr(src)} target={_attr(tgt)} '
                      f'weight="{weight}"><attvalues><attvalue for="0" value="{kind}"/></attvalues></edge>\n')

    def end(self) -> None:
        self.fh.write("</edges>\n</graph>\n</gexf>\n")


def _write(outs: list[_GraphML | _GEXF], docs: Docs, bodies: list[BodyRecord],
           articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None,
           work: Path | None = None) -> tuple[int, int]:
    """Stream the graph into every writer of ``outs`` at once: one pass over nodes, one over edges."""
    nodes, edges = elements(docs, bodies, articles, opts or Options(), work)
    for o in outs:
        o.start()
    n_nodes = n_edges = 0
    for nid, attrs in nodes():
        for o in outs:
            o.node(nid, attrs)
        n_nodes += 1
    for o in outs:
        o.between()
    for src, tgt, kind, weight in edges():
        n_edges += 1
        for o in outs:
            o.edge(n_edges, src, tgt, kind, weight)
    for o in outs:
        o.end()
    return n_nodes, n_edges


def write_graphml(fh: IO[str], docs: Docs, bodies: list[BodyRecord],
                  articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None) -> tuple[int, int]:
    """Write a Gephi-safe GraphML document; returns (nodes, edges)."""
    return _write([_GraphML(fh)], docs, bodies, articles, opts)


def write_gexf(fh: IO[str], docs: Docs, bodies: list[BodyRecord],
               articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None) -> tuple[int, int]:
    """Write GEXF 1.3 (Gephi's native format): labels, viz colour and size, weighted edges with kinds."""
    return _write([_GEXF(fh)], docs, bodies, articles, opts)


def write_gephi(graphml: IO[str], gexf: IO[str], docs: Docs, bodies: list[BodyRecord],
                articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None,
                work: Path | None = None) -> tuple[int, int]:
    """Both files in one go: the same bytes as write_graphml and write_gexf, reading the inputs half as often.

    ``work``: a folder for the sorted runs that keep memory bounded (see elements)."""
    return _write([_GraphML(graphml), _GEXF(gexf)], docs, bodies, articles, opts, work)
