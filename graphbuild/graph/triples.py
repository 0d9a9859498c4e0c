"""The triples of the graph, as N-Triples lines: the one place that says what an article (with its
mentions and references), a document or citation key, a body and the build run produce.

Each ``*_nt_lines`` function returns the lines of one node together with the small nodes it
brings along (its province, document type, plenum), always in the same order.  The build hands
them to :class:`graphbuild.write.sorted_nt.SortedNTriplesWriter`, which sorts and de-duplicates
them (a province is written by every article that names it), so ``graph.nt`` is the same bytes on
every run; the Spark engine writes the same lines into its part files.

Why strings and not rdflib terms: a build writes tens of millions of these lines in its one
sequential process, and formatting strings is several times cheaper than creating and printing
rdflib terms (a document took ~300 µs through rdflib).  IRIs are built from safe parts (see
:func:`article_local` and :mod:`graphbuild.graph.namespaces`), so only literals need escaping.
``tests/_rdflib_reference.py`` builds the same triples with rdflib terms and
``tests/test_rdf.py`` checks that both give the same lines, in the same order.

No blank nodes anywhere: they would make outputs differ between runs.
"""

from __future__ import annotations

import hashlib
import re

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
)
from graphbuild.resolve.relations import StatedRelation
from graphbuild.resolve.resolver import BodyRecord, Citation, DocRecord
from graphbuild.text.fold import slug
from graphbuild.text.sentences import sentence_spans

# --------------------------------------------------------------------------- terms

# Predicates and classes as ready-made N-Triples terms.
_TYPE, _LABEL, _PREF_LABEL = f"<{NS_RDF.type}>", f"<{NS_RDFS.label}>", f"<{NS_SKOS.prefLabel}>"
_PROVINCE, _PROVINCE_CLASS = f"<{NS_GB.province}>", f"<{NS_GB.Province}>"
_SOURCE, _TERM = f"<{NS_DCT.source}>", f"<{NS_GB.term}>"

_ARTICLE_CLASS, _IDENTIFIER, _HEADLINE = f"<{NS_GB.Article}>", f"<{NS_DCT.identifier}>", f"<{NS_SDO.headline}>"
_ISSUED, _URL, _REFERENCES = f"<{NS_DCT.issued}>", f"<{NS_SDO.url}>", f"<{NS_DCT.references}>"
_MENTION_CLASS, _CONTEXT, _ANCHOR = f"<{NS_GB.Mention}>", f"<{NS_NIF.referenceContext}>", f"<{NS_NIF.anchorOf}>"
_BEGIN, _END = f"<{NS_NIF.beginIndex}>", f"<{NS_NIF.endIndex}>"
_REFERS_TO, _FORM, _ANTECEDENT = f"<{NS_GB.refersTo}>", f"<{NS_GB.form}>", f"<{NS_GB.antecedent}>"
_RESOLVED_BY = f"<{NS_GB.resolvedBy}>"

_CITE_KEY, _CANDIDATE, _CITATION_COUNT = f"<{NS_GB.citeKey}>", f"<{NS_GB.candidate}>", f"<{NS_GB.citationCount}>"
_NUMBER, _IDENTIFIER_SDO = f"<{NS_ELI.number}>", f"<{NS_SDO.legislationIdentifier}>"
_DATE_DOCUMENT, _DATE_SDO, _YEAR = f"<{NS_ELI.date_document}>", f"<{NS_SDO.legislationDate}>", f"<{NS_DCT.date}>"
_TYPE_DOCUMENT, _TYPE_SDO = f"<{NS_ELI.type_document}>", f"<{NS_SDO.legislationType}>"
_PASSED_BY, _PASSED_BY_SDO = f"<{NS_ELI.passed_by}>", f"<{NS_SDO.legislationPassedBy}>"
_NUMBERING_BODY, _CATALOGUED = f"<{NS_GB.numberingBody}>", f"<{NS_GB.catalogued}>"
_HAS_PART, _CONFLICT = f"<{NS_DCT.hasPart}>", f"<{NS_GB.conflict}>"
_PLENUM, _ADOPTED_AT = f"<{NS_GB.plenum}>", f"<{NS_GB.adoptedAt}>"
_DOCUMENT_TYPE_CLASS, _PLENUM_CLASS, _PLENUM_NUMBER = (
    f"<{NS_GB.DocumentType}>", f"<{NS_GB.Plenum}>", f"<{NS_GB.plenumNumber}>")
# The literal-valued facts of a document, in the order they are written.
_DOCUMENT_CODES = ((_TERM, "term"), (f"<{NS_GB.issuerCode}>", "issuer_code"), (f"<{NS_GB.typeCode}>", "type_code"),
                   (f"<{NS_DCT.subject}>", "subject"), (_SOURCE, "source"))
