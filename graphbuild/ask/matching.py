"""Which documents of the graph a reader's reference names, and the nearest ones when it names none.

The parts of X (:mod:`graphbuild.ask.reference`) are compared with each document's number,
type code, issuer code and year, folded (no diacritics, case-insensitive, leading zeros
ignored), since a graph built from news holds many spellings of one number; a citeKey,
label, eli:number or IRI also matches.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from graphbuild.ask.documents import Document, Graph
from graphbuild.ask.reference import REFERENCE_PARSES, Query, parse_reference
from graphbuild.text.fold import fold_code, fold_words


@dataclass
class Match:
    """What X names in the graph: the documents (several when a number is reused) or suggestions."""

    query: Query
    documents: list[Document]
    suggestions: list[Document] = field(default_factory=list)


def find_documents(graph: Graph | str | os.PathLike[str] | None, x: str, references_only: bool = False) -> Match:
    """The documents X names (newest first), or none plus the nearest known documents as suggestions.

    ``references_only``: only what X names as a reference (an IRI or a number in any spelling, a named
    document), with no look through every document for X spelled out and no suggestions (the web search,
    which finds words through its own index: both passes cost seconds at 100k documents)."""
    g = graph if isinstance(graph, Graph) else Graph(graph)
    q = parse_reference(x)
    found: list[Document] = []
    if q.iri is not None:
        d = g.document(q.iri)
        found = [d] if d is not None else []
    elif q.how in REFERENCE_PARSES:
        found = [d for d in g.candidates(q) if _matches(d, q)]
    if references_only:
        return Match(q, sorted(found, key=_newest_first))
    docs = g.documents if not found else {}
    if not found and q.iri is None:
        found = _spelled_as(docs.values(), x)
    found.sort(key=_newest_first)
    return Match(q, found, [] if found else suggest(docs.values(), q, x))


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold_code(a) == fold_code(b)


def _matches(d: Document, q: Query) -> bool:
    if q.kind == "named" or q.plenum or q.congress or q.charter:
        if q.charter:
            return d.id == "doc/charter"
        if q.plenum:
            return d.plenum == q.plenum and (q.term is None or _same(d.term, q.term))
        if q.congress:
            return _same(d.congress, q.congress)
        return False
    if q.number is None or d.num != q.number or d.plenum or d.congress:
        return False
    if q.type_code and not _same(d.type_code, q.type_code):
        return False
    if q.issuer_code and not _same(d.issuer_code, q.issuer_code):
        return False
    if q.year and d.year and d.year != q.year:
        return False
    return not (q.term and d.term and not _same(d.term, q.term))


def _spelled_as(docs: Iterable[Document], x: str) -> list[Document]:
    """Documents X spells out, folded: a citeKey, eli:number or local id, or (6+ letters) part of the label."""
    fx, tx = fold_code(x), fold_words(x)
    return [d for d in docs
            if (any(fold_code(k) == fx or fold_code(k.split(":", 1)[-1]) == fx for k in d.cite_keys)
                or (d.number and fold_code(d.number) == fx) or fold_code(d.id) == fx
                or fold_code(d.id.split("/")[-1]) == fx
                or (len(tx) >= 6 and tx in fold_words(d.label)))]


def _newest_first(d: Document) -> tuple[bool, int, str]:
    return (d.kind == "citekey", -(d.year or 0), d.id)


def suggest(docs: Iterable[Document], q: Query, x: str, limit: int = 5) -> list[Document]:
    """The nearest known documents to a reference that matched none.

    Same number with other codes first, then the same codes with a near number, then the
    closest labels and numbers by string similarity.
    """
    scored: dict[str, tuple[float, Document]] = {}
    fx = fold_code(x)
    for d in docs:
        score = max(_closeness(d, q), _similarity(d, fx))
        if score > scored.get(d.iri, (0.0, d))[0]:
            scored[d.iri] = (score, d)
    ranked = sorted(scored.values(), key=lambda t: (-t[0], -(t[1].year or 0), t[1].id))
    return [d for _, d in ranked[:limit]]


def _closeness(d: Document, q: Query) -> float:
    """How near d is to q's parts: same number (3+), same codes with a number at most 20 away (2+), same plenum."""
    scores = [0.0]
    if q.number is not None and d.num == q.number:
        scores.append(3.0 + (_same(d.type_code, q.type_code) + _same(d.issuer_code, q.issuer_code)) * 0.3)
    if (q.number is not None and d.num is not None and q.type_code and _same(d.type_code, q.type_code)
            and (not q.issuer_code or _same(d.issuer_code, q.issuer_code))):
        gap = abs(d.num - q.number)
        if 0 < gap <= 20:
            scores.append(2.0 + (20 - gap) / 40)
    if q.plenum and d.plenum:
        scores.append(2.5 if d.plenum == q.plenum else 1.5 if _same(d.term, q.term) else 0.0)
    if q.congress and d.congress:  # the congresses nearest in number first
        gap = abs(_roman_value(d.congress) - _roman_value(q.congress))
        scores.append(2.0 + 1.0 / (1 + gap))
    elif (q.congress or q.plenum) and d.kind == "named":
        scores.append(1.0 + 0.5 * _same(d.term, q.term or q.congress))  # another named document, its term first
    return max(scores)


def _roman_value(s: str) -> int:
    """XIII → 13 (0 for anything that is not a Roman numeral)."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    digits = [values.get(c, 0) for c in s.upper()]
    if not digits or 0 in digits:
        return 0
    return sum(-v if i + 1 < len(digits) and v < digits[i + 1] else v for i, v in enumerate(digits))


def _similarity(d: Document, fx: str) -> float:
    """The string similarity of folded X to d's number, label or citeKeys; 0 below 0.6."""
    spellings = [fold_code(d.number or ""), fold_code(d.label), *(fold_code(k.split(":", 1)[-1]) for k in d.cite_keys)]
    # real_quick_ratio() (from the two lengths) bounds ratio() from above: a spelling that cannot
    # reach 0.6 is never compared, so a long X costs no more than a short one.
    # quick_ratio() (from the letters shared) bounds it too, at a fraction of ratio()'s cost.
    matchers = (difflib.SequenceMatcher(None, fx, c) for c in spellings if c)
    ratio = max((m.ratio() for m in matchers if m.real_quick_ratio() >= 0.6 and m.quick_ratio() >= 0.6),
                default=0.0)
    return ratio if ratio >= 0.6 else 0.0
