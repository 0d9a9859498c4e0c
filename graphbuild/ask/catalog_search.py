"""Finding documents without knowing their number: by issuer, type, term, date, province and subject words.

The library behind ``graphbuild docs`` and the web search.  A reader's names (an issuer, a
type, a province) are first turned into the graph's nodes by comparing folded labels
(:func:`graphbuild.text.fold.fold_words`: no diacritics, any case), then the documents are
asked for with those nodes bound as pyoxigraph terms (never pasted into the query text).
Dates, terms and subject words are compared in Python on the values the query returns.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from typing import Any

import pyoxigraph as ox

from graphbuild.ask.documents import Graph, term_value
from graphbuild.ask.reference import leading_int, term_of
from graphbuild.text.fold import fold_code, fold_words
from graphbuild.write.store import GB, ID, RDF, RDFS, SDO, SKOS

SORTS = ("citations", "date")
DOCS_COLUMNS = ("document", "label", "type", "date", "issuer", "term", "province", "subject", "citations",
                "articles")

# The names a node is known by, in the order a reader is most likely to write them
_NAME_PREDICATES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SDO + "alternateName")


@dataclass
class CatalogEntry:
    """One document found, with what a list of documents shows about it."""

    document: str  # local id under id/: doc/qd-tw_2019_205
    label: str
    type: str | None
    date: str | None
    issuer: str | None
    term: str | None
    province: str | None
    subject: str | None
    citations: int  # gb:citationCount: mentions in the whole corpus
    articles: int  # citing articles (from the given province with cited_by_province)
    iri: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CatalogFilter:
    """What a reader asks for; every field optional (None or empty: no condition)."""

    issuer: str | None = None
    type: str | None = None
    term: str | None = None
    since: str | None = None
    until: str | None = None
    province: str | None = None
    subject: str | None = None
    cited_by_province: str | None = None


class UnknownName(ValueError):
    """A name given to a filter (issuer, type, province) that no node of the graph carries."""

    def __init__(self, what: str, name: str) -> None:
        super().__init__(f"no {what} in the graph is called {name!r}")
        self.what, self.name = what, name


# --------------------------------------------------------------------------- names to nodes


def nodes_named(g: Graph, rdf_type: str, name: str) -> list[str]:
    """The nodes of ``rdf_type`` a reader's name means: an IRI or local id, an exact folded name, else a part of one.

    'Bộ Chính trị', 'bo chinh tri', 'body:bo-chinh-tri', 'thai binh', 'Chỉ thị' all work;
    an issuer code ('BTCTW') names the bodies that carry it.
    """
    members = [term_value(q.subject)
               for q in g.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(rdf_type))]
    x = name.strip().strip("<>")
    local = x.split(":", 1)[1] if re.fullmatch(r"[a-z]+:[^/\s]+", x) else x
    by_id = [m for m in members if m == x or m.rsplit("/", 1)[-1] == local or m[len(ID):] == x]
    if by_id:
        return sorted(by_id)
    folded, code = fold_words(x), fold_code(x)
    names = {m: _names(g, m) for m in members}
    exact = [m for m, ns in names.items() if folded in {fold_words(n) for n in ns}
             or any(fold_code(c) == code for c in _values(g, m, GB + "issuerCode"))]
    if exact or not folded:
        return sorted(exact)
    return sorted(m for m, ns in names.items() if any(_has_words(fold_words(n), folded) for n in ns))


def _values(g: Graph, iri: str, predicate: str) -> list[str]:
    return [term_value(q.object) for q in g.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None)]


def _names(g: Graph, iri: str) -> list[str]:
    return [v for p in _NAME_PREDICATES for v in _values(g, iri, p)]


def _has_words(folded_text: str, folded_words: str) -> bool:
    """Every word of ``folded_words`` is a word of ``folded_text`` (both folded), in any order."""
    words = set(folded_text.split())
    return all(w in words for w in folded_words.split())


# --------------------------------------------------------------------------- the query

_DOCS = """
SELECT ?doc ?label ?type ?date ?year ?issuer ?term ?province ?subject ?count ?issuerNode ?typeNode ?provinceNode
WHERE {
  ?doc gb:citationCount ?count .
  FILTER (STRSTARTS(STR(?doc), "%s"))
  %s
  OPTIONAL { ?doc rdfs:label ?label }
  OPTIONAL { ?doc eli:type_document ?typeNode . OPTIONAL { ?typeNode skos:prefLabel ?type } }
  OPTIONAL { ?doc eli:date_document ?date }
  OPTIONAL { ?doc dct:date ?year }
  OPTIONAL { ?doc eli:passed_by ?issuerNode . OPTIONAL { ?issuerNode rdfs:label ?issuer } }
  OPTIONAL { ?doc gb:term ?term }
  OPTIONAL { ?doc gb:province ?provinceNode . OPTIONAL { ?provinceNode rdfs:label ?province } }
  OPTIONAL { ?doc dct:subject ?subject }
}"""

# Required patterns, one per filter on a node; the node is bound, never written into the text
_BOUND = {"issuerNode": "?doc eli:passed_by ?issuerNode .", "typeNode": "?doc eli:type_document ?typeNode .",
          "provinceNode": "?doc gb:province ?provinceNode ."}

_CITING = """
SELECT ?doc (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a dct:references ?doc . %s } GROUP BY ?doc"""


def find_documents_by(graph: Graph | str | os.PathLike[str] | None, where: CatalogFilter | None = None,
                      sort: str = "citations", limit: int | None = None, **conditions: str | None) -> list[CatalogEntry]:
    """The documents (not unresolved citation keys) meeting every condition, most cited (or newest) first.

    Conditions come as a :class:`CatalogFilter` or as keywords of the same names.  A name that
    matches no node raises :class:`UnknownName` (so a typo is not taken for "nothing issued").
    """
    g = graph if isinstance(graph, Graph) else Graph(graph)
    f = where or CatalogFilter(**conditions)
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    choices = _bound_choices(g, f)
    found: dict[str, CatalogEntry] = {}
    for binding in choices:
        pattern = " ".join(_BOUND[k] for k in binding)
        for sol in g.query(_DOCS % (ID + "doc/", pattern), **binding):
            entry = _entry(sol)
            if entry.iri not in found and _keeps(entry, f):
                found[entry.iri] = entry
    _count_articles(g, found, f)
    if f.cited_by_province:
        found = {k: e for k, e in found.items() if e.articles}
    entries = sorted(found.values(), key=_newest_key if sort == "date" else _cited_key)
    return entries[:limit] if limit is not None else entries


def _bound_choices(g: Graph, f: CatalogFilter) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    """Every combination of the nodes the reader's names mean (one query each; usually one)."""
    options: list[tuple[str, list[str]]] = []
    for key, rdf_type, name in (("issuerNode", GB + "Body", f.issuer), ("typeNode", GB + "DocumentType", f.type),
                                ("provinceNode", GB + "Province", f.province)):
        if name is None or not name.strip():
            continue
        nodes = nodes_named(g, rdf_type, name)
        if not nodes:
            raise UnknownName(key[:-4], name)
        options.append((key, nodes))
    choices: list[dict[str, ox.NamedNode | ox.Literal]] = [{}]
    for key, nodes in options:
        choices = [{**c, key: ox.NamedNode(n)} for c in choices for n in nodes]
    return choices