_DOCUMENT_CLASS = {"citekey": f"<{NS_GB.CitationKey}>", "party": f"<{NS_GB.PartyDocument}>",
                   "state": f"<{NS_GB.StateDocument}>"}
# A named document's class, by the first word of its local name (doc/plenum_XII_6, doc/charter).
_NAMED_CLASS = {"plenum": f"<{NS_GB.PlenumResolutions}>", "congress": f"<{NS_GB.CongressResolution}>",
                "charter": f"<{NS_GB.Charter}>"}

_BODY_CLASS, _ALTERNATE_NAME, _ALT_LABEL = f"<{NS_GB.Body}>", f"<{NS_SDO.alternateName}>", f"<{NS_SKOS.altLabel}>"
_ISSUER_CODE, _LEVEL, _SYSTEM = f"<{NS_GB.issuerCode}>", f"<{NS_GB.level}>", f"<{NS_GB.system}>"
_SUB_ORGANIZATION_OF = f"<{NS_ORG.subOrganizationOf}>"

_RUN_CLASS, _ENTITY_CLASS, _GENERATED_BY = f"<{NS_GB.BuildRun}>", f"<{NS_PROV.Entity}>", f"<{NS_PROV.wasGeneratedBy}>"

# Datatype suffixes of typed literals (an xsd:string literal is written plain, as rdflib does).
_AS_DATE, _AS_YEAR = f"^^<{NS_XSD.date}>", f"^^<{NS_XSD.gYear}>"
_AS_INTEGER, _AS_BOOLEAN = f"^^<{NS_XSD.integer}>", f"^^<{NS_XSD.boolean}>"
_AS_OFFSET = f"^^<{NS_XSD.nonNegativeInteger}>"

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Whether a string needs _ESCAPES at all: a regex search is ten times cheaper than a translate, and most
# literals (titles, anchors, ids) hold none of the four characters.
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search
_IS_DATE = re.compile(r"\d{4}-\d{2}-\d{2}").fullmatch
_IS_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+").fullmatch
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")


def _text(value: str) -> str:
    """A plain string literal."""
    return f'"{value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value}"'


def _vi(value: str) -> str:
    """A string literal tagged Vietnamese."""
    return f'"{value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value}"@vi'


def _value(value: str | int) -> str:
    """The literal of a string, integer or boolean fact (typed as rdflib types a Python value)."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"{_AS_BOOLEAN}'
    if isinstance(value, int):
        return f'"{value}"{_AS_INTEGER}'
    raise TypeError(f"no literal form for {type(value).__name__}: {value!r}")


def _node(local: str) -> str:
    """The IRI of a node named by its local form ``kind/rest`` (``doc/qd-tw_2019_205``)."""
    kind, _, rest = local.partition("/")
    return f"<{ID}{kind}/{rest}>"


def article_local(article_id: str) -> str:
    """A flat, IRI-safe local name for an article id (unsafe ids get a slug plus a short digest)."""
    if _SAFE_ID.fullmatch(article_id):
        return article_id
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:10]
    return f"{slug(article_id)[:60]}-{digest}".lstrip("-")


# --------------------------------------------------------------------------- small shared nodes
# Provinces, document types and plenums: nodes that thousands of articles and documents link to.  Their own
# lines are the same every time; given a ``shared`` set (a build's), they are written the first time only
# (the set holds their IRIs: a few hundred), which keeps ~7 % of repeated lines out of the pieces the store
# loads and the sort reads.  Without it every call writes them, and the sort drops the repeats.
Shared = set[str] | None


def _once(node: str, lines: tuple[str, ...], shared: Shared) -> tuple[str, ...]:
    """A shared node's own ``lines``, or none when ``shared`` says they were written already."""
    if shared is None:
        return lines
    if node in shared:
        return ()
    shared.add(node)
    return lines


def _province_lines(subject: str, name: str, shared: Shared = None) -> tuple[str, ...]:
    """A province node (labelled with its canonical name) and ``subject gb:province`` it."""
    province = f"<{ID}province/{slug(name)}>"
    return (*_once(province, (f"{province} {_TYPE} {_PROVINCE_CLASS} .\n",
                              f"{province} {_LABEL} {_value(name)} .\n"), shared),
            f"{subject} {_PROVINCE} {province} .\n")


