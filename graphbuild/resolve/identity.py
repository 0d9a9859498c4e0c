"""Corpus-level identity: which document a mention that lacks part of its key joins, once every article is read.

A Party document is (type code, issuer code, [province], committee term, number) (reference A.5,
D.1).  A mention that gives all of it is resolved where it is read (``stated``); one that lacks a
part ("Chỉ thị 05 của Bộ Chính trị", "Quy định số 69", an undated "45-CT/TW", a provincial number
with no province) is *pending*: the resolver keeps a :class:`Query` of everything the mention and
its article say, and after the read :func:`decide` compares it with the documents of the graph
(:class:`Candidate`, read once from the merged records) and the catalogue.  Exactly one compatible
document: the mention joins it (``corpus`` or ``catalogue``; ``near-miss`` when its written code is
a known variant of the document's).  Several: a citation key with them as candidates.  None: the
mention's own node, as before.

Everything here is a pure function of the query, the candidates and the catalogue, so the answer
does not depend on the order articles were read in, how they were split among processes, or
whether a build is incremental.  Memory: one small query per pending mention (few: most mentions
carry their whole key) and one candidate per document that shares a number with one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from graphbuild.resolve.catalogue import Catalogue, CatalogueEntry, local_term_of, term_of
from graphbuild.resolve.records import DocRecord
from graphbuild.text.fold import fold_words

# How a link was decided (gb:resolvedBy), most trusted first.
STATED, SAME_ARTICLE, CATALOGUE, NEAR_MISS, CORPUS = "stated", "same-article", "catalogue", "near-miss", "corpus"
RESOLVED_BY = (STATED, SAME_ARTICLE, CATALOGUE, NEAR_MISS, CORPUS)

# Written codes that are known variants of a real one (reference A.3.1, A.4, B.5): the type code a
# text writes for the one the document carries, and the issuer code.
TYPE_VARIANTS: dict[str, tuple[str, ...]] = {"QĐ": ("QĐi",), "QĐi": ("QĐ",), "NQQ": ("NĐ",)}
ISSUER_VARIANTS: dict[str, tuple[str, ...]] = {"TƯ": ("TW",), "T.Ư": ("TW",)}
# The type codes a type word may stand for in a Party number ("Quy định" is QĐ or QĐi).
WORD_CODES: dict[str, tuple[str, ...]] = {"Quy định": ("QĐ", "QĐi"), "Quyết định": ("QĐ",)}

# Words that say nothing about a subject; the rest are compared as pairs of neighbouring syllables.
_STOP = frozenset(fold_words(w) for w in (
    "về", "của", "và", "các", "việc", "trong", "đối", "với", "một", "số", "vấn", "đề", "tiếp", "tục", "năm",
    "đến", "cho", "tình", "hình", "mới", "những", "nhằm", "thực", "hiện", "tăng", "cường", "đẩy", "mạnh"))


@dataclass(frozen=True, slots=True)
class Query:
    """What a pending mention and its article say about the document meant (None: not said)."""

    kind: str  # party | state | bare | named
    number: str | None
    codes: tuple[str, ...]  # type codes the mention allows (empty: any)
    written: str | None  # the type code as written, when a code was written
    issuer_code: str | None  # as written (TW, TU, ...)
    series: str | None  # body whose number series the named issuer belongs to (ban-chap-hanh-trung-uong, tinh-uy)
    province: str | None  # the article's
    term: str | None  # stated (khóa) or implied (the list's head)
    date: str | None  # the mention's own date
    before: str | None  # the article's date: nothing issued after it is a candidate
    subject: str | None
    symbol: str | None = None  # a state number's symbol slug
    plenum: int | None = None
    # dates of the catalogue's documents of this number whose subject the mention's sentence speaks of
    # ('… sinh hoạt chi bộ theo tinh thần Chỉ thị 10-CT/TW'): they break a tie between several compatible ones
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A document of the graph, as much of it as deciding needs."""

    local: str
    kind: str
    number: str | None
    type_code: str | None
    issuer_code: str | None
    province: str | None
    term: str | None
    date: str | None
    year: int | None
    catalogued: bool
    subject: str | None
    symbol: str | None = None
    plenum: tuple[str, int] | None = None


