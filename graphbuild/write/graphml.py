"""GraphML (and GEXF) for Gephi, written by hand as a stream.

Why not networkx: its MultiDiGraph GraphML gives every first parallel edge ``id="0"`` and
Gephi drops edges whose id it has seen; ``None`` and list values raise; mixed types under
one name make duplicate columns (see shared/reference/rdf-gephi-performance.md §2).  Here:

* one edge per (source, target, kind), aggregated, with a ``weight`` and a unique ``id``;
* named keys (``id`` = attribute name), one type per key, no empty values (a missing
  value is simply not written);
* nodes carry ``label`` (Gephi's label), ``kind``, ``date``, ``issuer``, ``size`` and
  ``color`` (``#rrggbb``, :mod:`graphbuild.write.palette`); edges carry ``kind`` and ``weight``;
* GEXF only: the graph is dynamic (``timeformat="date"``), each dated article and each of its
  citation edges ``start`` on the article's date (open-ended), so Gephi's timeline plays the
  network year by year; documents and bodies, undated, are there throughout.

Which nodes and edges a file holds (with ``scope``, ``since`` and ``until``) is decided by
:mod:`graphbuild.write.gephi_elements`; this module writes them as XML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from graphbuild.resolve.bodies import BodyRecord
from graphbuild.write.gephi_elements import ArticleSummary, Docs, Fan, Node, Options, elements, fan_time
from graphbuild.write.palette import NODE_COLORS

COLORS = NODE_COLORS  # the one palette (graphbuild.write.palette), under the name the web and tests know

NODE_KEYS = (("label", "string"), ("kind", "string"), ("date", "string"), ("issuer", "string"),
             ("province", "string"), ("citations", "int"), ("size", "double"), ("color", "string"))
EDGE_KEYS = (("kind", "string"), ("weight", "double"))

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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

def _attrs(node: Node) -> dict[str, Any]:
    """A node's attributes as the reference writers take them, in key order (None: not written)."""
    nid, label, kind, date, issuer, province, citations = node
    return {"label": label, "kind": kind, "date": date, "issuer": issuer, "province": province,
            "citations": citations, "size": 1.0 + citations, "color": COLORS[kind]}


def _graphml_node(nid: str, attrs: dict[str, Any]) -> str:
    data = "".join(f'<data key="{k}">{_text(v)}</data>' for k, v in attrs.items() if v is not None)
    return f"<node id={_attr(nid)}>{data}</node>\n"


def _graphml_edge(n: int, src: str, tgt: str, kind: str, weight: float) -> str:
    return (f'<edge id="e{n}" source={_attr(src)} target={_attr(tgt)}>'
            f'<data key="edge_kind">{kind}</data><data key="weight">{weight}</data></edge>\n')


