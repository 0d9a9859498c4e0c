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

from graphbuild.resolve.bodies import BodyRecord
from graphbuild.resolve.docstore import SortedSpill
from graphbuild.resolve.records import DocRecord

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
# The C scanner behind json.loads, called directly: a line is read twice or three times by the
# Gephi writers, and loads' Python layers (decode, raw_decode, two whitespace matches) cost as
# much as the parse itself.  The lines are this module's own, one JSON array each.
_scan = json.JSONDecoder().scan_once


def _decode(line: str) -> list:
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

    def to_json(self) -> str:
        return _encode([self.local, self.label, self.date, self.province, self.refs])

    @classmethod
    def from_json(cls, line: str) -> ArticleSummary:
        local, label, date, province, refs = _decode(line)
        return cls(local, label, date, province, refs)


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


Node = tuple  # (id, label, kind, date, issuer, province, citations): see elements
Fan = tuple  # (source, kind, targets, weights or None): the edges of one source and kind, see elements


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
            yield (d.local, d.label, d.kind, d.date or (str(d.year) if d.year else None),
                   body_by[d.issuer].label if d.issuer else None, d.province, d.citations)
        keep_bodies = kept_bodies(shown)
        for b in bodies:
            if b.local in keep_bodies:
                yield (f"body/{b.local}", b.label, "body", None, None, b.province, issued[b.local])
        if opts.scope == "documents":
            return
        keeps = opts.keeps
        for a in articles():
            if keeps(a.date):
                yield (f"article/{a.local}", a.label, "article", a.date, None, a.province, sum(a.refs.values()))

    def edges() -> Iterator[Fan]:
        shown: set[str | None] = set()
        for d, keep, drawn in sel.drawn():
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
        keep_bodies = kept_bodies(shown)
        for b in bodies:
            if b.local in keep_bodies and b.parent:
                yield (f"body/{b.local}", "sub_organization_of", (f"body/{b.parent}",), None)
        if opts.scope == "documents":
            return
        keeps = opts.keeps
        for a in articles():
            if keeps(a.date) and a.refs:
                refs = a.refs
                targets = sorted(refs)
                yield (f"article/{a.local}", "references", targets, [refs[t] for t in targets])

    return nodes, edges


def _clean(value: object) -> str:
    return _BAD_XML.sub("", str(value))


# Values that need no change in XML: most labels, ids, dates and numbers.  Checking for them
# first is several times cheaper than saxutils' escape/quoteattr (a build writes ~10 values per
# article into each Gephi file); anything else takes the saxutils path, so the bytes are the same.
_PLAIN = re.compile("[^&<>\"'\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*")
_plain = _PLAIN.fullmatch
# The same test the other way round, for the streaming writer (searching for one character that
# needs care is ~25% cheaper than matching the whole string).  A concatenation needs none exactly
# when no piece does, so one search covers every value of a node, or a source and all its targets.
_needs_care = re.compile("[&<>\"'\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]").search


def _text(value: object) -> str:
    """``escape(_clean(value))``."""
    s = value if isinstance(value, str) else str(value)
    return s if _plain(s) else escape(_clean(s))


def _attr(value: object) -> str:
    """``quoteattr(_clean(value))``."""
    s = value if isinstance(value, str) else str(value)
    return f'"{s}"' if _plain(s) else quoteattr(_clean(s))


# The straightforward writers of one node or edge from a dict of attributes.  The streaming
# writer below takes them for any value that needs escaping (and the tests hold its fast path
# to them), so they are the definition of the bytes.

def _attrs(node: Node) -> dict:
    """A node's attributes as the reference writers take them, in key order (None: not written)."""
    nid, label, kind, date, issuer, province, citations = node
    return {"label": label, "kind": kind, "date": date, "issuer": issuer, "province": province,
            "citations": citations, "size": 1.0 + citations, "color": COLORS[kind]}


def _graphml_node(nid: str, attrs: dict) -> str:
    data = "".join(f'<data key="{k}">{_text(v)}</data>' for k, v in attrs.items() if v is not None)
    return f"<node id={_attr(nid)}>{data}</node>\n"


