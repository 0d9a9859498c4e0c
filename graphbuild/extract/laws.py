"""Laws named by title and date: 'Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015', 'Luật Đất đai
năm 2024', 'Bộ luật Hình sự năm 2015'.

A decree's preamble and many articles cite a law this way, with no number.  The title runs from the
capitalised type word ('Luật', 'Bộ luật', found by the scan) to the date or year written right after
it; the reference is kept only when the law table (:mod:`graphbuild.domain.laws`) knows that title
in that year, and it is then the numbered law itself (``state:76/2015/QH13``), so a name and a
number are one document.  A title the table does not know is left alone: prose after 'Luật' ('Luật
Đất đai có hiệu lực từ ngày …') cannot be told from a title without it.

A title written alone ('quy định chi tiết một số điều của Luật Thuế thu nhập doanh nghiệp', in a decree's
heading) is the law of that title the same text names in full (with its date or number): a short form
of it, decided in the text as any other.
"""

from __future__ import annotations

import re

from graphbuild.domain.laws import law_named, law_numbered
from graphbuild.extract import grammar as g
from graphbuild.extract.context import iso_date
from graphbuild.extract.ref import Ref, Word

# What may follow a title before its date: 'của Quốc hội', '(sửa đổi)', a comma.
_DATE = re.compile(
    r"(?P<gap>[ ]*(?:\((?:sửa[ ]+đổi(?:,[ ]*bổ[ ]+sung)?)\)[ ]*)?,?[ ]*(?:của[ ]+Quốc[ ]+hội[ ]*)?"
    r"(?:được[ ]+)?(?:thông[ ]+qua[ ]+|ban[ ]+hành[ ]+)?(?:vào[ ]+)?)"
    r"(?:(?:ngày|ngay)[ ]*(?:" + g.DAY_MONTH_YEAR + r")|năm[ ]+(?P<year>(?:19|20)\d\d))(?!\d)",
    re.I,
)
_END = re.compile(r"[;.:\n()“”\"]")  # a title never holds these
_REACH = 240  # characters a title (with its date) may take
_MAX_WORDS = 30
_AMENDING = re.compile(r"sửa[ ]+đổi", re.I)


def law_references(folded: str, caps: list[Word], numbered: list[Ref]) -> list[Ref]:
    """The laws named by title and date, as the numbered laws the table says they are; then the titles
    written alone of the laws the text names in full (``numbered``: the scan's numbered references)."""
    anchors = [(a, b) for a, b, word in caps if word == "Luật"]
    refs = [ref for a, b in anchors if (ref := _law_at(folded, a, b)) is not None]
    full = refs + [r for r in numbered if r.kind == "state" and r.issuer_code and r.number
                   and law_numbered(r.number, r.year, r.issuer_code)]
    if not full:
        return refs
    titles: dict[str, Ref] = {}
    for r in full:
        law = law_numbered(r.number or "", r.year, r.issuer_code)
        if law is not None:
            titles.setdefault(law.title.lower(), r)  # the first full one of a title (two years: the first)
    starts = {r.start for r in full}
    for a, _ in anchors:
        if a not in starts and (short := _title_alone(folded, a, titles)) is not None:
            refs.append(short)
    return refs


def _title_alone(folded: str, a: int, titles: dict[str, Ref]) -> Ref | None:
    """A known title written at ``a`` with no date or number, as a short form of its full reference."""
    for title, full in titles.items():
        end = a + len(title)
        if folded[a:end].lower() == title and not folded[end:end + 1].isalnum():
            return Ref(a, end, "state", doc_type=full.doc_type, number=full.number, year=full.year,
                       issuer_code=full.issuer_code, subject=full.subject, form="short")
    return None


def _law_at(folded: str, a: int, b: int) -> Ref | None:
    """The law whose title starts at the type word ``folded[a:b]``, if a known title and its date follow."""
    if folded[b:b + 1] != " ":
        return None
    stop = _END.search(folded, b, min(len(folded), b + _REACH))
    limit = stop.start() if stop else min(len(folded), b + _REACH)
    for m in _DATE.finditer(folded, b, limit):
        title = folded[a:m.start()].strip(" ,")
        if not _title_shaped(title, folded[b:m.start()]):
            return None  # the first date closes the title, known or not
        year = int(m.group("year") or m.group("y") or m.group("y2"))
        day = None if m.group("year") else _day(m)
        law = law_named(title, year, day)
        parts = law.parts if law else None
        if law is None or parts is None:
            return None
        number, _, issuer = parts
        end = a + len(title)
        ref = Ref(a, end, "state", doc_type=law.doc_type, number=number, year=year, issuer_code=issuer,
                  date=day, subject=law.title)
        ref.ctx_end = m.end()
        return ref
    return None


def _title_shaped(title: str, rest: str) -> bool:
    """A title: a capital after the type word (or an amending law's 'sửa đổi'), few words, no clause."""
    words = rest.split()
    if not words or len(words) > _MAX_WORDS:
        return False
    if _AMENDING.match(rest.lstrip()):
        return True
    first = words[0]
    if not first[:1].isupper():
        return False
    # a comma opens another item when a capital follows it ('Luật Đất đai, Luật Nhà ở'); inside a
    # title it joins lower-case words ('Luật Phòng, chống tham nhũng')
    return not any(after.lstrip()[:1].isupper() for after in rest.split(",")[1:])


def _day(m: re.Match[str]) -> str | None:
    d, mo, y = m.group("d") or m.group("d2"), m.group("m") or m.group("m2"), m.group("y") or m.group("y2")
    return iso_date(d, mo, y) if d and mo and y else None
