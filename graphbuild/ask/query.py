"""Asking the graph: which articles cite a document, what an article cites, one document, totals.

The library behind ``graphbuild cites | refs | show | stats`` (the commands only format what
these functions return, so the notebook and scripts get the same answers).

How a reader's reference becomes documents of the graph: :mod:`graphbuild.ask.reference`
reads X into its parts (with the real extractor, or a loose reading of what it rejects),
:mod:`graphbuild.ask.matching` compares them with the document index of
:mod:`graphbuild.ask.documents`; the sentence around each citing mention comes from
:mod:`graphbuild.ask.context`.  Those names are importable from here too.

User input never enters a SPARQL string: documents and articles are passed to queries as
``substitutions`` (bound variables), so quotes, braces or ``>`` in X are data, not syntax.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyoxigraph as ox

from graphbuild.ask.directives import RELATION_IRIS, DirectiveLink, directive_links
from graphbuild.ask.documents import Document, Graph, term_value
from graphbuild.ask.figures import figures
from graphbuild.ask.matching import Match, find_documents, suggest
from graphbuild.ask.reference import Query, leading_int, names_source, parse_loose, parse_reference
from graphbuild.resolve.identity import RESOLVED_BY
from graphbuild.write.store import DCT, GB, ID, NIF, RDFS, SDO

__all__ = [
    "ArticleRefs", "CITATION_KEYS", "Citation", "CitingArticles", "DirectiveLink", "Document", "DocumentInfo",
    "Graph", "Match", "Query", "Reference", "Related", "citations_in", "cites", "cites_by_document",
    "cites_streaming", "citing_articles", "citing_order", "describe", "find_article", "find_documents",
    "parse_loose", "parse_reference", "refs", "show", "stats", "suggest",
]

# --------------------------------------------------------------------------- cites


@dataclass
class Citation:
    """One (document, article) pair: the article citing the document, its first mention marked.

    The keys of :meth:`to_dict` up to ``sentence`` (:data:`CITATION_KEYS`) are the
    ``cites --format json`` contract.
    """

    document: str
    label: str
    article: str
    source: str | None
    title: str | None
    date: str | None
    surface: str
    sentence: str
    url: str | None = None
    article_iri: str = ""
    document_iri: str = ""
    mentions: int = 1
    start: int | None = None
    end: int | None = None
    # How the article's link to the document was decided (gb:resolvedBy): the most trusted way among its
    # mentions of it (order of graphbuild.resolve.identity.RESOLVED_BY); None for a citation key.
    resolved_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # Every field is a plain value, so no deep copy: asdict's made writing 110k rows 8 s slower.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# The keys every row of `graphbuild cites --format json|jsonl|csv` carries, in this order.
CITATION_KEYS = ("document", "label", "article", "source", "title", "date", "surface", "sentence")
_CITING = """
SELECT ?doc ?m ?a ?aid ?title ?alabel ?date ?source ?url ?surface ?begin ?end ?how WHERE {
  ?m gb:refersTo ?doc ; nif:referenceContext ?a .
  OPTIONAL { ?m nif:anchorOf ?surface } OPTIONAL { ?m nif:beginIndex ?begin } OPTIONAL { ?m nif:endIndex ?end }
  OPTIONAL { ?m gb:resolvedBy ?how }
  OPTIONAL { ?a dct:identifier ?aid } OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
  OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source } OPTIONAL { ?a sdo:url ?url }
}"""


def _v(sol: Any, name: str) -> str | None:
    t = sol[name]
    return None if t is None else t.value


def citing_articles(graph: Graph, doc: Document, context: bool = True) -> list[Citation]:
    """One Citation per article citing ``doc``, newest first, its first mention's sentence marked.

    ``context=False`` skips re-reading sources (the sentence is then the anchor alone).
    """
    return list(CitingArticles(graph, doc, context=context))


# Rows per chunk of a CitingArticles: a small first one, so the first rows come at once, then larger ones
_FIRST_CHUNK, _LAST_CHUNK = 64, 16_384


class CitingArticles:
    """The articles citing one document, newest first: counted at once, their sentences read as they are iterated.

    What ``graphbuild cites`` streams.  The citations are listed and ordered from the store
    when first asked for (so the rows of one document come before the next one's are listed);
    the sentences are read chunk by chunk (64 rows, then four times more each time), each chunk
    in one pass over the sources it names, in the order of their files.  A second iteration
    reads nothing again.
    """

    def __init__(self, graph: Graph, doc: Document, context: bool = True) -> None:
        self.document = doc
        self._graph = graph
        self._context = context
        self._listed: list[Citation] | None = None
        self._ready = 0  # the rows before this index have their sentence

    @property
    def _rows(self) -> list[Citation]:
        if self._listed is None:
            self._listed = _newest_first(_citations(self._graph, self.document))
        return self._listed

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Citation]:
        for chunk in self.chunks():
            yield from chunk

    def chunks(self) -> Iterator[list[Citation]]:
        """The citations in order, a chunk at a time, each chunk's sentences set before it is given."""
        start, size = 0, _FIRST_CHUNK
        while start < len(self._rows):
            chunk = self._rows[start:start + size]
            start += len(chunk)
            if start > self._ready:
                self._add_sentences(chunk)
                self._ready = start
            yield chunk
            size = min(4 * size, _LAST_CHUNK)

    def _add_sentences(self, chunk: list[Citation]) -> None:
        if self._context:  # the sentence from the source, re-read, else the one the build stored
            self._graph.context.add_sentences(chunk)
        for c in chunk:
            if not c.sentence:
                c.sentence = f"»{c.surface}«"


def _newest_first(rows: list[Citation]) -> list[Citation]:
    """Newest first (by date, then title, then article id, all descending); undated last."""
    rows.sort(key=lambda c: (c.date or "", c.title or "", c.article), reverse=True)
    rows.sort(key=lambda c: c.date is None)  # stable
    return rows


def _citations(graph: Graph, doc: Document) -> list[Citation]:
    """The articles citing ``doc``, each with its first mention, in the order the store gives them."""
    per_article: dict[str, Citation] = {}
    for sol in graph.query(_CITING, doc=ox.NamedNode(doc.iri)):
        _add_mention(per_article, doc, sol["a"].value, {name: _v(sol, name) for name in _MENTION_FIELDS},
                     partial(_v, sol))
    return list(per_article.values())


_MENTION_FIELDS = ("begin", "end", "surface", "how")


def _add_mention(per_article: dict[str, Citation], doc: Document, a_iri: str, mention: dict[str, str | None],
                 article: Callable[[str], str | None]) -> None:
    """One mention of ``doc`` in article ``a_iri`` counted on its article's Citation (made on the first one, from
    ``article``'s fields): the first mention in the text marks it, the most trusted way decides it."""
    begin, end = leading_int(mention["begin"]), leading_int(mention["end"])
    surface, how = mention["surface"] or "", mention["how"]
    c = per_article.get(a_iri)
    if c is not None:
        c.mentions += 1
        c.resolved_by = _more_trusted(c.resolved_by, how)
        if begin is not None and (c.start is None or begin < c.start):
            c.start, c.end, c.surface = begin, end, surface
        return
    aid = article("aid") or a_iri.rsplit("/", 1)[-1]
    per_article[a_iri] = Citation(
        document=doc.id, label=doc.label, article=aid, source=article("source") or article("url"),
        title=article("title") or article("alabel"), date=article("date"), surface=surface, sentence="",
        url=article("url"), article_iri=a_iri, document_iri=doc.iri, start=begin, end=end, resolved_by=how)


# Read triple by triple for the web pages: a document 5k articles cite is listed in 0.2 s, not 1.4 s of SPARQL join.
_ARTICLE_FIELDS = {"aid": DCT + "identifier", "title": SDO + "headline", "alabel": RDFS + "label",
                   "date": DCT + "issued", "source": DCT + "source", "url": SDO + "url"}
_MENTION_PREDICATES = {"surface": NIF + "anchorOf", "begin": NIF + "beginIndex", "end": NIF + "endIndex",
                       "how": GB + "resolvedBy"}
_P_REFERENCES, _P_CONTEXT, _P_REFERS_TO = (ox.NamedNode(DCT + "references"), ox.NamedNode(NIF + "referenceContext"),
                                           ox.NamedNode(GB + "refersTo"))


def _value(store: ox.Store, node: Any, predicate: str) -> str | None:
    q = next(store.quads_for_pattern(node, ox.NamedNode(predicate), None), None)
    return None if q is None else term_value(q.object)


def _article_value(store: ox.Store, article: ox.NamedNode, name: str) -> str | None:
    return _value(store, article, _ARTICLE_FIELDS[name])


def citing_order(graph: Graph, doc_iri: str) -> list[tuple[str | None, str]]:
    """(date, article IRI) of every article citing the document, in :func:`citing_articles`' order (newest
    first, undated last): read from the articles' ``dct:references`` and their own triples, no join."""
    store = graph.store
    keyed = []
    for q in store.quads_for_pattern(None, _P_REFERENCES, ox.NamedNode(doc_iri)):
        a = q.subject
        fields = {name: _value(store, a, _ARTICLE_FIELDS[name]) for name in ("aid", "title", "alabel", "date")}
        keyed.append((fields["date"], fields["title"] or fields["alabel"] or "",
                      fields["aid"] or term_value(a).rsplit("/", 1)[-1], term_value(a)))
    keyed.sort(key=lambda k: (k[0] or "", k[1], k[2]), reverse=True)
    keyed.sort(key=lambda k: k[0] is None)  # stable
    return [(date, a_iri) for date, _title, _aid, a_iri in keyed]


def citations_in(graph: Graph, doc: Document, article_iris: Iterable[str]) -> list[Citation]:
    """The Citation of ``doc`` in each of ``article_iris`` (in that order), as :func:`citing_articles` gives it
    (no sentence): each article's mentions read from its own triples, for one page of a long list."""
    store, target = graph.store, ox.NamedNode(doc.iri)
    per_article: dict[str, Citation] = {}
    for a_iri in article_iris:
        a = ox.NamedNode(a_iri)
        for q in store.quads_for_pattern(None, _P_CONTEXT, a):
            m = q.subject
            if next(store.quads_for_pattern(m, _P_REFERS_TO, target), None) is None:
                continue
            _add_mention(per_article, doc, a_iri,
                         {name: _value(store, m, p) for name, p in _MENTION_PREDICATES.items()},
                         partial(_article_value, store, a))
    return list(per_article.values())


def _more_trusted(a: str | None, b: str | None) -> str | None:
    """The more trusted of two ways a link was decided (a known one before an unknown or missing one)."""
    rank = {how: i for i, how in enumerate(RESOLVED_BY)}
    return min((x for x in (a, b) if x is not None), key=lambda x: rank.get(x, len(rank)), default=None)


def cites(graph_dir: str | os.PathLike[str] | Graph | None, x: str,
          context: bool = True) -> tuple[Match, list[Citation]]:
    """The documents X names and every (document, article) citation of them."""
    match, per_document = cites_by_document(graph_dir, x, context=context)
    return match, [c for _, rows in per_document for c in rows]


def cites_by_document(graph_dir: str | os.PathLike[str] | Graph | None, x: str,
                      context: bool = True) -> tuple[Match, list[tuple[Document, list[Citation]]]]:
    """The documents X names, each with the articles citing it (what ``graphbuild cites`` prints)."""
    match, per_document = cites_streaming(graph_dir, x, context=context)
    return match, [(d, list(rows)) for d, rows in per_document]


def cites_streaming(graph_dir: str | os.PathLike[str] | Graph | None, x: str,
                    context: bool = True) -> tuple[Match, list[tuple[Document, CitingArticles]]]:
    """As :func:`cites_by_document`, each document's citations read as they are iterated (``graphbuild cites``)."""
    g = graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir)
    match = find_documents(g, x)
    return match, [(d, CitingArticles(g, d, context=context)) for d in match.documents]


