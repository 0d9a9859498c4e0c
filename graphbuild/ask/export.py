"""The graph as tables for spreadsheets: documents, articles, bodies, citations and document relations.

The library behind ``graphbuild export``.  Each table is a list of plain rows with labelled
columns (names people read, ids beside them so tables join); :func:`write_csv` writes them as
UTF-8 with a byte-order mark, which Excel needs to show Vietnamese text, and
:func:`write_xlsx` as one workbook when openpyxl is installed.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphbuild.ask.catalog_search import find_documents_by
from graphbuild.ask.documents import Graph
from graphbuild.ask.query import Citation
from graphbuild.ask.reference import leading_int
from graphbuild.write.store import ID

Row = dict[str, Any]


@dataclass
class Table:
    """One sheet: its file stem, its columns in order and its rows."""

    name: str
    columns: tuple[str, ...]
    rows: list[Row]


DOCUMENT_COLUMNS = ("document", "label", "kind", "number", "type", "date", "issuer", "term", "province", "subject",
                    "citations", "articles", "cite_keys", "iri")
ARTICLE_COLUMNS = ("article", "title", "date", "province", "source", "url", "documents", "mentions", "iri")
BODY_COLUMNS = ("body", "label", "parent", "parent_label", "system", "level", "province", "issuer_codes", "documents",
                "iri")
CITATION_COLUMNS = ("article", "article_title", "article_date", "document", "document_label", "mentions",
                    "surface", "sentence")
RELATION_COLUMNS = ("document", "document_label", "relation", "target", "target_label")
TABLES = ("documents", "articles", "bodies", "citations", "relations")


def _local(iri: str) -> str:
    return iri[len(ID):] if iri.startswith(ID) else iri


def _value(sol: Any, name: str) -> str | None:
    t = sol[name]
    return None if t is None else t.value


# --------------------------------------------------------------------------- documents

_CITING_ARTICLES = "SELECT ?doc (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a dct:references ?doc } GROUP BY ?doc"


def document_rows(g: Graph) -> list[Row]:
    """Every document and unresolved citation key, most cited first, described as ``graphbuild docs`` does."""
    described = {e.iri: e for e in find_documents_by(g)}
    articles = {sol["doc"].value: int(sol["n"].value) for sol in g.query(_CITING_ARTICLES)}
    rows = []
    for d in g.documents.values():
        e = described.get(d.iri)
        rows.append({"document": d.id, "label": d.label, "kind": d.kind, "number": d.number,
                     "type": e.type if e else None, "date": e.date if e else (str(d.year) if d.year else None),
                     "issuer": e.issuer if e else None, "term": d.term, "province": e.province if e else None,
                     "subject": e.subject if e else None, "citations": d.citations,
                     "articles": articles.get(d.iri, 0), "cite_keys": d.cite_keys, "iri": d.iri})
    rows.sort(key=_most_cited)
    return rows


def _most_cited(r: Row) -> tuple[int, int, str]:
    return (-int(r["articles"]), -int(r["citations"]), str(r["document"]))


# --------------------------------------------------------------------------- articles

_ARTICLES = """
SELECT ?a ?aid ?title ?alabel ?date ?province ?source ?url WHERE {
  ?a a gb:Article .
  OPTIONAL { ?a dct:identifier ?aid } OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
  OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source } OPTIONAL { ?a sdo:url ?url }
  OPTIONAL { ?a gb:province ?p . OPTIONAL { ?p rdfs:label ?province } }
}"""

_ARTICLE_COUNTS = """
SELECT ?a (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?doc) AS ?documents) WHERE {
  ?m nif:referenceContext ?a ; gb:refersTo ?doc .
} GROUP BY ?a"""


def article_rows(g: Graph) -> list[Row]:
    """Every article, newest first (undated last), with how many documents it cites and how often."""
    counts = {sol["a"].value: (int(sol["documents"].value), int(sol["mentions"].value))
              for sol in g.query(_ARTICLE_COUNTS)}
    rows: dict[str, Row] = {}
    for sol in g.query(_ARTICLES):
        iri = sol["a"].value
        if iri in rows:
            continue
        docs, mentions = counts.get(iri, (0, 0))
        rows[iri] = {"article": _value(sol, "aid") or iri.rsplit("/", 1)[-1],
                     "title": _value(sol, "title") or _value(sol, "alabel"), "date": _value(sol, "date"),
                     "province": _value(sol, "province"), "source": _value(sol, "source"), "url": _value(sol, "url"),
                     "documents": docs, "mentions": mentions, "iri": iri}
    out = sorted(rows.values(), key=lambda r: (r["date"] or "", r["article"]), reverse=True)
    out.sort(key=lambda r: r["date"] is None)
    return out


# --------------------------------------------------------------------------- bodies

_BODIES = """
SELECT ?b ?label ?parent ?plabel ?system ?level ?province WHERE {
  ?b a gb:Body .
  OPTIONAL { ?b rdfs:label ?label }
  OPTIONAL { ?b org:subOrganizationOf ?parent . OPTIONAL { ?parent rdfs:label ?plabel } }
  OPTIONAL { ?b gb:system ?system } OPTIONAL { ?b gb:level ?level }
  OPTIONAL { ?b gb:province ?p . OPTIONAL { ?p rdfs:label ?province } }
}"""

_BODY_CODES = "SELECT ?b ?code WHERE { ?b a gb:Body ; gb:issuerCode ?code }"
_ISSUED = "SELECT ?b (COUNT(DISTINCT ?doc) AS ?n) WHERE { ?doc eli:passed_by ?b } GROUP BY ?b"


def body_rows(g: Graph) -> list[Row]:
    """Every issuing body, by id, with its parent, its issuer codes and how many documents it issued."""
    codes: dict[str, list[str]] = {}
    for sol in g.query(_BODY_CODES):
        codes.setdefault(sol["b"].value, []).append(sol["code"].value)
    issued = {sol["b"].value: int(sol["n"].value) for sol in g.query(_ISSUED)}
    rows: dict[str, Row] = {}
    for sol in g.query(_BODIES):
        iri = sol["b"].value
        if iri in rows:
            continue
        parent = _value(sol, "parent")
        rows[iri] = {"body": _local(iri), "label": _value(sol, "label"), "parent": _local(parent) if parent else None,
                     "parent_label": _value(sol, "plabel"), "system": _value(sol, "system"),
                     "level": _value(sol, "level"), "province": _value(sol, "province"),
                     "issuer_codes": sorted(codes.get(iri, [])), "documents": issued.get(iri, 0), "iri": iri}
    return sorted(rows.values(), key=lambda r: r["body"])


# --------------------------------------------------------------------------- citations

_MENTIONS = """
SELECT ?a ?doc ?surface ?begin ?end WHERE {
  ?m nif:referenceContext ?a ; gb:refersTo ?doc .
  OPTIONAL { ?m nif:anchorOf ?surface } OPTIONAL { ?m nif:beginIndex ?begin } OPTIONAL { ?m nif:endIndex ?end }
}"""


def citation_rows(g: Graph, articles: Sequence[Row], context: bool = True) -> list[Row]:
    """One row per (article, document): the mentions and the sentence of the first, in article order.

    ``context=False`` leaves the sentence as the marked anchor (no source is re-read).
    """
    by_article = {r["iri"]: r for r in articles}
    pairs: dict[tuple[str, str], Citation] = {}
    for sol in g.query(_MENTIONS):
        a_iri, d_iri = sol["a"].value, sol["doc"].value
        begin, end = leading_int(_value(sol, "begin")), leading_int(_value(sol, "end"))
        c = pairs.get((a_iri, d_iri))
        if c is None:
            a = by_article.get(a_iri, {})
            pairs[(a_iri, d_iri)] = Citation(
                document=_local(d_iri), label="", article=a.get("article") or a_iri.rsplit("/", 1)[-1],
                source=a.get("source") or a.get("url"), title=a.get("title"), date=a.get("date"),
                surface=_value(sol, "surface") or "", sentence="", article_iri=a_iri, document_iri=d_iri,
                start=begin, end=end, mentions=0)
            c = pairs[(a_iri, d_iri)]
        c.mentions += 1
        if begin is not None and (c.start is None or begin < c.start):
            c.start, c.end, c.surface = begin, end, _value(sol, "surface") or c.surface
    citations = list(pairs.values())
    if context:
        g.context.add_sentences(citations)
    documents = g.documents
    order = {r["iri"]: i for i, r in enumerate(articles)}
    citations.sort(key=lambda c: (order.get(c.article_iri, len(order)), c.start if c.start is not None else -1,
                                  c.document))
    return [{"article": c.article, "article_title": c.title, "article_date": c.date, "document": c.document,
             "document_label": documents[c.document_iri].label if c.document_iri in documents else c.document,
             "mentions": c.mentions, "surface": c.surface, "sentence": c.sentence or f"»{c.surface}«"}
            for c in citations]


# --------------------------------------------------------------------------- relations


def relation_rows(g: Graph) -> list[Row]:
    """Every triple from a document to another document or citation key (parts, amendments, candidates ...)."""
    documents = g.documents
    rows = []
    for iri, d in documents.items():
        if d.kind == "citekey":
            continue
        for target, predicate in _document_objects(g, iri, documents):
            t = documents[target]
            rows.append({"document": d.id, "document_label": d.label, "relation": re.split(r"[#/]", predicate)[-1],
                         "target": t.id, "target_label": t.label})
    return sorted(rows, key=lambda r: (r["document"], r["relation"], r["target"]))


def _document_objects(g: Graph, iri: str, documents: dict[str, Any]) -> list[tuple[str, str]]:
    import pyoxigraph as ox

    return [(q.object.value, q.predicate.value) for q in g.store.quads_for_pattern(ox.NamedNode(iri), None, None)
            if isinstance(q.object, ox.NamedNode) and q.object.value in documents and q.object.value != iri]


# --------------------------------------------------------------------------- all of them


def tables(graph: Graph | str | os.PathLike[str] | None, context: bool = True) -> list[Table]:
    """The five tables of a graph, in :data:`TABLES` order."""
    g = graph if isinstance(graph, Graph) else Graph(graph)
    articles = article_rows(g)
    return [Table("documents", DOCUMENT_COLUMNS, document_rows(g)),
            Table("articles", ARTICLE_COLUMNS, articles),
            Table("bodies", BODY_COLUMNS, body_rows(g)),
            Table("citations", CITATION_COLUMNS, citation_rows(g, articles, context=context)),
            Table("relations", RELATION_COLUMNS, relation_rows(g))]


def cell(v: Any) -> str | int:
    """A value as a spreadsheet cell: lists joined by ' | ', None empty, numbers kept."""
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return " | ".join(str(x) for x in v)
    return v if isinstance(v, int) else str(v)


# What a spreadsheet reads as the start of a formula when it opens a CSV file (=, +, -, @, and a tab or carriage
# return before them); a text cell opening with one gets an apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v: Any) -> str | int:
    """:func:`cell`, with a text that a spreadsheet would run as a formula ('=HYPERLINK(…)' in an article's
    title) made plain text by a leading apostrophe."""
    c = cell(v)
    return "'" + c if isinstance(c, str) and c.startswith(_FORMULA_START) else c


def write_csv(out_dir: str | os.PathLike[str], found: Sequence[Table]) -> list[Path]:
    """One NAME.csv per table in ``out_dir`` (made if missing): a header row, UTF-8 with BOM, CRLF as Excel
    writes, text cells that open like a formula kept as text (:func:`csv_cell`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in found:
        path = out / f"{t.name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(t.columns)
            w.writerows([csv_cell(r.get(c)) for c in t.columns] for r in t.rows)
        paths.append(path)
    return paths


def write_xlsx(path: str | os.PathLike[str], found: Sequence[Table]) -> Path:
    """One workbook, a sheet per table with a bold frozen header (needs openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for t in found:
        ws = wb.create_sheet(t.name)
        ws.append(list(t.columns))
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for r in t.rows:
            ws.append([_xlsx_cell(cell(r.get(c))) for c in t.columns])
            for c in ws[ws.max_row]:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"  # text as written, never a formula
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(v: str | int) -> str | int:
    """Control characters removed (XML cannot hold them)."""
    return v if isinstance(v, int) else _ILLEGAL_XML.sub("", v)
