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


def elements(docs: list[DocRecord], bodies: list[BodyRecord], articles: Callable[[], Iterable[ArticleSummary]],
             opts: Options) -> tuple[list[Node], Callable[[], Iterator[Node]], list[Edge], Callable[[], Iterator[Edge]]]:
    """(document and body nodes, article node stream, document/body edges, article edge stream)."""
    ranged = bool(opts.since or opts.until)
    cited: Counter = Counter()
    for a in articles():
        if opts.keeps(a.date):
            cited.update(a.refs)
    by_local = {d.local: d for d in docs}
    keep_docs = {d.local for d in docs if not ranged or cited[d.local] or (d.date and opts.keeps(d.date))}
    for d in list(keep_docs):  # a kept citation key keeps its candidates, a plenum its resolutions
        keep_docs.update(x for x in (*by_local[d].candidates, *by_local[d].parts) if x in by_local)
    body_by = {b.local: b for b in bodies}
    keep_bodies: set[str] = set()
    issuers = {d: by_local[d].issuer for d in keep_docs}
    for d in keep_docs:
        b = issuers[d] or by_local[d].numbering_body
        while b and b not in keep_bodies:
            keep_bodies.add(b)
            b = body_by[b].parent
    if not ranged:
        keep_bodies.update(body_by)
    issued = Counter(i for i in issuers.values() if i)

    doc_nodes: list[Node] = []
    edges: list[Edge] = []
    for d in docs:
        if d.local not in keep_docs:
            continue
        kind = "citekey" if d.is_citekey else d.kind
        issuer = issuers[d.local]  # derived from the evidence on every read: once per document
        attrs = {"label": d.label, "kind": kind, "date": d.date or (str(d.year) if d.year else None),
                 "issuer": body_by[issuer].label if issuer else None, "province": d.province,
                 "citations": cited[d.local], "size": 1.0 + cited[d.local], "color": COLORS[kind]}
        doc_nodes.append((d.local, attrs))
        if issuer:
            edges.append((d.local, f"body/{issuer}", "passed_by", 1.0))
        elif d.numbering_body:
            edges.append((d.local, f"body/{d.numbering_body}", "numbered_by", 1.0))
        edges.extend((d.local, c, "candidate", 1.0) for c in sorted(d.candidates) if c in keep_docs)
        edges.extend((d.local, p, "has_part", 1.0) for p in d.parts if p in keep_docs)
    for b in bodies:
        if b.local not in keep_bodies:
            continue
        attrs = {"label": b.label, "kind": "body", "province": b.province, "citations": issued[b.local],
                 "size": 1.0 + issued[b.local], "color": COLORS["body"]}
        doc_nodes.append((f"body/{b.local}", attrs))
        if b.parent:
            edges.append((f"body/{b.local}", f"body/{b.parent}", "sub_organization_of", 1.0))

    def article_nodes() -> Iterator[Node]:
        if opts.scope == "documents":
            return
        for a in articles():
            if opts.keeps(a.date):
                n = sum(a.refs.values())
                yield (f"article/{a.local}", {"label": a.label, "kind": "article", "date": a.date,
                                              "province": a.province, "citations": n, "size": 1.0 + n,
                                              "color": COLORS["article"]})

    def article_edges() -> Iterator[Edge]:
        if opts.scope == "documents":
            return
        for a in articles():
            if opts.keeps(a.date):
                for target in sorted(a.refs):
                    yield (f"article/{a.local}", target, "references", float(a.refs[target]))

    return doc_nodes, article_nodes, edges, article_edges


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


def write_graphml(fh: IO[str], docs: list[DocRecord], bodies: list[BodyRecord],
                  articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None) -> tuple[int, int]:
    """Write a Gephi-safe GraphML document; returns (nodes, edges)."""
    opts = opts or Options()
    doc_nodes, article_nodes, edges, article_edges = elements(docs, bodies, articles, opts)
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
    n_nodes = n_edges = 0
    for nid, attrs in _chain(doc_nodes, article_nodes()):
        fh.write(f"<node id={_attr(nid)}>{_data(attrs)}</node>\n")
        n_nodes += 1
    for src, tgt, kind, weight in _chain(edges, article_edges()):
        n_edges += 1
        fh.write(f'<edge id="e{n_edges}" source={_attr(src)} target={_attr(tgt)}>'
                 f'<data key="edge_kind">{kind}</data><data key="weight">{weight}</data></edge>\n')
    fh.write("</graph>\n</graphml>\n")
    return n_nodes, n_edges


def _rgb(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f'<viz:color r="{r}" g="{g}" b="{b}"/>'


def write_gexf(fh: IO[str], docs: list[DocRecord], bodies: list[BodyRecord],
               articles: Callable[[], Iterable[ArticleSummary]], opts: Options | None = None) -> tuple[int, int]:
    """Write GEXF 1.3 (Gephi's native format): labels, viz colour and size, weighted edges with kinds."""
    opts = opts or Options()
    doc_nodes, article_nodes, edges, article_edges = elements(docs, bodies, articles, opts)
    attrs = [k for k in NODE_KEYS if k[0] not in ("label", "size", "color")]
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n'
             '<graph defaultedgetype="directed" mode="static">\n<attributes class="node">\n')
    for i, (name, typ) in enumerate(attrs):
        fh.write(f'<attribute id="{i}" title="{name}" type="{"integer" if typ == "int" else typ}"/>\n')
    fh.write('</attributes>\n<attributes class="edge">\n<attribute id="0" title="kind" type="string"/>\n'
             '</attributes>\n<nodes>\n')
    n_nodes = n_edges = 0
    for nid, a in _chain(doc_nodes, article_nodes()):
        values = "".join(f'<attvalue for="{i}" value={_attr(a[name])}/>'
                         for i, (name, _) in enumerate(attrs) if a.get(name) is not None)
        fh.write(f'<node id={_attr(nid)} label={_attr(a["label"])}>'
                 f'<attvalues>{values}</attvalues>{_rgb(a["color"])}<viz:size value="{a["size"]}"/></node>\n')
        n_nodes += 1
    fh.write("</nodes>\n<edges>\n")
    for src, tgt, kind, weight in _chain(edges, article_edges()):
        n_edges += 1
        fh.write(f'<edge id="e{n_edges}" source={_attr(src)} target={_attr(tgt)} '
                 f'weight="{weight}"><attvalues><attvalue for="0" value="{kind}"/></attvalues></edge>\n')
    fh.write("</edges>\n</graph>\n</gexf>\n")
    return n_nodes, n_edges


def _chain(first: Iterable, second: Iterable) -> Iterator:
    yield from first
    yield from second