@lru_cache(maxsize=1 << 14)
def subject_words(text: str | None) -> frozenset[str]:
    """Pairs of neighbouring content syllables of a subject, folded: what two wordings of one subject share.
    Memoised: the catalogue's subjects are compared again and again (bounded: sentences pass through too)."""
    if not text:
        return frozenset()
    words = [w for w in re.findall(r"\w+", fold_words(text)) if w not in _STOP and not w.isdigit()]
    return frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))


def subjects_agree(a: str | None, b: str | None) -> bool | None:
    """True when two subjects share a pair of syllables, False when both are given and share none, else None."""
    wa, wb = subject_words(a), subject_words(b)
    if not wa or not wb:
        return None
    return bool(wa & wb)


# Shared syllable pairs that make a sentence speak of a catalogued document's subject
TOPIC_PAIRS = 2


def topical_dates(sentence: str | None, entries: Iterable[CatalogueEntry]) -> tuple[str, ...]:
    """The dates of ``entries`` whose subject shares at least :data:`TOPIC_PAIRS` syllable pairs with ``sentence``
    (the words around a mention that gives no subject of its own)."""
    words = subject_words(sentence)
    if not words:
        return ()
    return tuple(sorted({e.date for e in entries
                         if e.date and len(subject_words(e.subject) & words) >= TOPIC_PAIRS}))


def _issued(cand: Candidate) -> str | None:
    """The day (or year) a document was issued, comparable with an ISO date by its prefix."""
    return cand.date or (str(cand.year) if cand.year else None)


def _not_after(issued: str | None, before: str | None) -> bool:
    """A document is never cited before it exists: compare as far as both are known."""
    if not issued or not before:
        return True
    n = min(len(issued), len(before))
    return issued[:n] <= before[:n]


def code_match(q: Query, type_code: str | None, issuer_code: str | None) -> str | None:
    """'exact' when the codes are the mention's, 'variant' when a written code is a known variant, else None."""
    if q.issuer_code and issuer_code != q.issuer_code:
        if issuer_code not in ISSUER_VARIANTS.get(q.issuer_code, ()):
            return None
        variant = True
    else:
        variant = False
    if q.codes and type_code not in q.codes:
        if not q.written or type_code not in TYPE_VARIANTS.get(q.written, ()):
            return None
        variant = True
    return "variant" if variant else "exact"


def compatible(q: Query, c: Candidate, cat: Catalogue) -> str | None:
    """How ``c`` fits everything ``q`` says: 'exact', 'variant' (a near-miss code that the date or subject
    confirms), or None."""
    if q.kind == "named":
        return "exact" if (c.kind == "named" and c.plenum is not None and c.plenum[1] == q.plenum
                           and (q.term is None or c.plenum[0] == q.term) and _not_after(_issued(c), q.before)) \
            else None
    if c.number != q.number:
        return None
    if q.kind == "state":
        if q.written is not None and q.issuer_code is None:  # 'Thông tư 36/2017': any issuer's, of that year
            ok = c.kind == "state" and (c.symbol or "").startswith((q.symbol or "") + "-") and \
                str(c.year) == (q.date or "")[:4] and (q.province is None or c.province == q.province)
        else:
            ok = c.kind == "state" and c.symbol == q.symbol and (q.province is None or c.province == q.province)
        return "exact" if ok and _issued_before(q, c) else None
    # the cheap, selective checks first: most candidates of a number are of another type or series
    if c.kind != "party":
        return None
    how = code_match(q, c.type_code, c.issuer_code)
    if how is None or (c.province is not None and q.province is not None and c.province != q.province):
        return None
    if q.term and c.term and q.term != c.term:
        return None
    if q.date and c.term is not None and term_of(q.date) != c.term:
        return None
    if q.date and c.term is None and c.year is not None and str(c.year) != q.date[:4]:
        return None
    if not _series_fits(q, c, cat) or not _issued_before(q, c):
        return None
    agree = subjects_agree(q.subject, c.subject)
    if agree is False:
        return None
    if how == "variant" and not (agree or (q.date and q.date == c.date)):
        return None
    return how


