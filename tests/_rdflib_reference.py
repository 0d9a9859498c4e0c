"""The graph's triples built with rdflib terms: the reference the one emitter is checked against.

:mod:`graphbuild.graph.triples` writes the build's triples as N-Triples strings, for speed.
These builders say the same thing the slow, obvious way, node by node with rdflib ``URIRef`` and
``Literal`` (``add_*`` take anything with ``add((s, p, o))``: an ``rdflib.Graph``, or a
:class:`TripleSink` that prints each triple as rdflib's terms would), and
``tests/test_rdf.py`` checks that both give the same lines in the same order.  Not used by the
package.
"""

from __future__ import annotations

import re
from typing import Protocol

from rdflib import Literal, URIRef

from graphbuild.domain.model import Article
from graphbuild.graph.namespaces import (
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
    iri,
)
from graphbuild.graph.triples import article_local
from graphbuild.resolve.resolver import BodyRecord, Citation, DocRecord
from graphbuild.text.fold import slug

Triple = tuple[URIRef, URIRef, URIRef | Literal]


class TripleTarget(Protocol):
    def add(self, triple: Triple) -> object: ...


class TripleSink:
    """Collects triples as N-Triples lines, each term printed as rdflib would print it."""

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
    """N-Triples form of an object (IRIs here are already safe)."""
    if not isinstance(o, Literal):
        return f"<{o}>"
    value = str(o).translate(_ESCAPES)
    if o.language:
        return f'"{value}"@{o.language}'
    if o.datatype and str(o.datatype) != _XSD_STRING:
        return f'"{value}"^^<{o.datatype}>'
    return f'"{value}"'


def _date(value: str | None) -> Literal | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=NS_XSD.date)
    return None


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
    if citation.resolved_by:
        g.add((node, NS_GB.resolvedBy, Literal(citation.resolved_by)))
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


_RELATION_PROPERTIES = {"implements": NS_ELI.ensures_implementation_of, "based_on": NS_ELI.based_on,
                        "amends": NS_ELI.amends, "repeals": NS_ELI.repeals, "guides": NS_GB.guides,
                        "cites": NS_ELI.cites}


def add_relations(g: TripleTarget, article: Article, relations: list) -> None:
    """The relations an article states (graphbuild.resolve.relations.StatedRelation): the direct triple and the
    statement with its evidence."""
    from graphbuild.text.sentences import sentence_spans

    local = article_local(article.id)
    spans = sorted(r.words_span for r in relations)
    sentence_of = dict(zip(spans, sentence_spans(article.text, spans), strict=True)) if article.text else {}
    for r in relations:
        source, target, prop = iri(*r.source.split("/", 1)), iri(*r.target.split("/", 1)), _RELATION_PROPERTIES[
            r.relation]
        (w0, w1), (s0, s1), (t0, t1) = r.words_span, r.source_span, r.target_span
        st = iri("relation", f"{local}_{w0}_{s0}_{t0}")
        g.add((source, prop, target))
        g.add((st, NS_RDF.type, NS_GB.StatedRelation))
        g.add((st, NS_RDF.subject, source))
        g.add((st, NS_RDF.predicate, prop))
        g.add((st, NS_RDF.object, target))
        g.add((st, NS_GB.relationKind, Literal(r.relation)))
        g.add((st, NS_GB.statedIn, iri("article", local)))
        g.add((st, NS_GB.sourceMention, iri("mention", f"{local}_{s0}_{s1}")))
        g.add((st, NS_NIF.anchorOf, Literal(r.words)))
        g.add((st, NS_NIF.beginIndex, Literal(w0, datatype=NS_XSD.nonNegativeInteger)))
        g.add((st, NS_NIF.endIndex, Literal(w1, datatype=NS_XSD.nonNegativeInteger)))
        if r.target_cited:
            g.add((st, NS_GB.targetMention, iri("mention", f"{local}_{t0}_{t1}")))
        span = sentence_of.get(r.words_span)
        if span is not None:
            g.add((st, NS_GB.sentence, Literal(" ".join(article.text[span[0]:span[1]].split()))))