# --------------------------------------------------------------------------- refs


@dataclass
class Reference:
    """A document one article cites, with how many times and the anchors."""

    document: str
    label: str
    kind: str
    mentions: int
    surfaces: list[str]
    document_iri: str


@dataclass
class ArticleRefs:
    article: str
    article_iri: str
    title: str | None
    date: str | None
    source: str | None
    references: list[Reference]


def find_article(graph: Graph, x: str) -> list[str]:
    """Article IRIs for an article id, IRI, ``article:local``, source path, file name, stem or URL (several when a file holds many)."""
    x = x.strip().strip("<>")
    if x.startswith(ID + "article/"):
        try:
            node = ox.NamedNode(x)
        except ValueError:
            return []
        return [x] if any(True for _ in graph.store.quads_for_pattern(node, None, None)) else []
    if x.startswith("article:"):
        x = x.split(":", 1)[1]
    hits: list[str] = []
    for pred, value in ((DCT + "identifier", ox.Literal(x)), (DCT + "source", ox.Literal(x))):
        hits += [term_value(q.subject) for q in graph.store.quads_for_pattern(None, ox.NamedNode(pred), value)]
    if not hits and re.fullmatch(r"[A-Za-z0-9._-]+", x):
        iri = ID + "article/" + x
        if any(True for _ in graph.store.quads_for_pattern(ox.NamedNode(iri), None, None)):
            hits.append(iri)
    if not hits:  # a path, file name, stem or URL of the source (graphbuild.ask.reference.names_source)
        for pred in (DCT + "source", SDO + "url"):
            hits += [term_value(q.subject) for q in graph.store.quads_for_pattern(None, ox.NamedNode(pred), None)
                     if names_source(x, term_value(q.object))]
    return sorted(set(hits))