def _doc_type_lines(document: str, word: str, shared: Shared = None) -> tuple[str, ...]:
    """A document-type concept (Quy định, Nghị định, ...) and the document's two links to it."""
    doc_type = f"<{ID}type/{slug(word)}>"
    return (*_once(doc_type, (f"{doc_type} {_TYPE} {_DOCUMENT_TYPE_CLASS} .\n",
                              f"{doc_type} {_PREF_LABEL} {_vi(word)} .\n"), shared),
            f"{document} {_TYPE_DOCUMENT} {doc_type} .\n",
            f"{document} {_TYPE_SDO} {doc_type} .\n")


def _plenum_lines(document: str, term: str, number: int, link: str, shared: Shared = None) -> tuple[str, ...]:
    """A plenum of the Central Committee (Hội nghị Trung ương n khóa term) and ``document link`` it."""
    plenum = f"<{ID}plenum/{slug(term)}_{number}>"
    return (*_once(plenum, (f"{plenum} {_TYPE} {_PLENUM_CLASS} .\n",
                            f"{plenum} {_LABEL} {_vi(f'Hội nghị Trung ương {number} khóa {term}')} .\n",
                            f"{plenum} {_TERM} {_value(term)} .\n",
                            f"{plenum} {_PLENUM_NUMBER} {_value(number)} .\n"), shared),
            f"{document} {link} {plenum} .\n")


# --------------------------------------------------------------------------- articles


def _article_node_lines(article: Article, node: str, shared: Shared = None) -> list[str]:
    """A news article with what the reader knows about it (title, date, URL, source, province)."""
    title = article.title
    out = [f"{node} {_TYPE} {_ARTICLE_CLASS} .\n",
           f"{node} {_LABEL} {_text(title or article.id)} .\n",
           f"{node} {_IDENTIFIER} {_text(article.id)} .\n"]
    if title:
        out.append(f"{node} {_HEADLINE} {_text(title)} .\n")
    if article.date and _IS_DATE(article.date):
        out.append(f'{node} {_ISSUED} "{article.date}"{_AS_DATE} .\n')
    if article.url and _IS_URL(article.url):
        out.append(f"{node} {_URL} <{article.url}> .\n")
    if article.source:
        out.append(f"{node} {_SOURCE} {_text(article.source)} .\n")
    if article.province:
        out += _province_lines(node, article.province, shared)
    return out


def article_nt_lines(article: Article, citations: list[Citation], later: bool = False,
                     shared: Shared = None) -> list[str]:
    """An article, its mentions, and one ``dct:references`` line per distinct document it cites.

    A mention is a flat NIF string, ``mention/{article}_{start}_{end}`` (offsets in code points
    over the article text, end exclusive); a second referent of the same span ("khóa XI, XII")
    gets ``_2``.  A short form points at the mention of its full form (``gb:antecedent``).  How
    the link was decided is ``gb:resolvedBy`` (none for a citation key).  With ``later`` (a build) a
    pending mention, decided after the read, gets its node's IRI noted in ``citation.pending.where``
    instead of its link, which :func:`resolved_mention_lines` writes once it is decided; without it
    the link is the one the resolver gave so far.
    """
    local = article_local(article.id)
    node = f"<{ID}article/{local}>"
    out = _article_node_lines(article, node, shared)
    ends = {c.mention.start: c.mention.end for c in citations}
    seen: dict[tuple[int, int], int] = {}
    mention = f"<{ID}mention/{local}_"
    for c in citations:
        m = c.mention
        span = (m.start, m.end)
        nth = seen[span] = seen.get(span, 0) + 1
        mn = f"{mention}{m.start}_{m.end}{f'_{nth}' if nth > 1 else ''}>"
        out += (f"{mn} {_TYPE} {_MENTION_CLASS} .\n",
                f"{mn} {_CONTEXT} {node} .\n",
                f'{mn} {_BEGIN} "{m.start}"{_AS_OFFSET} .\n',
                f'{mn} {_END} "{m.end}"{_AS_OFFSET} .\n',
                f"{mn} {_ANCHOR} {_text(m.surface)} .\n")
        if later and c.pending is not None:
            c.pending.where = (mn, node)
            out.append(f"{mn} {_FORM} {_text(m.form or 'full')} .\n")
        else:
            out += (f"{mn} {_REFERS_TO} {_node(c.target)} .\n", f"{mn} {_FORM} {_text(m.form or 'full')} .\n")
            if c.resolved_by:
                out.append(f"{mn} {_RESOLVED_BY} {_text(c.resolved_by)} .\n")
        if c.antecedent is not None and c.antecedent in ends and c.antecedent != m.start:
            out.append(f"{mn} {_ANTECEDENT} {mention}{c.antecedent}_{ends[c.antecedent]}> .\n")
    for target in sorted({c.target for c in citations if not (later and c.pending is not None)}):
        out.append(f"{node} {_REFERENCES} {_node(target)} .\n")
    return out


