"""What the pages show, read from the graph: one function per page part, plain records out.

Every value a reader typed or a path named reaches a query as a bound variable (a pyoxigraph
term passed through :meth:`graphbuild.ask.query.Graph.query`), never as query text; the only
numbers formatted into a query are this module's own LIMITs.  The asking library
(:mod:`graphbuild.ask.query`) is used through its public functions; the queries only the web
face needs are here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graphbuild.ask.documents import term_value
from graphbuild.ask.query import Citation, Graph
from graphbuild.text.fold import fold_words
from graphbuild.text.sentences import sentence_around
from graphbuild.write.store import DCT, GB, ID, ORG, RDF, RDFS, SDO, SKOS

ARTICLE_LINK = re.compile(r"»(.*?)«", re.S)


# One record for a template: a query row's values by name, or what a page part makes of them.
Record = dict[str, Any]


def _rows(g: Graph, sparql: str, names: tuple[str, ...], **bindings: ox.NamedNode | ox.Literal) -> list[Record]:
    result = g.query(sparql, **bindings)
    return [{n: (None if sol[n] is None else sol[n].value) for n in names} for sol in result]


def objects(g: Graph, iri: str, predicate: str) -> list[str]:
    """The values of one property of a node, sorted (index lookups, no query text)."""
    return sorted(term_value(q.object)
                  for q in g.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None))


def subjects(g: Graph, predicate: str, obj: str) -> list[str]:
    return sorted(term_value(q.subject)
                  for q in g.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj)))


def label(g: Graph, iri: str) -> str:
    """A node's name for people: rdfs:label, else skos:prefLabel, else its local id."""
    for p in (RDFS + "label", SKOS + "prefLabel"):
        values = objects(g, iri, p)
        if values:
            return values[0]
    return iri[len(ID):] if iri.startswith(ID) else iri


def exists(g: Graph, iri: str) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return any(True for _ in g.store.quads_for_pattern(node, None, None)) or \
        any(True for _ in g.store.quads_for_pattern(None, None, node))


# --------------------------------------------------------------------------- home


_NEWEST = """
SELECT ?a ?title ?alabel ?date WHERE {
  ?a a gb:Article ; dct:issued ?date .
  OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
} ORDER BY DESC(?date) ?a LIMIT ?limit"""

def newest_articles(g: Graph, limit: int = 10) -> list[Record]:
    found = _rows(g, _NEWEST.replace("?limit", str(int(limit))), ("a", "title", "alabel", "date"))
    return [{"iri": r["a"], "title": r["title"] or r["alabel"], "date": r["date"]} for r in found]


def count_of(g: Graph, type_iri: str) -> int:
    sol = next(iter(g.query("SELECT ?type (COUNT(?x) AS ?n) WHERE { ?x a ?type } GROUP BY ?type",
                            type=ox.NamedNode(type_iri))), None)
    return int(sol["n"].value) if sol is not None else 0


# --------------------------------------------------------------------------- documents


_DOC = """
SELECT ?doc ?issuer ?ilabel ?nbody ?nlabel ?type ?tlabel ?date ?plenum WHERE {
  OPTIONAL { ?doc eli:passed_by ?issuer OPTIONAL { ?issuer rdfs:label ?ilabel } }
  OPTIONAL { ?doc gb:numberingBody ?nbody OPTIONAL { ?nbody rdfs:label ?nlabel } }
  OPTIONAL { ?doc eli:type_document ?type OPTIONAL { ?type skos:prefLabel ?tlabel } }
  OPTIONAL { ?doc eli:date_document ?date }
  OPTIONAL { ?doc gb:adoptedAt ?plenum }
} LIMIT 1"""

def document_links(g: Graph, iri: str) -> dict[str, str | None]:
    """Issuer, numbering body, type (IRI and label each), date and plenum of a document."""
    found = _rows(g, _DOC, ("issuer", "ilabel", "nbody", "nlabel", "type", "tlabel", "date", "plenum"),
                  doc=ox.NamedNode(iri))
    return found[0] if found else {}


