"""RDF builders and writers.

Builders (``add_*``) take anything with an rdflib-style ``add((s, p, o))`` — an
``rdflib.Graph`` for scripts and tests, a :class:`TripleSink` in the streaming build — add
one node's triples and return the node.  Nothing here serialises except the writers at the
bottom, which work from a *sorted* N-Triples file so every output is byte-identical across
runs: Turtle and JSON-LD are written by Oxigraph (rdflib's Turtle writer is quadratic on
many IRIs), the on-disk store is bulk-loaded from the same file.

No blank nodes anywhere: they would make outputs differ between runs.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from rdflib import Literal, URIRef

from graphbuild.domain.model import Article
from graphbuild.graph.namespaces import (
    ID,
    NS_DCT,
    NS_ELI,
    NS_GB,
    NS_NIF,
    NS_ORG,
    NS_PROV,
    NS_RDF,
    NS_RDFS,
    NS_SDO,
    NS_SKOS,
    NS_XSD,
    PREFIXES,
    iri,
)
from graphbuild.resolve.bodies import BodyRecord
from graphbuild.resolve.records import Citation, DocRecord
from graphbuild.text.fold import slug

Triple = tuple[URIRef, URIRef, URIRef | Literal]


class TripleTarget(Protocol):
    def add(self, triple: Triple) -> object: ...


class TripleSink:
    """Collects triples as N-Triples lines (the cheap path for the streaming build)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        self.lines.append(f"<{s}> <{p}> {_nt_object(o)} .\n")

    def drain(self) -> list[str]:
        out, self.lines = self.lines, []
        return out


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(NS_XSD.string)


def _nt_object(o: URIRef | Literal) -> str:
    """N-Triples form of an object, without rdflib's per-term overhead (IRIs here are already safe)."""
    if not isinstance(o, Literal):
        return f"<{o}>"
    value = str(o).translate(_ESCAPES)
    if o.language:
        return f'"{value}"@{o.language}'
    if o.datatype and str(o.datatype) != _XSD_STRING:
        return f'"{value}"^^<{o.datatype}>'
    return f'"{value}"'


_SAFE = re.compile(r"[A-Za-z0-9._-]+")


def article_local(article_id: str) -> str:
    """A flat, IRI-safe local name for an article id (unsafe ids get a slug plus a short digest)."""
    if _SAFE.fullmatch(article_id):
        return article_id
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:10]
    return f"{slug(article_id)[:60]}-{digest}".lstrip("-")


def _date(value: str | None) -> Literal | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=NS_XSD.date)
    return None


# --------------------------------------------------------------------------- builders


def add_province(g: TripleTarget, name: str) -> URIRef:
    """A province node (label = canonical name)."""
    node = iri("province", slug(name))
    g.add((node, NS_RDF.type, NS_GB.Province))
    g.add((node, NS_RDFS.label, Literal(name)))
    return node


def add_doc_type(g: TripleTarget, word: str) -> URIRef:
    """A document-type concept (Quy định, Nghị định, ...)."""
    node = iri("type", slug(word))
    g.add((node, NS_RDF.type, NS_GB.DocumentType))
    g.add((node, NS_SKOS.prefLabel, Literal(word, lang="vi")))
    return node


def add_plenum(g: TripleTarget, term: str, number: int) -> URIRef:
    """A plenum of the Central Committee (Hội nghị Trung ương n khóa term)."""
    node = iri("plenum", f"{slug(term)}_{number}")
    g.add((node, NS_RDF.type, NS_GB.Plenum))
    g.add((node, NS_RDFS.label, Literal(f"Hội nghị Trung ương {number} khóa {term}", lang="vi")))
    g.add((node, NS_GB.term, Literal(term)))
    g.add((node, NS_GB.plenumNumber, Literal(number)))
    return node


def add_body(g: TripleTarget, body: BodyRecord) -> URIRef:
    """An issuing body: ORG organisation with its parent, codes, level and system."""
    node = iri("body", body.local)
    info = body.info
    g.add((node, NS_RDF.type, NS_GB.Body))
    g.add((node, NS_RDFS.label, Literal(body.label)))
    g.add((node, NS_SKOS.prefLabel, Literal(body.label, lang="vi")))
    if info.short:
        g.add((node, NS_SDO.alternateName, Literal(f"{info.short} {body.province}" if body.province else info.short)))
    if not body.province:
        for alias in info.aliases:
            g.add((node, NS_SKOS.altLabel, Literal(alias, lang="vi")))
    for code in info.codes:
        g.add((node, NS_GB.issuerCode, Literal(code)))
    g.add((node, NS_GB.level, Literal(info.level)))
    g.add((node, NS_GB.system, Literal(info.system)))
    if body.parent:
        g.add((node, NS_ORG.subOrganizationOf, iri("body", body.parent)))
    if body.province:
        g.add((node, NS_GB.province, add_province(g, body.province)))
    return node