# --------------------------------------------------------------------------- relations between documents

# The property of each relation a text states (graphbuild/data/relations.json): ELI's own where it has one.
RELATION_PROPERTIES: dict[str, str] = {
    "implements": NS_ELI.ensures_implementation_of, "based_on": NS_ELI.based_on, "amends": NS_ELI.amends,
    "repeals": NS_ELI.repeals, "guides": NS_GB.guides, "cites": NS_ELI.cites,
}
_RELATION_TERMS = {kind: f"<{prop}>" for kind, prop in RELATION_PROPERTIES.items()}
_STATED_CLASS, _STATED_IN, _KIND = f"<{NS_GB.StatedRelation}>", f"<{NS_GB.statedIn}>", f"<{NS_GB.relationKind}>"
_SUBJECT, _PREDICATE, _OBJECT = f"<{NS_RDF.subject}>", f"<{NS_RDF.predicate}>", f"<{NS_RDF.object}>"
_SOURCE_MENTION, _TARGET_MENTION = f"<{NS_GB.sourceMention}>", f"<{NS_GB.targetMention}>"
_SENTENCE = f"<{NS_GB.sentence}>"


def relation_nt_lines(article: Article, relations: list[StatedRelation]) -> list[str]:
    """The relations an article states: ``source property target`` between the resolved nodes, and each
    statement as a ``gb:StatedRelation`` (an rdf:Statement) with its evidence: the article, the words
    stating it and their offsets, the sentence, the source mention and (when cited) the target mention.

    The statement is ``relation/{article}_{words start}_{source start}_{target start}``; the direct triple
    is the same line in every article that states it (so it is written once).
    """
    if not relations:
        return []
    local = article_local(article.id)
    node, mention = f"<{ID}article/{local}>", f"<{ID}mention/{local}_"
    sentences = sentence_spans(article.text, sorted(r.words_span for r in relations)) if article.text else []
    sentence_of = dict(zip(sorted(r.words_span for r in relations), sentences, strict=True))
    out: list[str] = []
    for r in relations:
        prop, source, target = _RELATION_TERMS[r.relation], _node(r.source), _node(r.target)
        (w0, w1), (s0, s1), (t0, t1) = r.words_span, r.source_span, r.target_span
        st = f"<{ID}relation/{local}_{w0}_{s0}_{t0}>"
        out += (f"{source} {prop} {target} .\n",
                f"{st} {_TYPE} {_STATED_CLASS} .\n",
                f"{st} {_SUBJECT} {source} .\n",
                f"{st} {_PREDICATE} {prop} .\n",
                f"{st} {_OBJECT} {target} .\n",
                f"{st} {_KIND} {_text(r.relation)} .\n",
                f"{st} {_STATED_IN} {node} .\n",
                f"{st} {_SOURCE_MENTION} {mention}{s0}_{s1}> .\n",
                f"{st} {_ANCHOR} {_text(r.words)} .\n",
                f'{st} {_BEGIN} "{w0}"{_AS_OFFSET} .\n',
                f'{st} {_END} "{w1}"{_AS_OFFSET} .\n')
        if r.target_cited:
            out.append(f"{st} {_TARGET_MENTION} {mention}{t0}_{t1}> .\n")
        span = sentence_of.get(r.words_span)
        if span is not None:
            out.append(f"{st} {_SENTENCE} {_text(' '.join(article.text[span[0]:span[1]].split()))} .\n")
    return out


def resolved_mention_lines(mention_node: str, article_node: str, target: str, resolved_by: str | None) -> list[str]:
    """The link of a mention decided after the read (see :func:`article_nt_lines`): the lines it left out."""
    out = [f"{mention_node} {_REFERS_TO} {_node(target)} .\n", f"{article_node} {_REFERENCES} {_node(target)} .\n"]
    if resolved_by:
        out.append(f"{mention_node} {_RESOLVED_BY} {_text(resolved_by)} .\n")
    return out


# --------------------------------------------------------------------------- documents


def _document_class(doc: DocRecord) -> str:
    if doc.is_citekey:
        return _DOCUMENT_CLASS["citekey"]
    if doc.kind == "named":
        return _NAMED_CLASS[doc.local.split("/", 1)[1].split("_", 1)[0]]
    return _DOCUMENT_CLASS["party" if doc.kind == "party" else "state"]


