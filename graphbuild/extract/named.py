"""Named references: plenum and congress resolutions ('Nghị quyết Trung ương 4 khóa XII', 'Nghị
quyết Đại hội XIII'), the Party Charter ('Điều lệ Đảng'), and the central terms ('khóa XII') they belong to.

They are anchored on the type word 'Nghị quyết' (capitalised ones from the scan, lower-case ones
from the one-letter scans for their 'q') and on every 'Điều lệ'.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

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
    for tok in re.split(r"[ ]*(?:,|và|-)[ ]*", m.group("terms") or m.group("terms2") or m.group("terms3")):
        n = term_number(tok.rsplit(" ", 1)[-1])  # 'khóa XII' -> 'XII'
        if n and n <= lex.max_central_term:
            terms.append(ARABIC_TO_ROMAN[n])
    return terms, m.end() if terms else pos


def _plenum_number(m: re.Match[str], suffix: str = "") -> int | None:
    """The plenum number of a match of :func:`grammar.plenum_body` or :func:`grammar.plenum_list_next`:
    a figure, a Roman figure, or a spelled number ('bảy', 'mười một')."""
    lex = lexicon()
    groups = m.groupdict()
    raw = next((groups.get(k + s) for k in ("num", "rom", "word", "ord") for s in (suffix, "2")
                if groups.get(k + s)), None)
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return int(raw)
    key = " ".join(raw.lower().split())
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
    a blank, then 'Hội nghị', 'lần thứ', a name of the Central Committee (B…, T…) or 'Đại hội'.  (The word
    stands as a word, so what follows it directly is no letter; the patterns allow only blanks.)
    Most leads are the 'NQ' of a number ('36-NQ/TW') or 'Nghị quyết số …', and fail here."""
    if folded[end:end + 1] != " ":
        return False
    head = folded[end:end + 8]
    c = head.lstrip(" ")[:1]
    return c in _LEAD_NEXT if c else len(head) == 8


_LEAD_NEXT = frozenset("HhBbTtĐđLl")


def named_references(folded: str, caps: list[Word], charters: list[int], qs: list[int]) -> list[Ref]:
    """Plenum and congress resolutions (anchored on the type word 'Nghị quyết', on 'Văn kiện', and on a
    'Hội nghị' that a verb makes the resolutions' name), and the Charter (at ``charters``, the
    capitalised 'Điều lệ' of the scan, and at every lower-case one)."""
    refs: list[Ref] = []
    starts = leads(folded, caps, qs)
    plenum_pat = g.plenum_pattern()
    for m in filter(None, (plenum_pat.match(folded, st) for st in starts)):
        refs += _plenums(folded, m)
    body = g.plenum_body()
    for st in _plenums_by_verb(folded):
        hit = body.match(folded, st)
        if hit is not None and not (hit.group("ord2") and hit.group("central") is None):  # the committee is named
            refs += _plenums(folded, hit)
    congress_starts = sorted(starts + _find_all(folded, g.CONGRESS_DOCUMENTS_NEEDLES))
    for m in filter(None, (g.CONGRESS.match(folded, st) for st in congress_starts)):
        n = term_number(m.group("congress"))
        if not n or n > lexicon().max_central_term or _is_local(folded, m.end()):
            continue
        doc_type = "Văn kiện" if m.group("lead")[0] in "Vv" else "Nghị quyết"
        refs.append(Ref(m.start(), m.end(), "named", doc_type=doc_type, congress=ARABIC_TO_ROMAN[n]))
    starts = sorted(charters + _find_all(folded, g.CHARTER_NEEDLES))
    for m in filter(None, (g.CHARTER.match(folded, st) for st in starts)):
        raw = m.group("congress") or m.group("congress2")
        congress = _roman(raw) if raw else None
        refs.append(Ref(m.start(), m.end(), "named", doc_type="Điều lệ", congress=congress))
    return refs


