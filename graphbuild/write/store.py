"""Open a built graph for reading: the on-disk Oxigraph store, or its N-Triples when there is none.

Why a module of its own: every asking command (cites, refs, show, stats, sparql, serve) opens
the same thing the same way, and must fail the same clear way when ``--graph`` is not a built
graph.  It imports only pyoxigraph (not rdflib), so ``graphbuild cites`` starts fast.

The IRI strings below repeat :mod:`graphbuild.graph.namespaces` on purpose: that module imports
rdflib (≈0.1 s), which the query path never needs.  ``tests/test_query.py`` checks they agree.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

BASE = "https://w3id.org/graphbuild/"
ID = BASE + "id/"
GB = BASE + "ns#"
ELI = "http://data.europa.eu/eli/ontology#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
SDO = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Prefixes every query may use without declaring them (same names as the Turtle output).
PREFIXES: dict[str, str] = {
    "gb": GB, "eli": ELI, "sdo": SDO, "dct": DCT, "org": ORG, "nif": NIF,
    "prov": "http://www.w3.org/ns/prov#", "skos": SKOS, "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
    "doc": ID + "doc/", "citekey": ID + "citekey/", "body": ID + "body/", "article": ID + "article/",
    "mention": ID + "mention/", "relation": ID + "relation/", "province": ID + "province/", "type": ID + "type/",
    "plenum": ID + "plenum/",
}

DEFAULT_GRAPH_DIR = "out"


class GraphError(Exception):
    """--graph is not a built graph (missing, empty, or unreadable)."""


def open_store(graph_dir: str | os.PathLike[str] | None = None) -> ox.Store:
    """The graph of a build output directory, opened read-only.

    ``DIR/store`` (Oxigraph, written by ``graphbuild build``) is opened read-only, so a
    query can never change it and several readers can share it.  A build made with
    ``--no-store`` has only ``graph.nt``; that is loaded into memory instead (slower, same answers).
    """
    d = Path(graph_dir if graph_dir is not None else DEFAULT_GRAPH_DIR)
    if not d.is_dir():
        raise GraphError(f"{d}: no such graph directory; build one with `graphbuild build INPUT... --out {d}`")
    store_dir = d / "store"
    if store_dir.is_dir() and (store_dir / "CURRENT").exists():
        try:
            return ox.Store.read_only(str(store_dir))
        except OSError as e:
            raise GraphError(f"{store_dir}: cannot open the Oxigraph store: {e}") from e
    nt = d / "graph.nt"
    if nt.is_file():
        store = ox.Store()
        try:
            store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        except (OSError, SyntaxError) as e:
            raise GraphError(f"{nt}: cannot load: {e}") from e
        return store
    raise GraphError(f"{d}: not a built graph (no store/ and no graph.nt); "
                     f"build one with `graphbuild build INPUT... --out {d}`")
