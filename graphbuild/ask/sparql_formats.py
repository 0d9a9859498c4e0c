"""The standard formats of a SPARQL result, written piece by piece so a large result never has to be held.

* application/sparql-results+json  (https://www.w3.org/TR/sparql11-results-json/)
* application/sparql-results+xml   (https://www.w3.org/TR/rdf-sparql-XMLres/)
* text/csv and text/tab-separated-values (https://www.w3.org/TR/sparql11-results-csv-tsv/)
* for CONSTRUCT/DESCRIBE: N-Triples, Turtle, RDF/XML and JSON-LD (written by Oxigraph)

:func:`row_chunks` yields the bytes of a SELECT or ASK result as its rows come, and
:func:`write_triples` streams a graph result into a file; :func:`serialize` joins them for a
result that is held already (the HTTP endpoint's), so both paths write the same bytes.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from graphbuild.write.store import PREFIXES

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle", "rdf": "application/rdf+xml",
               "jsonld": "application/ld+json"}
_RDF_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE, "rdf": ox.RdfFormat.RDF_XML,
                "jsonld": ox.RdfFormat.JSON_LD}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(t: Any) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype.value != _XSD_STRING:
        d["datatype"] = t.datatype.value
    return d


def _csv_cell(t: Any) -> str:
    if t is None:
        return ""
    v = ("_:" + t.value) if isinstance(t, ox.BlankNode) else (str(t) if isinstance(t, ox.Triple) else t.value)
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def _tsv_cell(t: Any) -> str:
    if t is None:
        return ""
    s = str(t)  # N-Triples / SPARQL syntax (pyoxigraph escapes tabs and newlines in literals)
    return s.replace("\t", "\\t").replace("\n", "\\n")


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f'<literal xml:lang="{xml_escape(t.language)}">{xml_escape(t.value)}</literal>'
        if t.datatype.value != _XSD_STRING:
            return f'<literal datatype="{xml_escape(t.datatype.value)}">{xml_escape(t.value)}</literal>'
        return f"<literal>{xml_escape(t.value)}</literal>"
    return f"<literal>{xml_escape(str(t))}</literal>"


def row_chunks(fmt: str, variables: Sequence[str], rows: Iterable[Sequence[Any]] = (),
               boolean: bool | None = None) -> Iterator[bytes]:
    """The bytes of a SELECT result (``rows``, terms or None in ``variables`` order) or, with
    ``boolean`` set, an ASK result, in ``fmt`` (json, xml, csv, tsv), one row at a time."""
    if fmt not in RESULT_TYPES:
        raise ValueError(f"unknown result format {fmt!r}")
    if boolean is not None:
        yield _boolean(fmt, boolean)
        return
    if fmt == "json":
        yield ('{"head": {"vars": ' + json.dumps(list(variables), ensure_ascii=False)
               + '}, "results": {"bindings": [').encode("utf-8")
        sep = ""
        for row in rows:
            binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            yield (sep + json.dumps(binding, ensure_ascii=False)).encode("utf-8")
            sep = ", "
        yield b"]}}\n"
    elif fmt == "xml":
        yield ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
               + "".join(f'<variable name="{v}"/>' for v in variables) + "</head>\n<results>\n").encode("utf-8")
        for row in rows:
            yield ("<result>" + "".join(f'<binding name="{v}">{_xml_term(t)}</binding>'
                                        for v, t in zip(variables, row, strict=True) if t is not None)
                   + "</result>\n").encode("utf-8")
        yield b"</results>\n</sparql>\n"
    elif fmt == "csv":
        yield (",".join(variables) + "\r\n").encode("utf-8")
        for row in rows:
            yield (",".join(_csv_cell(t) for t in row) + "\r\n").encode("utf-8")
    else:
        yield ("\t".join("?" + v for v in variables) + "\n").encode("utf-8")
        for row in rows:
            yield ("\t".join(_tsv_cell(t) for t in row) + "\n").encode("utf-8")


def _boolean(fmt: str, value: bool) -> bytes:
    word = "true" if value else "false"
    if fmt == "json":
        return (json.dumps({"head": {}, "boolean": value}) + "\n").encode()
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head></head>\n'
                f"<boolean>{word}</boolean>\n</sparql>\n").encode()
    # CSV/TSV have no boolean form in the spec; the common practice is one column
    return f"{'_askResult' if fmt == 'csv' else '?_askResult'}\r\n{word}\r\n".encode()


def write_triples(triples: Iterable[ox.Triple], fmt: str, out: BinaryIO) -> None:
    """A graph result into ``out`` as it comes (Oxigraph's streaming writers); ``fmt`` nt, ttl, rdf or jsonld."""
    ox.serialize(triples, out, format=_RDF_FORMATS[fmt], prefixes=PREFIXES if fmt in ("ttl", "rdf") else None)


def serialize(result: Any, fmt: str) -> bytes:
    """A held result (:class:`graphbuild.ask.sparql.Result`) in ``fmt``: json, xml, csv, tsv (SELECT/ASK)
    or nt, ttl, rdf, jsonld (CONSTRUCT/DESCRIBE; N-Triples when ``fmt`` is not a graph format).
    ValueError for rows asked in a format that is not a result format."""
    if result.kind == "graph":
        buf = io.BytesIO()
        write_triples(result.triples, fmt if fmt in GRAPH_TYPES else "nt", buf)
        return buf.getvalue()
    return b"".join(row_chunks(fmt, result.variables, result.rows,
                               result.boolean if result.kind == "ask" else None))


def fitting_format(kind: str, fmt: str) -> str:
    """``fmt``, or the format of the same family a result of ``kind`` has: N-Triples for a graph
    asked as rows, TSV for rows or a boolean asked as triples."""
    if kind == "graph" and fmt not in GRAPH_TYPES:
        return "nt"
    if kind != "graph" and fmt in GRAPH_TYPES:
        return "tsv"
    return fmt


def compact(t: Any) -> str:
    """A term for people: prefixed names where a known prefix fits, plain literal values."""
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        for p, ns in PREFIXES.items():
            if t.value.startswith(ns) and re.fullmatch(r"[\w.-]*", t.value[len(ns):]):
                return f"{p}:{t.value[len(ns):]}"
        return f"<{t.value}>"
    if isinstance(t, ox.Literal):
        return t.value
    return str(t)