def _rgb(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f'<viz:color r="{r}" g="{g}" b="{b}"/>'


_GEXF_ATTRS = [k for k in NODE_KEYS if k[0] not in ("label", "size", "color")]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
_ISO_YEAR = re.compile(r"\d{4}")


def gexf_start(date: str | None) -> str:
    """`` start="YYYY-MM-DD"`` for a date GEXF's ``timeformat="date"`` can hold (a year or month from its first day), else ''."""
    if not date:
        return ""
    if _ISO_DAY.fullmatch(date):
        return f' start="{date}"'
    if _ISO_MONTH.fullmatch(date):
        return f' start="{date}-01"'
    return f' start="{date}-01-01"' if _ISO_YEAR.fullmatch(date) else ""


def _node_start(kind: str, date: str | None) -> str:
    """Articles appear on their date; documents and bodies are there throughout."""
    return gexf_start(date) if kind == "article" else ""


def _gexf_node(nid: str, a: dict[str, Any]) -> str:
    values = "".join(f'<attvalue for="{i}" value={_attr(a[name])}/>'
                     for i, (name, _) in enumerate(_GEXF_ATTRS) if a.get(name) is not None)
    return (f'<node id={_attr(nid)} label={_attr(a["label"])}{_node_start(a["kind"], a["date"])}>'
            f'<attvalues>{values}</attvalues>{_rgb(a["color"])}<viz:size value="{a["size"]}"/></node>\n')


def _gexf_edge(n: int, src: str, tgt: str, kind: str, weight: float, start: str = "") -> str:
    return (f'<edge id="e{n}" source={_attr(src)} target={_attr(tgt)}{start} '
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
            '<graph defaultedgetype="directed" mode="dynamic" timeformat="date">\n<attributes class="node">\n'
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
    out = _Batches(gm, gx)
    out.graphml.append(_graphml_start())
    out.gexf.append(_gexf_start())
    n_nodes = _write_nodes(out, nodes())
    out.graphml.append(_GRAPHML_BETWEEN)
    out.gexf.append(_GEXF_BETWEEN)
    n_edges = _write_edges(out, edges())
    out.graphml.append(_GRAPHML_END)
    out.gexf.append(_GEXF_END)
    out.flush()
    return n_nodes, n_edges


class _Batches:
    """The lines of both files, gathered and written :data:`FLUSH` at a time."""

    def __init__(self, gm: IO[str], gx: IO[str]) -> None:
        self.gm, self.gx = gm, gx
        self.graphml: list[str] = []
        self.gexf: list[str] = []

    def flush(self) -> None:
        self.gm.write("".join(self.graphml))
        self.gx.write("".join(self.gexf))
        self.graphml.clear()
        self.gexf.clear()


def _write_nodes(out: _Batches, nodes: Iterable[Node]) -> int:
    """Every node into both files (see :func:`_write` for the shortcuts); returns how many."""
    care = _needs_care
    kinds = _KIND_PIECES
    sizes: dict[object, str] = {}  # citations -> the size as written (a float's repr is dear, and there are few)
    gml = out.graphml
    gm_add, gx_add = gml.append, out.gexf.append
    n = 0
    for node in nodes:
        nid, label, kind, date, issuer, province, cit = node
        if label is not None and not care(f"{nid}{label}{date or ''}{issuer or ''}{province or ''}{cit}"):
            size = sizes.get(cit)
            if size is None:
                size = sizes[cit] = f"{1.0 + cit}"
            gm_kind, gm_color, gx_kind, gx_color = kinds[kind]
            gm_date, gx_date = ("", "") if date is None else (
                f'<data key="date">{date}</data>', f'<attvalue for="1" value="{date}"/>')
            gm_issuer, gx_issuer = ("", "") if issuer is None else (
                f'<data key="issuer">{issuer}</data>', f'<attvalue for="2" value="{issuer}"/>')
            gm_prov, gx_prov = ("", "") if province is None else (
                f'<data key="province">{province}</data>', f'<attvalue for="3" value="{province}"/>')
            gm_add(f'<node id="{nid}"><data key="label">{label}</data>{gm_kind}{gm_date}{gm_issuer}{gm_prov}'
                   f'<data key="citations">{cit}</data><data key="size">{size}</data>{gm_color}')
            gx_add(f'<node id="{nid}" label="{label}"{_node_start(kind, date)}><attvalues>{gx_kind}{gx_date}{gx_issuer}{gx_prov}'
                   f'<attvalue for="4" value="{cit}"/></attvalues>{gx_color}<viz:size value="{size}"/></node>\n')
        else:
            attrs = _attrs(node)
            gm_add(_graphml_node(nid, attrs))
            gx_add(_gexf_node(nid, attrs))
        n += 1
        if len(gml) >= FLUSH:
            out.flush()
    return n


def _write_edges(out: _Batches, edges: Iterable[Fan]) -> int:
    """Every edge into both files, numbered from 1 (see :func:`_write` for the shortcuts); returns how many."""
    care = _needs_care
    tails: dict[tuple[str, object], tuple[str, str]] = {}  # (kind, weight) -> what follows the target in each file
    gml = out.graphml
    gm_add, gx_add = gml.append, out.gexf.append
    n = 0
    for fan in edges:
        src, kind, targets, weights = fan[:4]
        start = gexf_start(fan_time(fan))
        if not care(f"{src}{''.join(targets)}"):
            for i, tgt in enumerate(targets):
                w = 1.0 if weights is None else weights[i]
                tail = tails.get((kind, w))
                if tail is None:
                    weight = float(w)
                    tail = tails[(kind, w)] = (
                        f'><data key="edge_kind">{kind}</data><data key="weight">{weight}</data></edge>\n',
                        f' weight="{weight}"><attvalues><attvalue for="0" value="{kind}"/></attvalues></edge>\n')
                n += 1
                head = f'<edge id="e{n}" source="{src}" target="{tgt}"'
                gm_add(head + tail[0])
                gx_add(head + start + tail[1])
        else:
            for i, tgt in enumerate(targets):
                weight = 1.0 if weights is None else float(weights[i])
                n += 1
                gm_add(_graphml_edge(n, src, tgt, kind, weight))
                gx_add(_gexf_edge(n, src, tgt, kind, weight, start))
        if len(gml) >= FLUSH:
            out.flush()
    return n


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