_REFS = """
SELECT ?a ?doc ?surface ?begin WHERE {
  ?m nif:referenceContext ?a ; gb:refersTo ?doc .
  OPTIONAL { ?m nif:anchorOf ?surface } OPTIONAL { ?m nif:beginIndex ?begin }
} ORDER BY ?begin"""

_ARTICLE = """
SELECT ?a ?aid ?title ?alabel ?date ?source ?url WHERE {
  OPTIONAL { ?a dct:identifier ?aid } OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
  OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source } OPTIONAL { ?a sdo:url ?url }
}"""


def refs(graph_dir: str | os.PathLike[str] | Graph | None, x: str) -> list[ArticleRefs]:
    """The documents each article X names cites, in order of first mention."""
    g = graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir)
    return [_article_refs(g, a_iri) for a_iri in find_article(g, x)]


def _article_refs(g: Graph, a_iri: str) -> ArticleRefs:
    a = ox.NamedNode(a_iri)
    info = next(iter(g.query(_ARTICLE, a=a)), None)
    by_doc: dict[str, Reference] = {}
    for sol in g.query(_REFS, a=a):
        d_iri = sol["doc"].value
        doc = g.documents.get(d_iri)
        r = by_doc.get(d_iri)
        if r is None:
            r = by_doc[d_iri] = Reference(d_iri[len(ID):], doc.label if doc else d_iri, doc.kind if doc else "",
                                          0, [], d_iri)
        r.mentions += 1
        s = _v(sol, "surface")
        if s and s not in r.surfaces:
            r.surfaces.append(s)
    return ArticleRefs(
        article=(_v(info, "aid") if info else None) or a_iri.rsplit("/", 1)[-1], article_iri=a_iri,
        title=(_v(info, "title") or _v(info, "alabel")) if info else None,
        date=_v(info, "date") if info else None,
        source=(_v(info, "source") or _v(info, "url")) if info else None, references=list(by_doc.values()))