def _graphml_edge(n: int, src: str, tgt: str, kind: str, weight: float) -> str:
    return (f'<edge id="e{n}" source={_attr(src)} target={_attr(tgt)}>'
            f'<data key="edge_kind">{kind}</data><data key="weight">{weight}</data></edge>\n')


def _rgb(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f'<viz:color r="{r}" g="{g}" b="{b}"/>'


_GEXF_ATTRS = [k for k in NODE_KEYS if k[0] not in ("label", "size", "color")]


def _gexf_node(nid: str, a: dict) -> str:
    values = "".join(f'<attvalue for="{i}" value={_attr(a[name])}/>'
                     for i, (name, _) in enumerate(_GEXF_ATTRS) if a.get(name) is not None)
    return (f'<node id={_attr(nid)} label={_attr(a["label"])}>'
            f'<attvalues>{values}</attvalues>{_rgb(a["color"])}<viz:size value="{a["size"]}"/></node>\n')


def _gexf_edge(n: int, src: str, tgt: str, kind: str, weight: float) -> str:
    return (f'<edge id="e{n}" source={_attr(src)} target={_attr(tgt)} '
            f'weight="{weight}"><attvalues><attvalue for="0" value="{kind}"/></attvalues></edge>\n')


def _graphml_start() -> str:
    keys = [f'<key id="{name}" for="node" attr.name="{name}" attr.type="{typ}"/>\n' for name, typ in NODE_KEYS]
    keys += [f'<key id="{"weight" if name == "weight" else f"edge_{name}"}" for="edge" attr.name="{name}" '
             f'attr.type="{typ}"/>\n' for name, typ in EDGE_KEYS]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
            + "".join(keys) + '<graph id="graphbuild" edgedefault="directed">\n')


def _gexf_start() -> str:
    attrs = [f'<attribute id="{i}" title="{name}" type="{"integer" if typ == "int" else typ}"/>\n'
             for i, (name, typ) in enumerate(_GEXF_ATTRS)]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n'
            '<graph defaultedgetype="directed" mode="static">\n<attributes class="node">\n'
            + "".join(attrs) + '</attributes>\n<attributes class="edge">\n'
            '<attribute id="0" title="kind" type="string"/>\n</attributes>\n<nodes>\n')


_GRAPHML_BETWEEN, _GRAPHML_END = "", "</graph>\n</graphml>\n"
_GEXF_BETWEEN, _GEXF_END = "</nodes>\n<edges>\n", "</edges>\n</graph>\n</gexf>\n"

# Per node kind, the constant pieces of a node: GraphML kind and colour data, GEXF kind value and colour.
_KIND_PIECES = {kind: (f'<data key="kind">{kind}</data>', f'<data key="color">{color}</data></node>\n',
                       f'<attvalue for="0" value="{kind}"/>', _rgb(color))
                for kind, color in COLORS.items()}

FLUSH = 2048  # lines gathered before one write to each file: a TextIOWrapper.write per line cost ~10% of the writing