def cited_together(g: Graph, iri: str) -> list[Record]:
    """The 20 documents most often cited by the same articles, with how many articles: counted from the
    store triple by triple (the SPARQL self-join took 1.5 s for a document 11k articles cite at 100k)."""
    store = g.store
    counts: Counter[str] = Counter()
    for q in store.quads_for_pattern(None, _P_REFERENCES, ox.NamedNode(iri)):
        counts.update({str(getattr(r.object, "value", r.object))
                       for r in store.quads_for_pattern(q.subject, _P_REFERENCES, None)} - {iri})
    top = sorted(counts, key=lambda d: (-counts[d], d))[:20]
    return [{"iri": d, "label": _first_value(store, ox.NamedNode(d), _P_LABEL) or d, "articles": counts[d]}
            for d in top]


def with_sentences(g: Graph, citations: list[Citation]) -> None:
    """Fill the marked sentence of a page of citations, re-reading only their sources.

    ``citing_articles(..., context=False)`` lists every citing article cheaply; only the ones on
    the page shown need their sentence, from the source when it can be re-read, else from the
    build's mentions.jsonl, else the anchor alone.
    """
    by_key = {(c.source, c.article): c for c in citations if c.source}

    def keep(source: str, aid: str, text: str) -> None:
        c = by_key[(source, aid)]
        if c.start is not None and c.end is not None and text[c.start:c.end] == c.surface:
            c.sentence = sentence_around(text, c.start, c.end)

    for c in citations:
        c.sentence = ""
    g.context.visit_texts(by_key, keep)
    g.context.prefetch_sentences((c.article, c.start, c.end) for c in citations
                                 if not c.sentence and c.start is not None and c.end is not None)
    for c in citations:
        if not c.sentence:
            stored = g.context.stored_sentence(c.article, c.start, c.end, c.surface) if c.start is not None else None
            c.sentence = stored or f"»{c.surface}«"