def _plenums(folded: str, m: re.Match[str]) -> list[Ref]:
    """The plenum resolutions a plenum phrase names: one per plenum of a list ('Trung ương 4, 5, 6',
    'Trung ương 7 và Trung ương 8') and per term; a term after a part of the list is that part's
    ('Trung ương 4 (khóa XI) và Trung ương 4 (khóa XII)').  All share the phrase's span."""
    if "ord2" in m.groupdict() and m.group("ord2") and m.group("hn") is None and m.group("central") is None:
        return []  # 'Nghị quyết lần thứ 7' names no committee
    first = _plenum_number(m)
    if not first or first > _MAX_PLENUM:
        return []
    groups: list[tuple[list[int], list[str]]] = []
    pending, after = [first], m.end()
    list_next = g.plenum_list_next()
    while True:
        if _is_local(folded, after):  # 'Nghị quyết Hội nghị lần thứ 5 Ban Chấp hành Đảng bộ tỉnh'
            return []
        terms, end = terms_after(folded, after)
        if terms:
            groups.append((pending, terms))
            pending, after = [], end
        nxt = list_next.match(folded, after)
        if nxt is None or not _list_item_ok(folded, nxt, bool(terms or not pending)):
            break
        number = _plenum_number(nxt)
        if not number or number > _MAX_PLENUM:
            break
        pending.append(number)
        after = nxt.end()
    if pending:
        groups.append((pending, []))
    return [Ref(m.start(), after, "named", doc_type="Nghị quyết", plenum=p, term=term)
            for plenums, terms in groups for p in plenums for term in terms or [None]]


_MAX_PLENUM = 30


def _list_item_ok(folded: str, nxt: re.Match[str], needs_committee: bool) -> bool:
    """Whether a list item is a plenum: a spelled or Roman number, or one after a term, needs the
    committee or 'lần thứ' written again; a figure counting something ('4, 5 năm qua') is none."""
    if nxt.group("again") is None and (needs_committee or nxt.group("num") is None):
        return False
    return nxt.group("num") is None or not _counts_something(folded, nxt.end())


def _counts_something(folded: str, pos: int) -> bool:
    return _quantity().match(folded, pos) is not None


@cache
def _quantity() -> re.Pattern[str]:
    """A quantity word ('năm', 'tháng', '%') right after a number: the number counts it."""
    words = sorted(lexicon().quantity_words, key=len, reverse=True)
    return re.compile("[ ]*(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)


# A verb that makes 'Hội nghị Trung ương 6' the name of its resolutions ('thực hiện Hội nghị Trung ương 6'),
# at the end of the text before it; without one the phrase names the meeting ('tại Hội nghị Trung ương 6').
_VERB = (r"(?:thực[ ]+hiện|triển[ ]+khai|quán[ ]+triệt|học[ ]+tập|cụ[ ]+thể[ ]+ho[áa]|cụ[ ]+thể[ ]+hóa|"
         r"thể[ ]+chế[ ]+ho[áa]|thể[ ]+chế[ ]+hóa|tinh[ ]+thần)")
_VERB_BEFORE = re.compile(
    r"(?<![\w])" + _VERB + r"(?:[ ]*(?:,|và)[ ]*" + _VERB + r")?[ ]+"
    r"(?:(?:có[ ]+hiệu[ ]+quả|nghiêm[ ]+túc|tốt|thắng[ ]+lợi|việc|các[ ]+nội[ ]+dung(?:[ ]+của)?)[ ]+)?$",
    re.I,
)
_VERB_REACH = 48
_MEETING_NEEDLES = ("Hội nghị",)


def _plenums_by_verb(folded: str) -> list[int]:
    """Where a 'Hội nghị' with no lead follows a verb that makes it the name of its resolutions."""
    found = []
    for pos in _find_all(folded, _MEETING_NEEDLES):
        if _VERB_BEFORE.search(folded, max(0, pos - _VERB_REACH), pos):
            found.append(pos)
    return found


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