def _same_local_term(before: str | None, issued: str | None) -> bool:
    """A provincial Party document of the graph, issued on ``issued``, that an undated mention in an article of
    ``before`` may be: issued in the local term the article is certainly in (numbers restart each term, A.5)."""
    term = local_term_of(before)
    return term is not None and term == local_term_of(issued)


def _issued_before(q: Query, c: Candidate) -> bool:
    """Issued no later than the citing article; and a provincial (or state) document of the graph, whose series
    restarts every term (year) and is seldom catalogued, answers an undated number only when it is of the
    local term the citing article is certainly in."""
    if not _not_after(_issued(c), q.before):
        return False
    if c.catalogued or c.province is None or (q.date and c.year and str(c.year) == q.date[:4]):
        return True
    return c.kind == "party" and not q.date and _same_local_term(q.before, c.date)


def _series_fits(q: Query, c: Candidate, cat: Catalogue) -> bool:
    """The issuing body the text names may number the document (Bộ Chính trị under TW, Tỉnh ủy under TU)."""
    if not q.series:
        return True
    owner = cat.body_for_code(c.issuer_code)
    return owner is not None and (cat.is_within(q.series, owner) or cat.is_within(owner, q.series))


def entry_candidate(local: str, e: CatalogueEntry) -> Candidate:
    """A catalogue entry as a candidate (its document node's local is given by the resolver)."""
    k = e.key
    return Candidate(local, "party", k.number, k.type_code, k.issuer_code, e.province, e.term, e.date,
                     int(e.date[:4]) if e.date else None, True, e.subject)


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer for one query: the documents it may be (one: joined), and how the link was decided."""

    documents: tuple[str, ...]
    how: str | None  # one of RESOLVED_BY when exactly one document, else None


def decide(q: Query, graph: Iterable[Candidate], catalogue: Iterable[Candidate], cat: Catalogue) -> Decision:
    """The documents of the graph or the catalogue compatible with ``q``, and how a single one was found."""
    found: dict[str, tuple[str, bool]] = {}
    dated: set[str] = set()  # the compatible documents whose date is the mention's own
    topical: set[str] = set()  # the compatible catalogued documents whose subject the sentence speaks of
    subjects: dict[str, str] = {}  # the compatible documents' subjects
    for c in (*graph, *catalogue):
        how = compatible(q, c, cat)
        if how is None:
            continue
        held = found.get(c.local)
        catalogued = c.catalogued or (held is not None and held[1])
        # one document may come both from the graph and the catalogue: an exact code wins
        found[c.local] = ("exact" if how == "exact" or (held and held[0] == "exact") else "variant", catalogued)
        if q.date and len(q.date) == 10 and c.date == q.date:
            dated.add(c.local)
        if c.catalogued and c.date in q.topics:
            topical.add(c.local)
        if c.subject:
            subjects[c.local] = c.subject
    if len(found) > 1 and len(dated) == 1:  # several fit; the one of the very date the mention gives is meant
        found = {local: v for local, v in found.items() if local in dated}
    if len(found) > 1 and len(topical) == 1:  # several fit; the sentence speaks of the subject of one
        found = {local: v for local, v in found.items() if local in topical}
    if len(found) > 1 and q.subject:  # several share words with the subject given; one shares far more
        found = _closest_subject(q.subject, found, subjects)
    if len(found) != 1:
        return Decision(tuple(sorted(found)), None)
    (local, (how, catalogued)), = found.items()
    if how == "variant":
        return Decision((local,), NEAR_MISS)
    return Decision((local,), CATALOGUE if catalogued else CORPUS)


def _closest_subject(subject: str, found: dict[str, tuple[str, bool]],
                     subjects: dict[str, str]) -> dict[str, tuple[str, bool]]:
    """The one of several compatible documents whose subject shares at least twice as many word pairs with
    the subject a mention gives as any other, and two more ('Nghị quyết 18 … quản lý và sử dụng đất' is the
    2022 resolution on land, though the 2017 one on the apparatus also shares 'hiệu lực, hiệu quả'); else
    all of them."""
    words = subject_words(subject)
    scored = sorted(((len(words & subject_words(subjects.get(local))), local) for local in found), reverse=True)
    (best, local), (second, _) = scored[0], scored[1]
    if best >= 2 * second and best - second >= 2:
        return {local: found[local]}
    return found


def weaker(a: str | None, b: str | None) -> str | None:
    """The less trusted of two ways (a short form inherits its head's way when that is weaker than same-article)."""
    if a is None or b is None:
        return None
    return a if RESOLVED_BY.index(a) >= RESOLVED_BY.index(b) else b


_NUMBER = re.compile(r"[^-/]+")


def graph_candidates(records: Iterable[DocRecord], wanted: tuple[set, set[int]]) -> Iterator[Candidate]:
    """The documents among ``records`` a pending mention may be (:meth:`graphbuild.resolve.resolver.Resolver.wanted`), as candidates.

    Every record of the graph passes here, and few are wanted: a record's number and series are
    looked at first, and only a wanted one is made a candidate (its date is a pass over its dates).
    """
    keys, plenums = wanted
    for rec in records:
        if rec.is_citekey:
            continue
        if rec.kind == "named":
            c = candidate_of(rec) if rec.plenum and rec.plenum[1] in plenums else None
            if c is not None:
                yield c
            continue
        number, symbol = _number_and_symbol(rec)
        if (rec.kind, number, symbol if rec.kind == "state" else rec.type_code) in keys or \
                (rec.kind, number, None) in keys:
            yield _numbered_candidate(rec, number, symbol)


def candidate_of(rec: DocRecord) -> Candidate | None:
    """A document record as a candidate (None for a citation key)."""
    if rec.is_citekey:
        return None
    if rec.kind == "named":
        return Candidate(rec.local, "named", None, None, None, None, rec.term, rec.date, rec.year, rec.catalogued,
                         rec.subject, plenum=rec.plenum) if rec.plenum else None
    return _numbered_candidate(rec, *_number_and_symbol(rec))


def _number_and_symbol(rec: DocRecord) -> tuple[str | None, str]:
    """A numbered record's number (its digits and suffix, before any code) and series symbol (from its local name)."""
    found = _NUMBER.match(rec.number or "")
    return (found.group(0) if found else None), rec.local.split("/", 1)[1].split("_", 1)[0]


def _numbered_candidate(rec: DocRecord, number: str | None, symbol: str) -> Candidate:
    return Candidate(rec.local, rec.kind, number, rec.type_code, rec.issuer_code, rec.province, rec.term, rec.date,
                     rec.year, rec.catalogued, rec.subject, symbol=symbol)


def graph_side(q: Query, by_number: dict[object, list[Candidate]], sides: dict[tuple, list[Candidate]]
                ) -> list[Candidate]:
    """The graph's documents of ``q``'s number (or plenum) of its kind and of a type it allows: those
    :func:`~graphbuild.resolve.identity.compatible` does not turn down at its first look (a bare number meets
    every type's documents of that number), kept per (kind, number, types) in ``sides``."""
    if q.kind == "named":
        return by_number.get(q.plenum, [])
    key = (q.kind, q.number, q.codes, q.written)
    found = sides.get(key)
    if found is None:
        if q.kind == "state":
            found = [c for c in by_number.get(q.number, ()) if c.kind == "state"]
        else:  # a Party number, or a bare one (of the Party's series)
            variants = TYPE_VARIANTS.get(q.written or "", ())
            found = [c for c in by_number.get(q.number, ()) if c.kind == "party" and (
                not q.codes or c.type_code in q.codes or c.type_code in variants)]
        sides[key] = found
    return found