def marked(sentence: str) -> list[tuple[str, bool]]:
    """A sentence marked »…« as (text, is_reference) pieces, for the template to highlight."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in ARTICLE_LINK.finditer(sentence):
        pieces += [(sentence[pos:m.start()], False), (m.group(1), True)]
        pos = m.end()
    pieces.append((sentence[pos:], False))
    return [p for p in pieces if p[0]]


def per_year(dates: list[str | None]) -> list[tuple[str, int]]:
    """Counts by year of ISO dates, every year between the first and the last shown (zeros too)."""
    years = Counter(int(d[:4]) for d in dates if d and d[:4].isdigit())
    if not years:
        return []
    return [(str(y), years.get(y, 0)) for y in range(min(years), max(years) + 1)]


# --------------------------------------------------------------------------- bodies


_ISSUED = """
SELECT ?body ?doc ?label ?date ?year ?tlabel ?count WHERE {
  ?doc eli:passed_by ?body .
  OPTIONAL { ?doc rdfs:label ?label } OPTIONAL { ?doc eli:date_document ?date } OPTIONAL { ?doc dct:date ?year }
  OPTIONAL { ?doc eli:type_document/skos:prefLabel ?tlabel } OPTIONAL { ?doc gb:citationCount ?count }
}"""


@dataclass
class BodyInfo:
    iri: str
    label: str
    names: list[str]
    level: str | None
    system: str | None
    province: str | None
    parents: list[tuple[str, str]]
    children: list[tuple[str, str]]
    documents: list[Record] = field(default_factory=list)
    by_year: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)


def body(g: Graph, iri: str) -> BodyInfo:
    """An issuing body: its names, level, parent and sub-bodies, and the documents it issued."""
    names = sorted(set(objects(g, iri, SKOS + "altLabel")) | set(objects(g, iri, SKOS + "prefLabel")))
    province = next(iter(objects(g, iri, GB + "province")), None)
    info = BodyInfo(iri=iri, label=label(g, iri), names=names, level=next(iter(objects(g, iri, GB + "level")), None),
                    system=next(iter(objects(g, iri, GB + "system")), None), province=province,
                    parents=[(p, label(g, p)) for p in objects(g, iri, ORG + "subOrganizationOf")],
                    children=[(c, label(g, c)) for c in subjects(g, ORG + "subOrganizationOf", iri)])
    docs = _rows(g, _ISSUED, ("doc", "label", "date", "year", "tlabel", "count"), body=ox.NamedNode(iri))
    seen: dict[str, Record] = {}
    for r in docs:
        seen.setdefault(r["doc"], {"iri": r["doc"], "label": r["label"] or r["doc"], "date": r["date"] or r["year"],
                                   "type": r["tlabel"], "citations": int(r["count"] or 0)})
    info.documents = sorted(seen.values(), key=lambda d: (d["date"] or "", d["label"]), reverse=True)
    info.by_year = per_year([d["date"] for d in info.documents])
    info.by_type = Counter(d["type"] or "—" for d in info.documents).most_common()
    return info


# --------------------------------------------------------------------------- articles


_ARTICLE = """
SELECT ?a ?aid ?title ?alabel ?date ?source ?url ?province ?plabel WHERE {
  OPTIONAL { ?a dct:identifier ?aid } OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
  OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source } OPTIONAL { ?a sdo:url ?url }
  OPTIONAL { ?a gb:province ?province OPTIONAL { ?province rdfs:label ?plabel } }
} LIMIT 1"""

_MENTIONS = """
SELECT ?a ?doc ?surface ?begin ?end ?dlabel WHERE {
  ?m nif:referenceContext ?a ; gb:refersTo ?doc .
  OPTIONAL { ?m nif:anchorOf ?surface } OPTIONAL { ?m nif:beginIndex ?begin } OPTIONAL { ?m nif:endIndex ?end }
  OPTIONAL { ?doc rdfs:label ?dlabel }
}"""


@dataclass
class Mark:
    """One reference in an article: where, what it says, what it names."""

    start: int | None
    end: int | None
    surface: str
    doc: str
    label: str
    kind: str


@dataclass
class ArticleInfo:
    iri: str
    id: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    province: tuple[str, str] | None
    marks: list[Mark]
    text: list[tuple[str, Mark | None]] | None  # the whole text in pieces, when the source can be re-read
    sentences: list[tuple[Mark, list[tuple[str, bool]]]]  # else each reference's sentence


def article(g: Graph, iri: str) -> ArticleInfo | None:
    info = _rows(g, _ARTICLE, ("aid", "title", "alabel", "date", "source", "url", "province", "plabel"),
                 a=ox.NamedNode(iri))
    if not info:
        return None
    r = info[0]
    aid = r["aid"] or iri.rsplit("/", 1)[-1]
    marks = []
    for m in _rows(g, _MENTIONS, ("doc", "surface", "begin", "end", "dlabel"), a=ox.NamedNode(iri)):
        doc = g.documents.get(m["doc"])
        marks.append(Mark(start=_int(m["begin"]), end=_int(m["end"]), surface=m["surface"] or "", doc=m["doc"],
                          label=m["dlabel"] or m["doc"], kind=doc.kind if doc else ""))
    marks.sort(key=lambda k: (k.start is None, k.start or 0, k.doc))
    source = r["source"] or r["url"]
    text = g.context.article_text(source, aid) if source else None
    out = ArticleInfo(iri=iri, id=aid, title=r["title"] or r["alabel"], date=r["date"], source=r["source"],
                      url=r["url"], province=(r["province"], r["plabel"] or r["province"]) if r["province"] else None,
                      marks=marks, text=None, sentences=[])
    if text is not None and all(k.start is None or text[k.start:k.end] == k.surface for k in marks):
        out.text = _pieces(text, marks)
        return out
    g.context.prefetch_sentences((aid, k.start, k.end) for k in marks if k.start is not None and k.end is not None)
    for k in marks:
        sentence = g.context.stored_sentence(aid, k.start, k.end, k.surface) if k.start is not None else None
        out.sentences.append((k, marked(sentence or f"»{k.surface}«")))
    return out


def _pieces(text: str, marks: list[Mark]) -> list[tuple[str, Mark | None]]:
    """The text cut at each reference (overlapping ones keep the first)."""
    out: list[tuple[str, Mark | None]] = []
    pos = 0
    for k in marks:
        if k.start is None or k.end is None or k.start < pos:
            continue
        out += [(text[pos:k.start], None), (text[k.start:k.end], k)]
        pos = k.end
    out.append((text[pos:], None))
    return [p for p in out if p[0]]


def _int(s: str | None) -> int | None:
    return int(s) if s is not None and s.isdigit() else None


# --------------------------------------------------------------------------- provinces and terms


_TERM_DOCS = """
SELECT ?term ?doc ?label ?date ?year ?count WHERE {
  ?doc gb:term ?term .
  OPTIONAL { ?doc rdfs:label ?label } OPTIONAL { ?doc eli:date_document ?date } OPTIONAL { ?doc dct:date ?year }
  OPTIONAL { ?doc gb:citationCount ?count }
}"""


def province_articles(g: Graph, iri: str) -> list[Record]:
    """The province's articles, newest first, read from the store triple by triple (a SPARQL join with
    three OPTIONALs cost 0.7 s for 5k articles at 100k; these look-ups a tenth of it)."""
    store = g.store
    arts = []
    for q in store.quads_for_pattern(None, _P_PROVINCE, ox.NamedNode(iri)):
        a = q.subject
        if not next(store.quads_for_pattern(a, _P_TYPE, _P_ARTICLE), None):
            continue
        title = _first_value(store, a, _P_HEADLINE) or _first_value(store, a, _P_LABEL)
        arts.append({"iri": str(getattr(a, "value", a)), "title": title, "date": _first_value(store, a, _P_ISSUED)})
    arts.sort(key=lambda a: (a["date"] or "", a["title"] or ""), reverse=True)
    return arts


def provinces_with_articles(g: Graph) -> list[str]:
    """The provinces articles are about, most articles first."""
    counts = Counter(str(getattr(q.object, "value", q.object))
                     for q in g.store.quads_for_pattern(None, _P_PROVINCE, None)
                     if next(g.store.quads_for_pattern(q.subject, _P_TYPE, _P_ARTICLE), None))
    return sorted(counts, key=lambda p: (-counts[p], p))


def province_cites(g: Graph, iri: str) -> list[Record]:
    """The 50 documents the province's articles cite most (by articles), each with its label."""
    store = g.store
    counts: Counter[str] = Counter()
    for q in store.quads_for_pattern(None, _P_PROVINCE, ox.NamedNode(iri)):
        counts.update({str(getattr(r.object, "value", r.object))
                       for r in store.quads_for_pattern(q.subject, _P_REFERENCES, None)})
    top = sorted(counts, key=lambda d: (-counts[d], d))[:50]
    return [{"iri": d, "label": _first_value(store, ox.NamedNode(d), _P_LABEL) or d, "articles": counts[d]}
            for d in top]


