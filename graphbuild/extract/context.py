"""What the text says around a reference: its date, its issuing body, the term of a central
number and its subject, after it ('... ngày 23/9/2019 của Bộ Chính trị về ...') or before it
('Ngày 30-7-2021, Bộ Chính trị đã ban hành ...').
"""

from __future__ import annotations

import re
from functools import lru_cache

from graphbuild.domain.issuers import name_issuer
from graphbuild.extract import grammar as g
from graphbuild.extract.issuers import header_issuer, issuer_after, issuer_before
from graphbuild.extract.named import terms_after
from graphbuild.extract.ref import Ref


def _iso(m: re.Match[str]) -> str | None:
    d, mo, y, d2, mo2, y2 = m.group("d", "m", "y", "d2", "m2", "y2")
    return iso_date(d or d2, mo or mo2, y or y2)


@lru_cache(maxsize=4096)
def iso_date(d: str, mo: str, y: str) -> str | None:
    """'22', '11', '2016' -> '2016-11-22'; None for an impossible day or month."""
    day, month = int(d), int(mo)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{int(y):04d}-{month:02d}-{day:02d}"


# What can start each piece of context after a reference, once blanks, commas and '(' are skipped:
# a cheap test that spares most references most of the patterns (each is still what decides).
_DATE_STARTS = frozenset("đĐbBkKvVnN")  # được, đều, ban hành, ký, vào, ngày ('cùng ngày': see context_after)
_ISSUER_STARTS = frozenset("cCdD")  # của, do
_PLENUM_STARTS = frozenset("cCtThH")  # của, tại, Hội nghị
_TERM_STARTS = frozenset("kKnN")  # khóa, nhiệm kỳ
_SUBJECT_STARTS = frozenset("v“\"")  # về, a quoted title


def _peek(folded: str, pos: int) -> str | None:
    """The first character at or after ``pos`` that is not a blank, ',' or '('; None if unsure."""
    head = folded[pos:pos + 12]
    c = head.lstrip(" \n,(")[:1]
    return c if c or len(head) < 12 else None


_CUNG = re.compile(r"[ \n,(]*c[ùu]ng\b", re.I)  # 'cùng ngày' after a reference ('của' is far more common)


_NEW_LINE_DATE = re.compile(r"[ ,(]*\n[ ]*Ngày(?!\w)")


def _opens_new_line(folded: str, pos: int, end: int) -> bool:
    """Whether the date after a reference opens a line of its own in sentence case ('Chỉ thị 35' ending a
    headline, then 'Ngày 10/7/2019, …'): the date of what the next sentence tells, not the document's.  A
    line-broken 'ngày' or an all-capitals 'NGÀY' under a heading still continues the reference."""
    return "\n" in folded[pos:end] and _NEW_LINE_DATE.match(folded, pos) is not None


def _read_date(folded: str, ref: Ref, pos: int) -> int:
    """The date written at ``pos`` (unless it opens the next line's story) into ``ref``; where it ends."""
    m = g.DATE_AFTER.match(folded, pos)
    if m and not _opens_new_line(folded, pos, m.end()) and (iso := _iso(m)):
        ref.date = iso
        ref.date_shared = m.group("all", "all2") != (None, None)
        return m.end()
    return pos