def _value(sol: Any, name: str) -> str | None:
    t = sol[name]
    return None if t is None else t.value


def _entry(sol: Any) -> CatalogEntry:
    iri = sol["doc"].value
    return CatalogEntry(
        document=iri[len(ID):], label=_value(sol, "label") or iri[len(ID):], type=_value(sol, "type"),
        date=_value(sol, "date") or _value(sol, "year"), issuer=_value(sol, "issuer"), term=_value(sol, "term"),
        province=_value(sol, "province"), subject=_value(sol, "subject"),
        citations=leading_int(_value(sol, "count")) or 0, articles=0, iri=iri)


def _keeps(e: CatalogEntry, f: CatalogFilter) -> bool:
    """The conditions compared in Python: term, dates (a prefix: 2019, 2019-05, 2019-05-30) and subject words."""
    if f.term and (e.term or "") != term_of(f.term):
        return False
    if f.since and (e.date is None or e.date[:len(f.since)] < f.since):
        return False
    if f.until and (e.date is None or e.date[:len(f.until)] > f.until):
        return False
    return not (f.subject and not _has_words(fold_words(f"{e.subject or ''} {e.label}"), fold_words(f.subject)))


def _count_articles(g: Graph, found: dict[str, CatalogEntry], f: CatalogFilter) -> None:
    """Each entry's citing articles: all of them, or those from ``f.cited_by_province``."""
    if not found:
        return
    bindings: list[dict[str, ox.NamedNode | ox.Literal]] = [{}]
    pattern = ""
    if f.cited_by_province:
        provinces = nodes_named(g, GB + "Province", f.cited_by_province)
        if not provinces:
            raise UnknownName("province", f.cited_by_province)
        bindings = [{"citingProvince": ox.NamedNode(p)} for p in provinces]
        pattern = "?a gb:province ?citingProvince ."
        query = _CITING.replace("SELECT ?doc", "SELECT ?doc ?citingProvince") % pattern
        query = query.replace("GROUP BY ?doc", "GROUP BY ?doc ?citingProvince")
    else:
        query = _CITING % pattern
    for binding in bindings:
        for sol in g.query(query, **binding):
            e = found.get(sol["doc"].value)
            if e is not None:
                e.articles += int(sol["n"].value)


def _cited_key(e: CatalogEntry) -> tuple[int, int, str]:
    return (-e.articles, -e.citations, e.document)


def _newest_key(e: CatalogEntry) -> tuple[bool, str, str]:
    # newest first, undated last: the date string's characters inverted keep one ascending sort
    return (e.date is None, "".join(chr(0x10FFFF - ord(c)) for c in (e.date or "")), e.document)