def document_nt_lines(doc: DocRecord, shared: Shared = None) -> list[str]:
    """A document (ELI and schema.org), or an unresolved citation key with its candidates."""
    node = _node(doc.local)
    out = [f"{node} {_TYPE} {_document_class(doc)} .\n", f"{node} {_LABEL} {_value(doc.label)} .\n"]
    out += [f"{node} {_CITE_KEY} {_value(key)} .\n" for key in sorted(doc.cite_keys)]
    out += [f"{node} {_CANDIDATE} {_node(c)} .\n" for c in sorted(doc.candidates)]
    out.append(f"{node} {_CITATION_COUNT} {_value(doc.citations)} .\n")
    if not doc.is_citekey:
        _add_document_facts(out, node, doc, shared)
    return out


def _add_document_facts(out: list[str], node: str, doc: DocRecord, shared: Shared) -> None:
    """What a resolved document adds to a citation key's lines: number, date, type, issuer, ..."""
    if doc.number:
        number = _value(doc.number)
        out += (f"{node} {_NUMBER} {number} .\n", f"{node} {_IDENTIFIER_SDO} {number} .\n")
    date = doc.date
    if date and _IS_DATE(date):
        out += (f'{node} {_DATE_DOCUMENT} "{date}"{_AS_DATE} .\n', f'{node} {_DATE_SDO} "{date}"{_AS_DATE} .\n')
    if doc.year or date:
        year = str(doc.year or date[:4]).translate(_ESCAPES)
        out.append(f'{node} {_YEAR} "{year}"{_AS_YEAR} .\n')
    if doc.doc_type:
        out += _doc_type_lines(node, doc.doc_type, shared)
    if doc.issuer:
        issuer = f"<{ID}body/{doc.issuer}>"
        out += (f"{node} {_PASSED_BY} {issuer} .\n", f"{node} {_PASSED_BY_SDO} {issuer} .\n")
    if doc.numbering_body:
        out.append(f"{node} {_NUMBERING_BODY} <{ID}body/{doc.numbering_body}> .\n")
    for prop, field in _DOCUMENT_CODES:
        value = getattr(doc, field)
        if value:
            out.append(f"{node} {prop} {_value(value)} .\n")
    if doc.province:
        out += _province_lines(node, doc.province, shared)
    if doc.catalogued:
        out.append(f"{node} {_CATALOGUED} {_value(True)} .\n")
    if doc.plenum:
        term, number = doc.plenum
        out += _plenum_lines(node, term, number, _PLENUM if doc.kind == "named" else _ADOPTED_AT, shared)
    out += [f"{node} {_HAS_PART} {_node(part)} .\n" for part in doc.parts]
    out += [f"{node} {_CONFLICT} {_value(c)} .\n" for c in doc.all_conflicts()]


# --------------------------------------------------------------------------- bodies and the run


def body_nt_lines(body: BodyRecord) -> list[str]:
    """An issuing body: an ORG organisation with its names, codes, level, system, parent and province."""
    node = f"<{ID}body/{body.local}>"
    info = body.info
    out = [f"{node} {_TYPE} {_BODY_CLASS} .\n",
           f"{node} {_LABEL} {_value(body.label)} .\n",
           f"{node} {_PREF_LABEL} {_vi(body.label)} .\n"]
    if info.short:
        short = f"{info.short} {body.province}" if body.province else info.short
        out.append(f"{node} {_ALTERNATE_NAME} {_value(short)} .\n")
    if not body.province:
        out += [f"{node} {_ALT_LABEL} {_vi(alias)} .\n" for alias in info.aliases]
    out += [f"{node} {_ISSUER_CODE} {_value(code)} .\n" for code in info.codes]
    out += (f"{node} {_LEVEL} {_value(info.level)} .\n", f"{node} {_SYSTEM} {_value(info.system)} .\n")
    if body.parent:
        out.append(f"{node} {_SUB_ORGANIZATION_OF} <{ID}body/{body.parent}> .\n")
    if body.province:
        out += _province_lines(node, body.province)
    return out


def run_nt_lines(digest: str, articles: int, documents: int) -> list[str]:
    """The build run (a PROV activity) and the dataset it generated; no timestamps, so output is reproducible."""
    run, dataset = f"<{ID}run/{digest}>", f"<{ID}dataset/{digest}>"
    return [f"{run} {_TYPE} {_RUN_CLASS} .\n",
            f"{run} {_LABEL} {_value(f'graphbuild build over {articles} articles')} .\n",
            f"{dataset} {_TYPE} {_ENTITY_CLASS} .\n",
            f"{dataset} {_GENERATED_BY} {run} .\n",
            f"{dataset} {_LABEL} {_value(f'{articles} articles, {documents} documents')} .\n"]
