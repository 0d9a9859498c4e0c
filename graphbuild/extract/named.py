"""Named references: plenum and congress resolutions ('Nghị quyết Trung ương 4 khóa XII', 'Nghị
quyết Đại hội XIII'), the Party Charter ('Điều lệ Đảng'), and the central terms ('khóa XII') they belong to.

They are anchored on the type word 'Nghị quyết' (capitalised ones from the scan, lower-case ones
from the one-letter scans for their 'q') and on every 'Điều lệ'.
"""

from __future__ import annotations

import itertools
import re

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref, Word
from graphbuild.text.fold import strip_marks
from graphbuild.text.lexicon import ARABIC_TO_ROMAN, lexicon, term_number


def _roman(token: str) -> str | None:
    n = term_number(token)
    return ARABIC_TO_ROMAN.get(n) if n else None


def terms_after(folded: str, pos: int) -> tuple[list[str], int]:
    """'(khóa XI, XII)' right after ``pos`` -> (['XI', 'XII'], end)."""
    m = g.TERM_LIST.match(folded, pos)
    if not m:
        return [], pos
    lex = lexicon()
    terms = []
    for tok in re.split(r"[ ]*(?:,|và|-)[ ]*", m.group("terms") or m.group("terms2")):
        n = term_number(tok.rsplit(" ", 1)[-1])  # 'khóa XII' -> 'XII'
        if n and n <= lex.max_central_term:
            terms.append(ARABIC_TO_ROMAN[n])
    return terms, m.end() if terms else pos


def _plenum_number(m: re.Match[str]) -> int | None:
    lex = lexicon()
    raw = m.group("num") or m.group("ord") or m.group("ord2")
    if raw is None:
        return None
    raw = raw.strip().lower()
    if raw.isdigit():
        return int(raw)
    key = " ".join(raw.split())
    return lex.ordinals.get(key) or lex.ordinals.get(strip_marks(key)) or term_number(raw.upper())


def _is_local(folded: str, pos: int) -> bool:
    """Whether what follows a plenum/congress phrase names a local committee (not the centre)."""
    return bool(g.LOCAL_AFTER.match(folded, pos))


def leads(folded: str, caps: list[Word], qs: list[int]) -> list[int]:
    """Where the type word 'Nghị quyết' (or 'NQ') stands as a word: capitalised ones from ``caps``,
    lower-case ones ('theo nghị quyết Trung ương 4') from the scans for their 'q' (:data:`grammar.LEAD_Q`)."""
    starts = {a for a, b, word in caps if word == "Nghị quyết" and _may_lead(folded, b)}
    n = len(folded)
    for q in itertools.chain((hit.start() for hit in g.LEAD_Q.finditer(folded)), qs):
        if folded[q - 1:q] == "n":  # 'nq', 'nQ'  ('NQ' is a capitalised type word)
            i = q - 1
        else:  # 'quyết': blanks and 'nghị' before it
            j = q
            while j and folded[j - 1] == " ":
                j -= 1
            i = j - 4
            if j == q or i < 0 or folded[i] != "n":
                continue
        m = g.LEAD_LOWER.match(folded, i)
        if m and not (i and folded[i - 1].isalnum()) and not (m.end() < n and folded[m.end()].isalnum()) \
                and _may_lead(folded, m.end()):
            starts.add(i)
    return sorted(starts)


def _may_lead(folded: str, end: int) -> bool:
    """Whether what follows a lead word ending at ``end`` can make it a plenum or congress resolution:
    a blank, then 'Hội nghị', a name of the Central Committee (B…, T…) or 'Đại hội'.  (The word
    stands as a word, so what follows it directly is no letter; the patterns allow only blanks.)
    Most leads are the 'NQ' of a number ('36-NQ/TW') or 'Nghị quyết số …', and fail here."""
    if folded[end:end + 1] != " ":
        return False
    head = folded[end:end + 8]
    c = head.lstrip(" ")[:1]
    return c in _LEAD_NEXT if c else len(head) == 8


_LEAD_NEXT = frozenset("HhBbTtĐđ")


def named_references(folded: str, caps: list[Word], charters: list[int], qs: list[int]) -> list[Ref]:
    """Plenum and congress resolutions (anchored on the type word 'Nghị quyết'), and the Charter
    (at ``charters``, the capitalised 'Điều lệ' of the scan, and at every lower-case one)."""
    refs: list[Ref] = []
    starts = leads(folded, caps, qs)
    plenum_pat = g.plenum_pattern()
    for m in filter(None, (plenum_pat.match(folded, st) for st in starts)):
        plenum = _plenum_number(m)
        if not plenum or plenum > 30:
            continue
        after = m.end()
        plenums = [plenum]
        while nxt := g.PLENUM_LIST_NEXT.match(folded, after):  # 'Nghị quyết Trung ương 4, 5, 6 khóa XII'
            plenums.append(int(nxt.group("num")))
            after = nxt.end()
        if _is_local(folded, after):
            continue
        terms, end = terms_after(folded, after)
        for p in plenums:
            for term in terms or [None]:
                refs.append(Ref(m.start(), end, "named", doc_type="Nghị quyết", plenum=p, term=term))
    for m in filter(None, (g.CONGRESS.match(folded, st) for st in starts)):
        n = term_number(m.group("congress"))
        if not n or n > lexicon().max_central_term or _is_local(folded, m.end()):
            continue
        refs.append(Ref(m.start(), m.end(), "named", doc_type="Nghị quyết", congress=ARABIC_TO_ROMAN[n]))
    starts = sorted(charters + _find_all(folded, g.CHARTER_NEEDLES))
    for m in filter(None, (g.CHARTER.match(folded, st) for st in starts)):
        raw = m.group("congress") or m.group("congress2")
        congress = _roman(raw) if raw else None
        refs.append(Ref(m.start(), m.end(), "named", doc_type="Điều lệ", congress=congress))
    return refs


def _find_all(text: str, needles: tuple[str, ...]) -> list[int]:
    """Every offset of any of ``needles`` in ``text`` (a plain substring scan, fast)."""
    found = []
    for needle in needles:
        i = text.find(needle)
        while i != -1:
            found.append(i)
            i = text.find(needle, i + 1)
    return sorted(found)


def fill_terms(folded: str, refs: list[Ref]) -> None:
    """A plenum resolution with no term takes the nearest central term stated before it."""
    lex = lexicon()
    todo = sorted((r for r in refs if r.kind == "named" and r.plenum is not None and not r.term),
                  key=lambda r: r.start)
    if not todo:
        return
    # One pass over the terms stated before the last such reference (rescanning the text from 0
    # for each reference was quadratic).  No term match can straddle a reference's start: that
    # start follows a non-word character and a term ends in a word character.
    terms = g.TERM_ANY.finditer(folded, 0, todo[-1].start)
    best = None
    m = next(terms, None)
    for ref in todo:
        while m is not None and m.end() <= ref.start:
            n = term_number(m.group("term"))
            before = folded[max(0, m.start() - 40):m.start()]
            if n and n <= lex.max_central_term and not (
                    g.LOCAL_COMMITTEE.search(before) and not re.search(r"Trung[ ]+ương|TW|T\.Ư", before, re.I)):
                best = ARABIC_TO_ROMAN[n]
            m = next(terms, None)
        ref.term = best
