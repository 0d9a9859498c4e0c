"""Every namespace graphbuild writes, in one module, plus the IRI scheme of its instances, and
:func:`open_graph`, a built graph as an rdflib ``Graph`` with these prefixes bound.

Why one module: the triple emitter, the GraphML writer, the SHACL shapes, the query commands
and user scripts must spell IRIs identically.  ``NS_GB`` is closed (``_fail = True``), so a
misspelt term raises instead of minting a silent new IRI.

IRI scheme (all flat local names under ``BASE + "id/"``; see README "IRI scheme")::

    id/doc/{symbol}[_{province}]_{year}_{number}   a resolved document   doc/qd-tw_2019_205
    id/doc/plenum_{term}_{n} | congress_{term} | charter   named documents
    id/citekey/{symbol}[_{province}]_{number}      an unresolved number (gb:candidate ...)
    id/body/{body id}[_{province}]                 a body, one per province when scoped
    id/article/{article id}                        an article
    id/mention/{article id}_{start}_{end}          a mention (code-point offsets)
    id/relation/{article id}_{words}_{source}_{target}  a relation the article states (offsets of its words,
                                                   source mention and target reference)
    id/province/{slug} | id/type/{slug} | id/plenum/{term}_{n} | id/run/{digest}
"""

from __future__ import annotations

import os

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/graphbuild/"
ID = BASE + "id/"


class NS_GB(DefinedNamespace):
    """The graphbuild vocabulary (ontology/graphbuild.ttl)."""

    _NS = Namespace(BASE + "ns#")
    _fail = True

    # classes
    Document: URIRef
    PartyDocument: URIRef
    StateDocument: URIRef
    NamedDocument: URIRef
    PlenumResolutions: URIRef
    CongressResolution: URIRef
    Charter: URIRef
    CitationKey: URIRef
    Article: URIRef
    Mention: URIRef
    Body: URIRef
    Province: URIRef
    Plenum: URIRef
    DocumentType: URIRef
    BuildRun: URIRef
    StatedRelation: URIRef
    # object properties
    refersTo: URIRef
    candidate: URIRef
    antecedent: URIRef
    numberingBody: URIRef
    province: URIRef
    adoptedAt: URIRef
    plenum: URIRef
    guides: URIRef
    statedIn: URIRef
    sourceMention: URIRef
    targetMention: URIRef
    # datatype properties
    citeKey: URIRef
    term: URIRef
    plenumNumber: URIRef
    issuerCode: URIRef
    typeCode: URIRef
    level: URIRef
    system: URIRef
    form: URIRef
    resolvedBy: URIRef
    catalogued: URIRef
    conflict: URIRef
    citationCount: URIRef
    relationKind: URIRef
    sentence: URIRef


NS_ELI = Namespace("http://data.europa.eu/eli/ontology#")
NS_NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
NS_SDO = SDO
NS_DCT = DCTERMS
NS_ORG = ORG
NS_PROV = PROV
NS_SKOS = SKOS
NS_RDF = RDF
NS_RDFS = RDFS
NS_OWL = OWL
NS_XSD = XSD
NS_SH = Namespace("http://www.w3.org/ns/shacl#")
NS_ID = Namespace(ID)

# Prefixes written into Turtle / JSON-LD, in this order (deterministic output).
PREFIXES: dict[str, str] = {
    "gb": str(NS_GB._NS),
    "eli": str(NS_ELI),
    "sdo": str(NS_SDO),
    "dct": str(NS_DCT),
    "org": str(NS_ORG),
    "nif": str(NS_NIF),
    "prov": str(NS_PROV),
    "skos": str(NS_SKOS),
    "owl": str(NS_OWL),
    "rdf": str(NS_RDF),
    "rdfs": str(NS_RDFS),
    "xsd": str(NS_XSD),
    "doc": ID + "doc/",
    "citekey": ID + "citekey/",
    "body": ID + "body/",
    "article": ID + "article/",
    "mention": ID + "mention/",
    "relation": ID + "relation/",
    "province": ID + "province/",
    "type": ID + "type/",
    "plenum": ID + "plenum/",
}


def iri(kind: str, local: str) -> URIRef:
    """The IRI of an instance: ``id/{kind}/{local}`` (kind: doc, body, article, ...)."""
    return URIRef(f"{ID}{kind}/{local}")


def local_name(node: str) -> tuple[str, str]:
    """(kind, local) of an instance IRI; the inverse of :func:`iri`."""
    if not node.startswith(ID):
        raise ValueError(f"not a graphbuild instance IRI: {node}")
    kind, _, local = node[len(ID):].partition("/")
    return kind, local


def open_graph(path: str | os.PathLike[str]) -> Graph:
    """An rdflib Graph of a built output (``out/graph.nt`` or ``out/graph.ttl``), prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    g.parse(str(path))
    return g