_P_PROVINCE, _P_TYPE, _P_ARTICLE = ox.NamedNode(GB + "province"), ox.NamedNode(RDF + "type"), ox.NamedNode(GB + "Article")
_P_HEADLINE, _P_LABEL = ox.NamedNode(SDO + "headline"), ox.NamedNode(RDFS + "label")
_P_ISSUED, _P_REFERENCES = ox.NamedNode(DCT + "issued"), ox.NamedNode(DCT + "references")


def _first_value(store: ox.Store, node: Any, predicate: ox.NamedNode) -> str | None:
    q = next(store.quads_for_pattern(node, predicate, None), None)
    return str(getattr(q.object, "value", q.object)) if q is not None else None


def article_sources(g: Graph) -> set[str]:
    """Every article's ``dct:source`` (a file, or a file and line), once each."""
    return {str(getattr(q.object, "value", q.object))
            for q in g.store.quads_for_pattern(None, ox.NamedNode(DCT + "source"), None)
            if term_value(q.subject).startswith(ID + "article/")}


def province_bodies(g: Graph, iri: str) -> list[tuple[str, str]]:
    return sorted(((b, label(g, b)) for b in subjects(g, GB + "province", iri) if b.startswith(ID + "body/")),
                  key=lambda t: t[1])


def terms(g: Graph) -> list[str]:
    """Every term (khóa) documents carry, oldest first by roman numeral."""
    found = {term_value(q.object) for q in g.store.quads_for_pattern(None, ox.NamedNode(GB + "term"), None)}
    return sorted(found, key=lambda t: (_roman(t), t))