def _write(gm: IO[str], gx: IO[str], docs: Docs, bodies: list[BodyRecord],
           articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None,
           work: Path | None = None) -> tuple[int, int]:
    """Stream the graph into both files at once: one pass over nodes, one over edges.

    Why so written: 10k articles make ~75k lines per file (25k nodes, 50k edges), a million a
    hundred times that, so the common case takes one f-string per line: every value of a node (or a source and all
    of its targets) is checked with one regex search, the constant pieces are made once per
    kind, and lines are written in batches.  Anything that needs escaping goes to the reference
    writers (:func:`_graphml_node` and the like), so the bytes are theirs.
    """
    nodes, edges = elements(docs, bodies, articles, opts or Options(), work)
    care = _needs_care
    kinds = _KIND_PIECES
    sizes: dict[object, str] = {}  # citations -> the size as written (a float's repr is dear, and there are few)
    gml: list[str] = [_graphml_start()]
    gxl: list[str] = [_gexf_start()]
    gm_add, gx_add = gml.append, gxl.append

    def flush() -> None:
        gm.write("".join(gml))
        gx.write("".join(gxl))
        gml.clear()
        gxl.clear()

    n_nodes = n_edges = 0
    for node in nodes():
        nid, label, kind, date, issuer, province, cit = node
        if label is not None and not care(f"{nid}{label}{date or ''}{issuer or ''}{province or ''}{cit}"):
            size = sizes.get(cit)
            if size is None:
                size = sizes[cit] = f"{1.0 + cit}"
            gm_kind, gm_color, gx_kind, gx_color = kinds[kind]
            if date is None:
                gm_date = gx_date = ""
            else:
                gm_date, gx_date = f'<data key="date">{date}</data>', f'<attvalue for="1" value="{date}"/>'
            if issuer is None:
                gm_issuer = gx_issuer = ""
            else:
                gm_issuer, gx_issuer = f'<data key="issuer">{issuer}</data>', f'<attvalue for="2" value="{issuer}"/>'
            if province is None:
                gm_prov = gx_prov = ""
            else:
                gm_prov, gx_prov = f'<data key="province">{province}</data>', f'<attvalue for="3" value="{province}"/>'
            gm_add(f'<node id="{nid}"><data key="label">{label}</data>{gm_kind}{gm_date}{gm_issuer}{gm_prov}'
                   f'<data key="citations">{cit}</data><data key="size">{size}</data>{gm_color}')
            gx_add(f'<node id="{nid}" label="{label}"><attvalues>{gx_kind}{gx_date}{gx_issuer}{gx_prov}'
                   f'<attvalue for="4" value="{cit}"/></attvalues>{gx_color}<viz:size value="{size}"/></node>\n')
        else:
            attrs = _attrs(node)
            gm_add(_graphml_node(nid, attrs))
            gx_add(_gexf_node(nid, attrs))
        n_nodes += 1
        if len(gml) >= FLUSH:
            flush()
    gm_add(_GRAPHML_BETWEEN)
    gx_add(_GEXF_BETWEEN)
    tails: dict[tuple[str, object], tuple[str, str]] = {}  # (kind, weight) -> what follows the target in each file
    for src, kind, targets, weights in edges():
        if not care(f"{src}{''.join(targets)}"):
            for i, tgt in enumerate(targets):
                w = 1.0 if weights is None else weights[i]
                tail = tails.get((kind, w))
                if tail is None:
                    weight = float(w)
                    tail = tails[(kind, w)] = (
                        f'><data key="edge_kind">{kind}</data><data key="weight">{weight}</data></edge>\n',
                        f' weight="{weight}"><attvalues><attvalue for="0" value="{kind}"/></attvalues></edge>\n')
                n_edges += 1
                head = f'<edge id="e{n_edges}" source="{src}" target="{tgt}"'
                gm_add(head + tail[0])
                gx_add(head + tail[1])
        else:
            for i, tgt in enumerate(targets):
                weight = 1.0 if weights is None else float(weights[i])
                n_edges += 1
                gm_add(_graphml_edge(n_edges, src, tgt, kind, weight))
                gx_add(_gexf_edge(n_edges, src, tgt, kind, weight))
        if len(gml) >= FLUSH:
            flush()
    gm_add(_GRAPHML_END)
    gx_add(_GEXF_END)
    flush()
    return n_nodes, n_edges


class _Discard:
    """A text sink for the file a single-format call does not want."""

    def write(self, s: str) -> int:
        return len(s)


def write_graphml(fh: IO[str], docs: Docs, bodies: list[BodyRecord],
                  articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None) -> tuple[int, int]:
    """Write a Gephi-safe GraphML document; returns (nodes, edges).  (The GEXF text is made and dropped.)"""
    return _write(fh, _Discard(), docs, bodies, articles, opts)  # type: ignore[arg-type]


def write_gexf(fh: IO[str], docs: Docs, bodies: list[BodyRecord],
               articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None) -> tuple[int, int]:
    """Write GEXF 1.3 (Gephi's native format): labels, viz colour and size, weighted edges with kinds."""
    return _write(_Discard(), fh, docs, bodies, articles, opts)  # type: ignore[arg-type]


def write_gephi(graphml: IO[str], gexf: IO[str], docs: Docs, bodies: list[BodyRecord],
                articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None,
                work: Path | None = None) -> tuple[int, int]:
    """Both files in one go: the same bytes as write_graphml and write_gexf, reading the inputs half as often.

    ``work``: a folder for the sorted runs that keep memory bounded (see elements)."""
    return _write(graphml, gexf, docs, bodies, articles, opts, work)