_NAMED_CLASS = {"plenum": NS_GB.PlenumResolutions, "congress": NS_GB.CongressResolution, "charter": NS_GB.Charter}


def _node(local: str) -> URIRef:
    kind, _, rest = local.partition("/")
    return iri(kind, rest)


def add_document(g: TripleTarget, doc: DocRecord) -> URIRef:
    """A document (ELI + schema.org) or an unresolved citation key with its candidates."""
    node = _node(doc.local)
    if doc.is_citekey:
        g.add((node, NS_RDF.type, NS_GB.CitationKey))
    elif doc.kind == "named":
        g.add((node, NS_RDF.type, _NAMED_CLASS[doc.local.split("/", 1)[1].split("_", 1)[0]]))
    else:
        g.add((node, NS_RDF.type, NS_GB.PartyDocument if doc.kind == "party" else NS_GB.StateDocument))
    g.add((node, NS_RDFS.label, Literal(doc.label)))
    for key in sorted(doc.cite_keys):
        g.add((node, NS_GB.citeKey, Literal(key)))
    for cand in sorted(doc.candidates):
        g.add((node, NS_GB.candidate, _node(cand)))
    g.add((node, NS_GB.citationCount, Literal(doc.citations)))
    if doc.is_citekey:
        return node
    if doc.number:
        g.add((node, NS_ELI.number, Literal(doc.number)))
        g.add((node, NS_SDO.legislationIdentifier, Literal(doc.number)))
    date = _date(doc.date)
    if date is not None:
        g.add((node, NS_ELI.date_document, date))
        g.add((node, NS_SDO.legislationDate, date))
    if doc.year or doc.date:
        g.add((node, NS_DCT.date, Literal(str(doc.year or doc.date[:4]), datatype=NS_XSD.gYear)))
    if doc.doc_type:
        t = add_doc_type(g, doc.doc_type)
        g.add((node, NS_ELI.type_document, t))
        g.add((node, NS_SDO.legislationType, t))
    if doc.issuer:
        g.add((node, NS_ELI.passed_by, iri("body", doc.issuer)))
        g.add((node, NS_SDO.legislationPassedBy, iri("body", doc.issuer)))
    if doc.numbering_body:
        g.add((node, NS_GB.numberingBody, iri("body", doc.numbering_body)))
    for prop, value in ((NS_GB.term, doc.term), (NS_GB.issuerCode, doc.issuer_code), (NS_GB.typeCode, doc.type_code),
                        (NS_DCT.subject, doc.subject), (NS_DCT.source, doc.source)):
        if value:
            g.add((node, prop, Literal(value)))
    if doc.province:
        g.add((node, NS_GB.province, add_province(g, doc.province)))
    if doc.catalogued:
        g.add((node, NS_GB.catalogued, Literal(True)))
    if doc.plenum:
        plenum = add_plenum(g, *doc.plenum)
        g.add((node, NS_GB.plenum if doc.kind == "named" else NS_GB.adoptedAt, plenum))
    for part in doc.parts:
        g.add((node, NS_DCT.hasPart, _node(part)))
    for conflict in doc.all_conflicts():
        g.add((node, NS_GB.conflict, Literal(conflict)))
    return node


def add_article(g: TripleTarget, article: Article) -> URIRef:
    """A news article (schema.org NewsArticle) with what the reader knows about it."""
    node = iri("article", article_local(article.id))
    g.add((node, NS_RDF.type, NS_GB.Article))
    g.add((node, NS_RDFS.label, Literal(article.title or article.id)))
    g.add((node, NS_DCT.identifier, Literal(article.id)))
    if article.title:
        g.add((node, NS_SDO.headline, Literal(article.title)))
    date = _date(article.date)
    if date is not None:
        g.add((node, NS_DCT.issued, date))
    if article.url and re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", article.url):
        g.add((node, NS_SDO.url, URIRef(article.url)))
    if article.source:
        g.add((node, NS_DCT.source, Literal(article.source)))
    if article.province:
        g.add((node, NS_GB.province, add_province(g, article.province)))
    return node


