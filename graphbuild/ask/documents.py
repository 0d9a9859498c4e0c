"""An opened graph and its document index: one :class:`Document` per document or citation-key node.

The index holds what matching a reader's reference needs (number, type and issuer codes,
year, term, citeKeys), read from the graph's own triples.  ``cites`` of a full number looks
up only the few nodes that may match (:meth:`Graph.candidates`); the whole index is loaded
only when a reference needs a scan (free text, suggestions, ``refs``, ``show``, ``stats``).
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graphbuild.ask.context import SourceContext
from graphbuild.ask.reference import Query, leading_int, query_from_id
from graphbuild.domain import ids
from graphbuild.domain.ids import DocumentKey
from graphbuild.write.store import DCT, ELI, GB, ID, PREFIXES, RDFS, open_store


def term_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """An IRI's or literal's text (a quoted triple, which a built graph never holds, as N-Triples)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


@dataclass
class Document:
    """A document (or unresolved citation key) node of the graph, with what matching needs."""

    iri: str
    id: str  # local id under id/: doc/qd-tw_2019_205, citekey/ct-tw_45
    label: str
    kind: str  # party | state | named | citekey
    number: str | None = None  # as written in eli:number (205-QĐ/TW)
    num: int | None = None  # leading integer of the number, for folded comparison
    type_code: str | None = None
    issuer_code: str | None = None
    year: int | None = None
    term: str | None = None
    plenum: int | None = None
    congress: str | None = None
    cite_keys: list[str] = field(default_factory=list)
    citations: int = 0
    candidates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Graph:
    """An opened graph plus its document index (small: one record per document, not per article)."""

    def __init__(self, graph_dir: str | os.PathLike[str] | None = None, store: ox.Store | None = None) -> None:
        self.dir = Path(graph_dir) if graph_dir is not None else Path("out")
        self.store = store if store is not None else open_store(graph_dir)
        self.context = SourceContext(self.dir)
        self._docs: dict[str, Document] | None = None

    def query(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> Any:
        """Run SPARQL with the standard prefixes and values bound (never pasted) to ``?name``.

        Oxigraph substitutes only variables the SELECT projects, so every bound one is projected.
        """
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in bindings.items()}
        return self.store.query(sparql, prefixes=PREFIXES, substitutions=subs or None)

    # ----------------------------------------------------------------------- one document

    def document(self, iri: str) -> Document | None:
        """One document node, read from its own triples (no full index needed)."""
        if self._docs is not None:
            return self._docs.get(iri)
        if not (iri.startswith(ID + "doc/") or iri.startswith(ID + "citekey/")):
            return None
        try:
            node = ox.NamedNode(iri)
        except ValueError:  # not a valid IRI (spaces, '>', ...): names nothing
            return None
        props: dict[str, list[Any]] = {}
        for q in self.store.quads_for_pattern(node, None, None):
            props.setdefault(q.predicate.value, []).append(q.object)
        if GB + "citationCount" not in props:
            return None
        return self._make(iri, props)

    def _make(self, s: str, props: dict[str, list[Any]]) -> Document:
        def first(p: str) -> str | None:
            v = props.get(p)
            return v[0].value if v else None

        local = s[len(ID):]
        d = Document(iri=s, id=local, label=first(RDFS + "label") or local,
                     kind="citekey" if local.startswith("citekey/") else "",
                     citations=leading_int(first(GB + "citationCount")) or 0)
        d.cite_keys = sorted(v.value for v in props.get(GB + "citeKey", []))
        d.candidates = sorted(v.value[len(ID):] for v in props.get(GB + "candidate", []))
        d.number = first(ELI + "number")
        d.num = leading_int(d.number) if d.number else None
        d.type_code, d.issuer_code = first(GB + "typeCode"), first(GB + "issuerCode")
        d.year, d.term = leading_int(first(DCT + "date")), first(GB + "term")
        _fill_from_keys(d)
        return d

    # ----------------------------------------------------------------------- the few that may match

    def candidates(self, q: Query) -> list[Document]:
        """Documents that may match ``q``: those whose number (or citeKey number) has q's integer.

        Two predicate scans (eli:number, gb:citeKey) instead of the whole index, so ``cites``
        stays fast on a large graph; named references look their citeKeys up the same way.
        """
        if self._docs is not None:
            return list(self._docs.values())
        exact = self._exact_candidates(q)
        if exact:
            return exact
        hits: set[str] = set()
        if q.number is not None:
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(ELI + "number"), None):
                if leading_int(term_value(quad.object)) == q.number:
                    hits.add(term_value(quad.subject))
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(GB + "citeKey"), None):
            key = term_value(quad.object)
            if q.number is not None and re.match(r"(party|state|bare):", key):
                if leading_int(key.split(":", 1)[1]) == q.number:
                    hits.add(term_value(quad.subject))
            elif key.startswith("named:") and (q.plenum or q.congress or q.charter):
                hits.add(term_value(quad.subject))
        if q.plenum and q.term:
            hits.add(f"{ID}doc/plenum_{q.term.lower()}_{q.plenum}")
        return self._documents_of(hits)

    def _exact_candidates(self, q: Query) -> list[Document]:
        """Documents whose citeKey or eli:number is exactly one spelling of a full number (index lookups).

        A full number (type and issuer codes known) is looked up as the extractor's id
        (gb:citeKey, which every cited document carries) and as eli:number written with 1-3
        digits; every document with citing articles has the citeKey, so for ``cites`` this is
        complete.  Empty when X is not a full number: the caller then scans.
        """
        if q.number is None or not (q.type_code and q.issuer_code) or q.plenum or q.congress:
            return []
        keys = {ids.party_id(str(q.number), q.type_code, q.issuer_code),
                ids.state_id(str(q.number), q.year, q.type_code, q.issuer_code)}
        numbers = set()
        for n in {str(q.number), f"{q.number:02d}", f"{q.number:03d}"}:
            numbers.add(f"{n}-{q.type_code}/{q.issuer_code}")
            numbers.add(f"{n}/{q.year}/{q.type_code}-{q.issuer_code}" if q.year else f"{n}/{q.type_code}-{q.issuer_code}")
        hits: set[str] = set()
        for pred, values in ((GB + "citeKey", keys), (ELI + "number", numbers)):
            p = ox.NamedNode(pred)
            for v in values:
                hits.update(term_value(quad.subject) for quad in self.store.quads_for_pattern(None, p, ox.Literal(v)))
        return self._documents_of(hits)

    def _documents_of(self, iris: set[str]) -> list[Document]:
        docs = (self.document(h) for h in sorted(iris))
        return [d for d in docs if d is not None]

    # ----------------------------------------------------------------------- every document

    @property
    def documents(self) -> dict[str, Document]:
        """Every document and citation key, by IRI (every DocRecord carries gb:citationCount)."""
        if self._docs is None:
            self._docs = self._load_documents()
        return self._docs

    def _scan(self, predicate: str) -> dict[str, list[Any]]:
        """The objects of one predicate over every subject, as {subject: [values]}."""
        out: dict[str, list[Any]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            out.setdefault(term_value(quad.subject), []).append(quad.object)
        return out

    def _load_documents(self) -> dict[str, Document]:
        counts = self._scan(GB + "citationCount")
        docs: dict[str, Document] = {}
        doc_prefix, key_prefix = ID + "doc/", ID + "citekey/"
        numbers, tcs, ics = self._scan(ELI + "number"), self._scan(GB + "typeCode"), self._scan(GB + "issuerCode")
        years, terms, keys = self._scan(DCT + "date"), self._scan(GB + "term"), self._scan(GB + "citeKey")
        cands = self._scan(GB + "candidate")
        label_p = ox.NamedNode(RDFS + "label")
        for s, values in counts.items():
            if not (s.startswith(doc_prefix) or s.startswith(key_prefix)):
                continue
            local = s[len(ID):]
            label = next((term_value(q.object) for q in self.store.quads_for_pattern(ox.NamedNode(s), label_p, None)), local)
            d = Document(iri=s, id=local, label=label, kind="citekey" if s.startswith(key_prefix) else "",
                         citations=leading_int(values[0].value) or 0)
            d.cite_keys = sorted(v.value for v in keys.get(s, []))
            d.candidates = sorted(v.value[len(ID):] for v in cands.get(s, []))
            if s in numbers:
                d.number = numbers[s][0].value
                d.num = leading_int(d.number)
            d.type_code = tcs[s][0].value if s in tcs else None
            d.issuer_code = ics[s][0].value if s in ics else None
            d.year = leading_int(years[s][0].value) if s in years else None
            d.term = terms[s][0].value if s in terms else None
            _fill_from_keys(d)
            docs[s] = d
        return docs


def _fill_from_keys(d: Document) -> None:
    """Kind, number and codes from the citeKey or the IRI when the node lacks eli:number (keys, named)."""
    local = d.id.split("/", 1)[1]
    m = re.fullmatch(r"plenum_([a-z]+)_(\d+)", local)
    if m:
        d.kind, d.plenum, d.term = "named", int(m.group(2)), d.term or m.group(1).upper()
        return
    m = re.fullmatch(r"congress_([a-z]+)", local)
    if m:
        d.kind, d.congress = "named", m.group(1).upper()
        return
    if local == "charter":
        d.kind = "named"
        return
    for key in d.cite_keys:
        if not re.match(r"(party|state):", key):
            continue
        q = query_from_id(Query(key, "key"), DocumentKey.parse(key))
        if not d.kind:
            d.kind = q.kind or ""
        d.num = d.num if d.num is not None else q.number
        d.type_code = d.type_code or q.type_code
        d.issuer_code = d.issuer_code or q.issuer_code
        if d.number is None and d.kind == "citekey":
            d.number = key.split(":", 1)[1]
        break
    if not d.kind:
        d.kind = "state" if d.number and "/" in d.number.split("-")[0] else "party"