def context_after(folded: str, ref: Ref) -> None:
    """Date, issuing body, term (of a central number) and subject written right after a reference, in
    that order; ``ref.ctx_end`` is where they end."""
    pos = ref.end
    c = _peek(folded, pos)
    if c is None or c in _DATE_STARTS or (c in "cC" and _CUNG.match(folded, pos)):
        pos = _read_date(folded, ref, pos)
        c = _peek(folded, pos)
    elif c.isdigit() and ref.form == "full" and (ref.type_code or ref.issuer_code):
        m = g.DATE_FUSED.match(folded, pos)
        if m and (iso := iso_date(*m.group("d", "m", "y"))):
            ref.date, pos = iso, m.end()
            c = _peek(folded, pos)
    if c is None or c in _ISSUER_STARTS:
        found = issuer_after(folded, pos)
        if found:
            issuer, pos = found
            ref.issuer, ref.body_id = issuer.name, issuer.body_id
            if ref.date is None:
                m2 = g.DATE_AFTER.match(folded, pos)
                if m2 and (iso := _iso(m2)):
                    ref.date, pos = iso, m2.end()
            c = _peek(folded, pos)
    if ref.issuer is None and ref.kind == "party" and ref.issuer_code in (None, "TW") and (c is None or c in "cCdD"):
        m = g.CENTRE_AS_ISSUER.match(folded, pos)
        if m and not (m.group("next") or "x").strip()[0].isupper():  # 'Trung ương Đoàn' is another body
            central_committee = name_issuer("Ban Chấp hành Trung ương Đảng")
            if central_committee:
                ref.issuer, ref.body_id = central_committee.name, central_committee.body_id
            pos = m.end() - len(m.group("next") or "")
            c = _peek(folded, pos)
    central = ref.kind == "party" and ref.issuer_code == "TW"
    if central and ref.issuer is None and (c is None or c in _PLENUM_STARTS):
        m = g.plenum_as_issuer().match(folded, pos)
        if m:
            central_committee = name_issuer("Ban Chấp hành Trung ương Đảng")
            if central_committee:
                ref.issuer, ref.body_id = central_committee.name, central_committee.body_id
            pos = m.end()
            c = _peek(folded, pos)
    if central and (c is None or c in _TERM_STARTS):
        terms, tpos = terms_after(folded, pos)
        if len(terms) == 1:
            ref.term, pos = terms[0], tpos  # 'của BCH Trung ương (khóa XII)': the term the number belongs to
            c = _peek(folded, pos)
    if ref.date is None and pos > ref.end and (c is None or c in _DATE_STARTS):
        # the date after the body or plenum that issued it ('26-NQ/TW Hội nghị Trung ương 7 khóa XII ngày 19/5/2018')
        pos = _read_date(folded, ref, pos)
        c = _peek(folded, pos)
    if c is None or c in _SUBJECT_STARTS:
        m = g.SUBJECT_AFTER.match(folded, pos) or g.QUOTED_TITLE.match(folded, pos)
        if m:
            subject = m.group("subject").strip().strip("“”\"").strip()
            ref.subject = subject.rstrip(" ,") or None
            pos = m.end()
    ref.ctx_end = pos


_DATE_BEFORE = re.compile(
    r"(?:ngày|ngay)[ ]*(?:" + g.DAY_MONTH_YEAR + r")[ ]*,?[ ]*[^.;!?\n]{0,90}?"
    + g.ENACT.pattern.replace("[ ]*$", "") + r"[ ]*$",
    re.I,
)


_VERB_ENDINGS = ("ban hành", "ra", "thông qua", "ký", "xây dựng", "phát hành", "có")


# The place and date of a header after its number: 'Số: 155/KH-UBND \n Bắc Ninh, ngày 26 tháng 5 năm 2017'.
_HEADER_DATE = re.compile(r"[ |*\n]*[^\W\d_][^\n,|*]{0,40}(?:\n[^\n,|*]{1,30})?,[ ]*(?:ngày|ngay)[ ]*(?:"
                          + g.DAY_MONTH_YEAR + r")", re.I)


def context_before(folded: str, ref: Ref, floor: int) -> None:
    """`Ngày 30-7-2021, BCH Trung ương đã ban hành Quy định số 24-QĐ/TW`: date and body before; or the
    body a document's header names above its own number (and the date written beside it)."""
    if ref.issuer is None and (issuer := header_issuer(folded, ref.start, floor)):
        ref.issuer, ref.body_id = issuer.name, issuer.body_id
        m = _HEADER_DATE.match(folded, ref.ctx_end or ref.end) if ref.date is None else None
        if m and (iso := _iso(m)):
            ref.date = iso
        return
    lo = max(floor, ref.start - 220)
    # Most references follow no verb: look at the last few characters first (a verb ending is at
    # most 9 long; the whole clause is looked at when blanks fill the tail).
    tail = folded[max(lo, ref.start - 24):ref.start].rstrip(" ")
    if (len(tail) >= 10 or ref.start - 24 <= lo) and not tail.lower().endswith(_VERB_ENDINGS):
        return
    clause = folded[lo:ref.start]
    if not clause.rstrip(" ").lower().endswith(_VERB_ENDINGS):
        return  # (checked before cutting at the sentence break too: the cut clause ends the same way)
    cut = max((m.end() for m in g.SENTENCE_BREAK.finditer(clause)), default=0)
    clause = clause[cut:]
    if not clause.rstrip(" ").lower().endswith(_VERB_ENDINGS):
        return
    if ref.issuer is None:
        verb = g.ENACT.search(clause)
        if verb:  # the subject of 'X (đã) ban hành <reference>': the last body named before the verb
            issuer = issuer_before(folded, ref.start - len(clause), ref.start - len(clause) + verb.start())
            if issuer:
                ref.issuer, ref.body_id = issuer.name, issuer.body_id
    if ref.date is None:
        m = _DATE_BEFORE.search(clause)
        if m and _iso(m):
            ref.date = _iso(m)
