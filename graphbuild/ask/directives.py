"""The directive network around one document: what it implements, rests on, amends, repeals or guides,
and what implements, amends, repeals or guides it (``graphbuild show``).

Read from the statements of the graph (``gb:StatedRelation``, see ``ontology/graphbuild.ttl``), so each
link comes with how many articles state it and where the other document belongs: its own province
(a provincial plan) or else the province of the articles stating it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graphbuild.ask.documents import Document, Graph
from graphbuild.graph.triples import RELATION_PROPERTIES

# How each relation reads, from the document shown ("out") and towards it ("in").
WORDING: dict[str, tuple[str, str]] = {
    "implements": ("implements", "implemented by"), "based_on": ("rests on", "basis of"),
    "amends": ("amends", "amended by"), "repeals": ("repeals", "repealed by"),
    "guides": ("guides", "guided by"), "cites": ("is about", "subject of"),
}
RELATION_IRIS = frozenset(str(p) for p in RELATION_PROPERTIES.values())


@dataclass
class DirectiveLink:
    """One relation between the document shown and another."""

    relation: str  # implements | based_on | amends | repeals | guides | cites
    direction: str  # out: the document shown is the source; in: it is the target
    document: str  # the other document's id (doc/…, citekey/…)
    label: str
    document_iri: str
    province: str | None  # the other document's province, else that of the articles stating it
    date: str | None
    articles: int  # how many articles state it

    @property
    def wording(self) -> str:
        out, into = WORDING.get(self.relation, (self.relation, self.relation))
        return out if self.direction == "out" else into


_LINKS = """
SELECT ?doc ?dir ?kind ?other (MIN(?label0) AS ?label) (MIN(?date0) AS ?date)
       (MIN(COALESCE(?own, ?stated)) AS ?province) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  { ?st rdf:subject ?doc ; rdf:object ?other . BIND ("out" AS ?dir) }
  UNION
  { ?st rdf:object ?doc ; rdf:subject ?other . BIND ("in" AS ?dir) }
  ?st a gb:StatedRelation ; gb:relationKind ?kind ; gb:statedIn ?a .
  OPTIONAL { ?other rdfs:label ?label0 }
  OPTIONAL { ?other eli:date_document ?date0 }
  OPTIONAL { ?other gb:province/rdfs:label ?own }
  OPTIONAL { ?a gb:province/rdfs:label ?stated }
} GROUP BY ?doc ?dir ?kind ?other"""

_ORDER = {kind: i for i, kind in enumerate(WORDING)}


def directive_links(g: Graph, d: Document) -> list[DirectiveLink]:
    """Every relation the graph's articles state between ``d`` and another document: those going out first,
    then by relation, province, date and id."""
    out = []
    for sol in g.query(_LINKS, doc=ox.NamedNode(d.iri)):
        other = sol["other"].value
        known = g.document(other)
        out.append(DirectiveLink(
            relation=sol["kind"].value, direction=sol["dir"].value,
            document=known.id if known else other.rsplit("/id/", 1)[-1],
            label=_value(sol, "label") or (known.label if known else other), document_iri=other,
            province=_value(sol, "province"), date=_value(sol, "date"), articles=int(sol["articles"].value)))
    out.sort(key=lambda x: (x.direction != "out", _ORDER.get(x.relation, 99), x.province or "~", x.date or "~",
                            x.document))
    return out


def _value(sol: ox.QuerySolution, name: str) -> str | None:
    term = sol[name]
    return None if term is None else term.value