# --------------------------------------------------------------------------- show


@dataclass
class Related:
    relation: str  # the property's local name (hasPart, cites, candidate, ...)
    document: str
    label: str
    document_iri: str


@dataclass
class DocumentInfo:
    """Everything ``show`` prints about one document."""

    document: str
    iri: str
    label: str
    kind: str
    number: str | None
    type: str | None
    date: str | None
    year: int | None
    term: str | None
    issuer: str | None
    numbering_body: str | None
    subject: str | None
    source: str | None
    cite_keys: list[str]
    citations: int
    articles: int
    outgoing: list[Related]  # documents it contains, may be, ... (the stated relations are in ``directives``)
    incoming: list[Related]  # documents that contain it, ...
    conflicts: list[str]
    # what it implements, rests on, amends, repeals, guides, and what does so to it (graphbuild.ask.directives)
    directives: list[DirectiveLink] = field(default_factory=list)


_SHOW = """
SELECT ?doc ?date ?type ?issuer ?nbody ?subject ?source WHERE {
  OPTIONAL { ?doc eli:date_document ?date }
  OPTIONAL { ?doc eli:type_document/skos:prefLabel ?type }
  OPTIONAL { ?doc eli:passed_by ?ib . ?ib rdfs:label ?issuer }
  OPTIONAL { ?doc gb:numberingBody ?nb . ?nb rdfs:label ?nbody }
  OPTIONAL { ?doc dct:subject ?subject }
  OPTIONAL { ?doc dct:source ?source }
} LIMIT 1"""