def mention_node(article: Article, start: int, end: int, nth: int = 1) -> URIRef:
    """``mention/{article}_{start}_{end}``; a second referent of the same span ("khóa XI, XII") gets ``_2``."""
    suffix = f"_{nth}" if nth > 1 else ""
    return iri("mention", f"{article_local(article.id)}_{start}_{end}{suffix}")


def add_mention(g: TripleTarget, article: Article, citation: Citation, nth: int = 1) -> URIRef:
    """A mention as a flat NIF string: offsets in code points over the article text, end exclusive."""
    m = citation.mention
    node = mention_node(article, m.start, m.end, nth)
    g.add((node, NS_RDF.type, NS_GB.Mention))
    g.add((node, NS_NIF.referenceContext, iri("article", article_local(article.id))))
    g.add((node, NS_NIF.beginIndex, Literal(m.start, datatype=NS_XSD.nonNegativeInteger)))
    g.add((node, NS_NIF.endIndex, Literal(m.end, datatype=NS_XSD.nonNegativeInteger)))
    g.add((node, NS_NIF.anchorOf, Literal(m.surface)))
    g.add((node, NS_GB.refersTo, _node(citation.target)))
    g.add((node, NS_GB.form, Literal(m.form or "full")))
    return node


def add_article_citations(g: TripleTarget, article: Article, citations: list[Citation]) -> URIRef:
    """An article, its mentions, and one dct:references edge per distinct document it cites."""
    node = add_article(g, article)
    ends = {c.mention.start: c.mention.end for c in citations}
    seen: dict[tuple[int, int], int] = {}
    for c in citations:
        span = (c.mention.start, c.mention.end)
        seen[span] = seen.get(span, 0) + 1
        mnode = add_mention(g, article, c, seen[span])
        if c.antecedent is not None and c.antecedent in ends and c.antecedent != c.mention.start:
            g.add((mnode, NS_GB.antecedent, mention_node(article, c.antecedent, ends[c.antecedent])))
    for target in sorted({c.target for c in citations}):
        g.add((node, NS_DCT.references, _node(target)))
    return node


# --------------------------------------------------------------------------- fast per-article lines