def term_documents(g: Graph, term: str) -> list[Record]:
    found = _rows(g, _TERM_DOCS, ("doc", "label", "date", "year", "count"), term=ox.Literal(term))
    docs = [{"iri": r["doc"], "label": r["label"] or r["doc"], "date": r["date"] or r["year"],
             "citations": int(r["count"] or 0)} for r in found]
    docs.sort(key=lambda d: (d["date"] or "", d["label"]))
    return docs


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(s: str) -> int:
    total = 0
    values = [_ROMAN.get(c, 0) for c in s.upper()]
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


# --------------------------------------------------------------------------- search


@dataclass
class Entry:
    """One searchable thing: its IRI (or page path), name, a line under it, and its folded words."""

    kind: str
    iri: str
    name: str
    note: str | None
    words: frozenset[str]
    sort: Any = ""


_SEARCH_ARTICLES = """
SELECT ?a ?title ?alabel ?date WHERE {
  ?a a gb:Article . OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel } OPTIONAL { ?a dct:issued ?date }
}"""

_SEARCH_NAMED = """
SELECT ?type ?x ?name WHERE { ?x a ?type . { ?x rdfs:label ?name } UNION { ?x skos:altLabel ?name } UNION { ?x skos:prefLabel ?name } }"""


def search_index(g: Graph) -> SearchIndex:
    """Every document, article, issuer, province and term with the folded words it can be found by."""
    index: dict[str, list[Entry]] = {"documents": [], "articles": [], "bodies": [], "provinces": [], "terms": []}
    for d in g.documents.values():
        subject = " ".join(objects(g, d.iri, "http://purl.org/dc/terms/subject"))
        words = frozenset(fold_words(" ".join(filter(None, [d.label, d.number or "", subject, *d.cite_keys]))).split())
        index["documents"].append(Entry("documents", d.iri, d.label, subject or None, words,
                                        (-d.citations, d.label)))
    for r in _rows(g, _SEARCH_ARTICLES, ("a", "title", "alabel", "date")):
        title = r["title"] or r["alabel"] or r["a"].rsplit("/", 1)[-1]
        index["articles"].append(Entry("articles", r["a"], title, r["date"], frozenset(fold_words(title).split()),
                                       (r["date"] or "",)))
    index["articles"].sort(key=lambda e: e.sort, reverse=True)
    for kind, type_iri in (("bodies", GB + "Body"), ("provinces", GB + "Province")):
        names: dict[str, list[str]] = {}
        for r in _rows(g, _SEARCH_NAMED, ("x", "name"), type=ox.NamedNode(type_iri)):
            names.setdefault(r["x"], []).append(r["name"] or "")
        for iri, ns in names.items():
            main = label(g, iri)
            others = sorted({n for n in ns if n != main})
            index[kind].append(Entry(kind, iri, main, ", ".join(others) or None,
                                     frozenset(fold_words(" ".join(ns)).split()), (main,)))
        index[kind].sort(key=lambda e: e.sort)
    for t in terms(g):
        index["terms"].append(Entry("terms", "/term/" + t, f"Khóa {t}", None,
                                    frozenset({fold_words(t), "khoa"}), (_roman(t),)))
    return SearchIndex(index)


class SearchIndex:
    """The entries of :func:`search_index` by kind, and for each folded word the entries holding it (in
    order): a search intersects a few short lists instead of testing every entry (224k at 100k articles)."""

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        self.entries = entries
        self.postings: dict[str, dict[str, list[int]]] = {}
        for kind, found in entries.items():
            words: dict[str, list[int]] = {}
            for i, e in enumerate(found):
                for w in e.words:
                    words.setdefault(w, []).append(i)
            self.postings[kind] = words


def search_words(index: SearchIndex, q: str) -> dict[str, list[Entry]]:
    """Entries holding every word of ``q`` (folded: no diacritics, any case), by kind, in index order."""
    wanted = fold_words(q).split()
    found: dict[str, list[Entry]] = {}
    for kind, entries in index.entries.items():
        lists = [index.postings[kind].get(w, []) for w in dict.fromkeys(wanted)]
        if not lists or not all(lists):
            found[kind] = []
            continue
        lists.sort(key=len)
        keep = set(lists[0]).intersection(*lists[1:]) if len(lists) > 1 else lists[0]
        found[kind] = [entries[i] for i in sorted(keep)]
    return found