def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def show(graph_dir: str | os.PathLike[str] | Graph | None, x: str) -> tuple[Match, list[DocumentInfo]]:
    """Each document X names, described (several when X is ambiguous)."""
    g = graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir)
    match = find_documents(g, x)
    return match, [describe(g, d) for d in match.documents]


def describe(g: Graph, d: Document, articles: int | None = None) -> DocumentInfo:
    """Everything ``show`` says of one document; ``articles``: how many articles cite it, when the caller knows."""
    node = ox.NamedNode(d.iri)
    sol = next(iter(g.query(_SHOW, doc=node)), None)
    # the store holds each (article, dct:references, document) once: its triples are the citing articles
    if articles is None:
        articles = sum(1 for _ in g.store.quads_for_pattern(None, _P_REFERENCES, node))
    outgoing, incoming = _related(g, d)
    conflicts = [term_value(q.object) for q in g.store.quads_for_pattern(node, ox.NamedNode(GB + "conflict"), None)]
    return DocumentInfo(
        document=d.id, iri=d.iri, label=d.label, kind=d.kind, number=d.number,
        type=_v(sol, "type") if sol else None, date=_v(sol, "date") if sol else None, year=d.year, term=d.term,
        issuer=_v(sol, "issuer") if sol else None, numbering_body=_v(sol, "nbody") if sol else None,
        subject=_v(sol, "subject") if sol else None, source=_v(sol, "source") if sol else None,
        cite_keys=d.cite_keys, citations=d.citations, articles=articles,
        outgoing=outgoing, incoming=incoming, conflicts=conflicts, directives=directive_links(g, d))


# The properties the build writes from one document to another, besides the stated relations
# (graphbuild.graph.triples: a citation key's candidates, a plenum's resolutions).
_DOCUMENT_LINKS = (ox.NamedNode(GB + "candidate"), ox.NamedNode(DCT + "hasPart"))


def _related(g: Graph, d: Document) -> tuple[list[Related], list[Related]]:
    """(documents d points to, documents pointing to d), each by relation then id; the relations texts
    state (implements, amends, ...) are :func:`directive_links`'s."""
    node = ox.NamedNode(d.iri)
    outgoing, incoming = [], []
    for q in g.store.quads_for_pattern(node, None, None):
        o = q.object
        if q.predicate.value in RELATION_IRIS:
            continue
        if isinstance(o, ox.NamedNode) and o.value in g.documents and o.value != d.iri:
            od = g.documents[o.value]
            outgoing.append(Related(_local(q.predicate.value), od.id, od.label, od.iri))
    # what points to a document is mostly its citing mentions and articles (thousands): only the
    # predicates one document writes to another are read
    for predicate in _DOCUMENT_LINKS:
        for q in g.store.quads_for_pattern(None, predicate, node):
            s = term_value(q.subject)
            if s in g.documents and s != d.iri:
                sd = g.documents[s]
                incoming.append(Related(_local(q.predicate.value), sd.id, sd.label, sd.iri))
    return sorted(outgoing, key=_by_relation), sorted(incoming, key=_by_relation)


def _by_relation(r: Related) -> tuple[str, str]:
    return (r.relation, r.document)


# --------------------------------------------------------------------------- stats


def stats(graph_dir: str | os.PathLike[str] | Graph | None, limit: int = 10) -> dict[str, Any]:
    """Most-cited documents, most active issuers, citations per year (by the article's date), totals
    (:func:`graphbuild.ask.figures.figures`)."""
    return figures(graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir), limit)