def _lit(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"'


def _node_iri(local: str) -> str:
    """The string :func:`_node` would make, without building a URIRef."""
    kind, _, rest = local.partition("/")
    return f"{ID}{kind}/{rest}"


def _p(term: URIRef) -> str:
    return f"<{term}>"


# Predicates and classes as ready-made N-Triples terms: the per-article path below runs for
# every one of a corpus's tens of millions of triples, and formatting plain strings is ~5x
# cheaper than creating and printing rdflib terms.
_T_TYPE, _T_LABEL, _T_IDENT = _p(NS_RDF.type), _p(NS_RDFS.label), _p(NS_DCT.identifier)
_T_HEADLINE, _T_ISSUED, _T_URL, _T_SOURCE = _p(NS_SDO.headline), _p(NS_DCT.issued), _p(NS_SDO.url), _p(NS_DCT.source)
_T_PROVINCE, _T_PROVINCE_C, _T_ARTICLE_C = _p(NS_GB.province), _p(NS_GB.Province), _p(NS_GB.Article)
_T_MENTION_C, _T_CONTEXT = _p(NS_GB.Mention), _p(NS_NIF.referenceContext)
_T_BEGIN, _T_END, _T_ANCHOR = _p(NS_NIF.beginIndex), _p(NS_NIF.endIndex), _p(NS_NIF.anchorOf)
_T_REFERS, _T_FORM, _T_ANTE, _T_REFS = _p(NS_GB.refersTo), _p(NS_GB.form), _p(NS_GB.antecedent), _p(NS_DCT.references)
_NNI = f"^^<{NS_XSD.nonNegativeInteger}>"
_XDATE = f"^^<{NS_XSD.date}>"
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL_RE = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def article_nt_lines(article: Article, citations: list[Citation]) -> list[str]:
    """The N-Triples lines :func:`add_article_citations` adds to a :class:`TripleSink`, as plain strings.

    Same triples (tests/test_rdf.py checks it line for line); order may differ, which is fine
    because the build sorts every line before writing.
    """
    local = article_local(article.id)
    node = f"<{ID}article/{local}>"
    title = article.title
    out = [f"{node} {_T_TYPE} {_T_ARTICLE_C} .\n",
           f"{node} {_T_LABEL} {_lit(title or article.id)} .\n",
           f"{node} {_T_IDENT} {_lit(article.id)} .\n"]
    if title:
        out.append(f"{node} {_T_HEADLINE} {_lit(title)} .\n")
    if article.date and _DATE_RE.fullmatch(article.date):
        out.append(f'{node} {_T_ISSUED} "{article.date}"{_XDATE} .\n')
    if article.url and _URL_RE.fullmatch(article.url):
        out.append(f"{node} {_T_URL} <{article.url}> .\n")
    if article.source:
        out.append(f"{node} {_T_SOURCE} {_lit(article.source)} .\n")
    if article.province:
        prov = f"<{ID}province/{slug(article.province)}>"
        out.append(f"{prov} {_T_TYPE} {_T_PROVINCE_C} .\n")
        out.append(f"{prov} {_T_LABEL} {_lit(article.province)} .\n")
        out.append(f"{node} {_T_PROVINCE} {prov} .\n")
    ends = {c.mention.start: c.mention.end for c in citations}
    seen: dict[tuple[int, int], int] = {}
    mention = f"<{ID}mention/{local}_"
    for c in citations:
        m = c.mention
        span = (m.start, m.end)
        nth = seen[span] = seen.get(span, 0) + 1
        mn = f"{mention}{m.start}_{m.end}{f'_{nth}' if nth > 1 else ''}>"
        out += (f"{mn} {_T_TYPE} {_T_MENTION_C} .\n",
                f"{mn} {_T_CONTEXT} {node} .\n",
                f'{mn} {_T_BEGIN} "{m.start}"{_NNI} .\n',
                f'{mn} {_T_END} "{m.end}"{_NNI} .\n',
                f"{mn} {_T_ANCHOR} {_lit(m.surface)} .\n",
                f"{mn} {_T_REFERS} <{_node_iri(c.target)}> .\n",
                f"{mn} {_T_FORM} {_lit(m.form or 'full')} .\n")
        if c.antecedent is not None and c.antecedent in ends and c.antecedent != m.start:
            out.append(f"{mn} {_T_ANTE} {mention}{c.antecedent}_{ends[c.antecedent]}> .\n")
    for target in sorted({c.target for c in citations}):
        out.append(f"{node} {_T_REFS} <{_node_iri(target)}> .\n")
    return out


_XSD_INTEGER, _XSD_BOOLEAN = f"^^<{NS_XSD.integer}>", f"^^<{NS_XSD.boolean}>"


def _term(value: object) -> str:
    """N-Triples of ``Literal(value)`` for the types the builders use, without creating it."""
    if isinstance(value, str):
        return _lit(value)
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"{_XSD_BOOLEAN}'
    if isinstance(value, int):
        return f'"{value}"{_XSD_INTEGER}'
    return _nt_object(Literal(value))


def _vi(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"@vi'


_T_DOC_CLASS = {"citekey": _p(NS_GB.CitationKey), "party": _p(NS_GB.PartyDocument), "state": _p(NS_GB.StateDocument)}
_T_NAMED_CLASS = {k: _p(v) for k, v in _NAMED_CLASS.items()}
_T_DOC_PROPS = {name: _p(term) for name, term in (
    ("citeKey", NS_GB.citeKey), ("candidate", NS_GB.candidate), ("citationCount", NS_GB.citationCount),
    ("number", NS_ELI.number), ("identifier", NS_SDO.legislationIdentifier), ("date_document", NS_ELI.date_document),
    ("legislationDate", NS_SDO.legislationDate), ("date", NS_DCT.date), ("type_document", NS_ELI.type_document),
    ("legislationType", NS_SDO.legislationType), ("passed_by", NS_ELI.passed_by),
    ("legislationPassedBy", NS_SDO.legislationPassedBy), ("numberingBody", NS_GB.numberingBody),
    ("term", NS_GB.term), ("issuerCode", NS_GB.issuerCode), ("typeCode", NS_GB.typeCode), ("subject", NS_DCT.subject),
    ("source", NS_DCT.source), ("catalogued", NS_GB.catalogued), ("plenum", NS_GB.plenum),
    ("adoptedAt", NS_GB.adoptedAt), ("hasPart", NS_DCT.hasPart), ("conflict", NS_GB.conflict),
    ("DocumentType", NS_GB.DocumentType), ("prefLabel", NS_SKOS.prefLabel), ("Plenum", NS_GB.Plenum),
    ("plenumNumber", NS_GB.plenumNumber),
)}
_GYEAR = f"^^<{NS_XSD.gYear}>"


def document_nt_lines(doc: DocRecord) -> list[str]:
    """The N-Triples lines :func:`add_document` adds to a :class:`TripleSink`, as plain strings.

    Why a second implementation: a build writes every document this way at the end, in the one
    sequential process, and rdflib term objects made it ~300 µs a document.  tests/test_rdf.py
    checks both give the same lines on every document of a generated corpus.
    """
    t = _T_DOC_PROPS
    node = f"<{_node_iri(doc.local)}>"
    if doc.is_citekey:
        cls = _T_DOC_CLASS["citekey"]
    elif doc.kind == "named":
        cls = _T_NAMED_CLASS[doc.local.split("/", 1)[1].split("_", 1)[0]]
    else:
        cls = _T_DOC_CLASS["party" if doc.kind == "party" else "state"]
    out = [f"{node} {_T_TYPE} {cls} .\n", f"{node} {_T_LABEL} {_term(doc.label)} .\n"]
    out += [f"{node} {t['citeKey']} {_term(k)} .\n" for k in sorted(doc.cite_keys)]
    out += [f"{node} {t['candidate']} <{_node_iri(c)}> .\n" for c in sorted(doc.candidates)]
    out.append(f"{node} {t['citationCount']} {_term(doc.citations)} .\n")
    if doc.is_citekey:
        return out
    if doc.number:
        out.append(f"{node} {t['number']} {_term(doc.number)} .\n")
        out.append(f"{node} {t['identifier']} {_term(doc.number)} .\n")
    date = doc.date
    if date and _DATE_RE.fullmatch(date):
        out.append(f'{node} {t["date_document"]} "{date}"{_XDATE} .\n')
        out.append(f'{node} {t["legislationDate"]} "{date}"{_XDATE} .\n')
    if doc.year or date:
        out.append(f"{node} {t['date']} \"{str(doc.year or date[:4]).translate(_ESCAPES)}\"{_GYEAR} .\n")
    doc_type = doc.doc_type
    if doc_type:
        tn = f"<{ID}type/{slug(doc_type)}>"
        out += (f"{tn} {_T_TYPE} {t['DocumentType']} .\n", f"{tn} {t['prefLabel']} {_vi(doc_type)} .\n",
                f"{node} {t['type_document']} {tn} .\n", f"{node} {t['legislationType']} {tn} .\n")
    issuer = doc.issuer
    if issuer:
        out.append(f"{node} {t['passed_by']} <{ID}body/{issuer}> .\n")
        out.append(f"{node} {t['legislationPassedBy']} <{ID}body/{issuer}> .\n")
    if doc.numbering_body:
        out.append(f"{node} {t['numberingBody']} <{ID}body/{doc.numbering_body}> .\n")
    for prop, value in (("term", doc.term), ("issuerCode", doc.issuer_code), ("typeCode", doc.type_code),
                        ("subject", doc.subject), ("source", doc.source)):
        if value:
            out.append(f"{node} {t[prop]} {_term(value)} .\n")
    if doc.province:
        prov = f"<{ID}province/{slug(doc.province)}>"
        out += (f"{prov} {_T_TYPE} {_T_PROVINCE_C} .\n", f"{prov} {_T_LABEL} {_term(doc.province)} .\n",
                f"{node} {_T_PROVINCE} {prov} .\n")
    if doc.catalogued:
        out.append(f"{node} {t['catalogued']} {_term(True)} .\n")
    if doc.plenum:
        term, number = doc.plenum
        pn = f"<{ID}plenum/{slug(term)}_{number}>"
        out += (f"{pn} {_T_TYPE} {t['Plenum']} .\n",
                f"{pn} {_T_LABEL} {_vi(f'Hội nghị Trung ương {number} khóa {term}')} .\n",
                f"{pn} {t['term']} {_term(term)} .\n", f"{pn} {t['plenumNumber']} {_term(number)} .\n",
                f"{node} {t['plenum' if doc.kind == 'named' else 'adoptedAt']} {pn} .\n")
    out += [f"{node} {t['hasPart']} <{_node_iri(part)}> .\n" for part in doc.parts]
    out += [f"{node} {t['conflict']} {_term(c)} .\n" for c in doc.all_conflicts()]
    return out


def add_run(g: TripleTarget, digest: str, articles: int, documents: int) -> URIRef:
    """The build run (PROV activity) and the dataset it generated; no timestamps, so output is reproducible."""
    run = iri("run", digest)
    g.add((run, NS_RDF.type, NS_GB.BuildRun))
    g.add((run, NS_RDFS.label, Literal(f"graphbuild build over {articles} articles")))
    dataset = iri("dataset", digest)
    g.add((dataset, NS_RDF.type, NS_PROV.Entity))
    g.add((dataset, NS_PROV.wasGeneratedBy, run))
    g.add((dataset, NS_RDFS.label, Literal(f"{articles} articles, {documents} documents")))
    return run


# --------------------------------------------------------------------------- writers


STORE_PIECE_BYTES = 24 << 20  # N-Triples bytes per piece file handed to sort and the store loader
# N-Triples bytes per ``bulk_load`` call.  Oxigraph's bulk loader costs less CPU in small batches:
# the 5.8M triples of 100k articles took 55.7 CPU s in 24 MB batches, 40.6 s in 8 MB, 36.9 s in
# 4 MB, 40.3 s in 2 MB and 47.0 s in 1 MB (plus ~7.5 s of optimize() in each case); peak RSS
# 284, 141, 99, 88 and 90 MB.  See bench/README.md.
STORE_BATCH_BYTES = 4 << 20


def sort_lines(chunks: Iterable[Path], out: Path) -> None:
    """Merge already-sorted chunk files into one sorted, de-duplicated file (external sort)."""
    files = [open(c, encoding="utf-8") for c in chunks]
    try:
        with open(out, "w", encoding="utf-8") as fh:
            last = None
            for line in heapq.merge(*files):
                if line != last:
                    fh.write(line)
                    last = line
    finally:
        for f in files:
            f.close()


def _gnu_sort() -> str | None:
    """Path of GNU ``sort`` (it has ``--parallel``), or None: then the build sorts in Python."""
    import shutil
    import subprocess

    if os.environ.get("GRAPHBUILD_PYTHON_SORT") == "1":
        return None
    path = shutil.which("sort")
    if path is None:
        return None
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return path if "GNU" in version else None


class SortedNTriplesWriter:
    """Collects N-Triples lines and writes them sorted and de-duplicated at the end, in bounded memory.

    With GNU ``sort`` (Linux) the lines go straight to unsorted piece files of about
    ``piece_bytes`` and ``LC_ALL=C sort -u`` sorts them all at the end: C code, both cores, and a
    bounded buffer (``-S``) that spills to the work directory.  That takes the sorting off the
    build's main process, which is the one sequential step of a build.  Each finished piece is
    also handed to ``on_piece`` (the build bulk-loads it into the store meanwhile).  Byte order
    of UTF-8 is code-point order, which is what Python sorts ``str`` by, so both paths give the
    same file.  Without GNU sort: chunks of ``chunk_lines`` sorted in Python, spilled, and
    merged (external sort).
    """

    SORT_MEMORY = "256M"  # GNU sort's buffer; beyond it sort spills to temporary files
    # Temporary files merged at once: GNU sort's default (16) merges a 1M-article graph's ~80 runs
    # in two passes; one pass reads and writes it all once less (100k graph shuffled, 10% of the
    # buffer: 8.7 -> 7.5 CPU s).  Needs that many open files, far below the usual limit of 1024.
    SORT_BATCH = 128

    def __init__(self, workdir: Path, chunk_lines: int = 200_000, piece_bytes: int | None = None,
                 on_piece: Callable[[Path], None] | None = None, child_setup: Callable[[], None] | None = None) -> None:
        self.workdir = workdir
        self.child_setup = child_setup  # run in the sort process before exec: a build makes it die with the build
        self.chunk_lines = chunk_lines
        self.buffer: list[str] = []
        self.chunks: list[Path] = []
        self.sort_cmd = _gnu_sort()
        self.piece_bytes = piece_bytes or STORE_PIECE_BYTES
        self.on_piece = on_piece
        self.pieces: list[Path] = []
        self._size = 0
        self._raw = self._next_piece() if self.sort_cmd else None

    def _next_piece(self):
        path = self.workdir / f"piece-{len(self.pieces):05d}.nt"
        self.pieces.append(path)
        self._size = 0
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in _close_piece

    def _close_piece(self) -> None:
        self._raw.close()
        if self.on_piece is not None and self._size:
            self.on_piece(self.pieces[-1])

    def extend(self, lines: list[str]) -> None:
        if self._raw is not None:
            self._raw.writelines(lines)
            self._size += sum(map(len, lines))
            if self._size >= self.piece_bytes:
                self._close_piece()
                self._raw = self._next_piece()
            return
        self.buffer.extend(lines)
        if len(self.buffer) >= self.chunk_lines:
            self._spill()

    def _spill(self) -> None:
        if not self.buffer:
            return
        path = self.workdir / f"chunk-{len(self.chunks):05d}.nt"
        self.buffer.sort()
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(self.buffer)
        self.chunks.append(path)
        self.buffer = []

    def finish(self, out: Path) -> None:
        """Write ``out``.  The piece files stay (the store may still be reading them); the caller's
        work directory goes at the end of the build."""
        if self._raw is not None:
            import subprocess

            self._close_piece()
            env = {**os.environ, "LC_ALL": "C"}
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            subprocess.run([self.sort_cmd, "-u", "-S", self.SORT_MEMORY, f"--parallel={max(1, min(cores, 8))}",
                            f"--batch-size={self.SORT_BATCH}",
                            "-T", str(self.workdir), "-o", str(out), *map(str, self.pieces)], check=True, env=env,
                           preexec_fn=self.child_setup)
            return
        self._spill()
        sort_lines(self.chunks, out)
        for c in self.chunks:
            c.unlink()

    def close(self) -> None:
        """Close the open piece if the build stops early (its directory is removed anyway)."""
        if self._raw is not None and not self._raw.closed:
            self._raw.close()


def _ox_triples(nt_path: Path, fh) -> Iterator:
    """Triples of our own sorted N-Triples file, parsed by Oxigraph.

    ``lenient``: the file was written by this module a moment ago (IRIs checked or built from
    safe parts), so Oxigraph's IRI validation only costs time (about a third of the writers').
    Oxigraph's parser already yields triples for N-Triples, so they go to the serializer as they come.
    """
    import pyoxigraph as ox

    return ox.parse(fh, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def write_turtle(nt_path: Path, out: Path) -> None:
    """Turtle from the sorted N-Triples, by Oxigraph (streams; groups each subject's triples)."""
    import pyoxigraph as ox

    with open(nt_path, "rb") as src, open(out, "wb") as fh:
        ox.serialize(_ox_triples(nt_path, src), fh, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def write_jsonld(nt_path: Path, out: Path) -> None:
    """JSON-LD (expanded, streamed by Oxigraph) from the sorted N-Triples."""
    import pyoxigraph as ox

    with open(nt_path, "rb") as src, open(out, "wb") as fh:
        ox.serialize(_ox_triples(nt_path, src), fh, format=ox.RdfFormat.JSON_LD, prefixes=PREFIXES)


def load_store(nt_path: Path, store_dir: Path, piece_bytes: int = STORE_BATCH_BYTES) -> int:
    """Bulk-load the N-Triples into an on-disk Oxigraph store; returns the number of triples.

    In pieces of ``piece_bytes`` (whole lines): one ``bulk_load`` of the whole file held memory
    in proportion to it (measured: 2.3 GB peak for the 6M triples of 100k articles, 559 MB for
    614k); pieces keep it flat and, down to about 4 MB, cost less CPU (:data:`STORE_BATCH_BYTES`).
    ``optimize()`` then compacts the pieces' files into one, so reads are as fast as after a
    single load.  ``lenient`` skips re-validating IRIs this module wrote itself.
    """
    import pyoxigraph as ox

    store = ox.Store(str(store_dir))
    with open(nt_path, "rb") as fh:
        while piece := fh.readlines(piece_bytes):
            store.bulk_load(b"".join(piece), format=ox.RdfFormat.N_TRIPLES, lenient=True)
            del piece
    store.optimize()
    n = len(store)
    store.flush()
    del store
    return n


def open_graph(path: str | os.PathLike[str]):
    """An rdflib Graph of a built output (``out/graph.nt`` or ``out/graph.ttl``), prefixes bound."""
    from rdflib import Graph

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    g.parse(str(path))
    return g


def write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def temp_dir_beside(target: Path) -> Path:
    """A fresh temporary directory on the same file system as ``target`` (so rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the output should not be
    return tmp

