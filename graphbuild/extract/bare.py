"""Bare references: a capitalised type word and a number with no code ('Chỉ thị 35', 'Nghị định
108/2014'), and the numbers listed after it ('Quyết định số 217, số 218'); not a quantity ('Kế hoạch 5 năm').
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref, Word
from graphbuild.text.lexicon import lexicon


def _is_quantity(folded: str, pos: int) -> bool:
    """'Kế hoạch 5 năm', 'Chương trình 3 nội dung': the number counts something."""
    head = folded[pos:pos + 24]
    stripped = head.lstrip(" ")
    rest = stripped.lower()
    if not rest:
        return False
    if rest.startswith("ngày") and g.DATE_ANY.match(folded, pos + len(head) - len(stripped)):
        return False
    return _quantity_pattern().match(rest) is not None


@cache
def _quantity_pattern() -> re.Pattern[str]:
    """Any quantity word ('năm', 'nội dung', '%') standing as a word, at the start."""
    words = sorted(lexicon().quantity_words, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


class _Taken:
    """The spans of the references already found, indexed: whether an offset lies inside one is a
    binary search, not a walk over every span (which made one big text quadratic)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest end of the spans up to each one (spans may nest)
        furthest = -1
        for _, e in spans:
            furthest = max(furthest, e)
            self.reach.append(furthest)
        self.opens = set(self.starts)

    def covers(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.reach[i]


def bare_references(folded: str, original: str, taken: list[tuple[int, int]], caps: list[Word],
                    numbered: list[Ref]) -> list[Ref]:
    """Type word + number references that carry no code, and the numbers listed after them.

    A number that looks like a year is vouched for by the text: 'Quyết định 1901' is that decision,
    not a year, when the text cites 'Quyết định 1901/QĐ-TTg' anywhere, or when a date follows it.
    """
    refs: list[Ref] = []
    lex = lexicon()
    spans = _Taken(taken)
    cited: set[tuple[str, str]] | None = None  # numbers the text cites coded, made when first needed
    for w_start, w_end, word in caps:
        # A word that opens a reference already found ('Nghị quyết số 36-NQ/TW') has that reference's
        # number after it, which is taken: skipped before matching.
        if w_start in spans.opens or not original[w_start].isupper():
            continue  # 'theo kế hoạch 3 năm': a lower-case type word is generic
        m = g.BARE_NUMBER.match(folded, w_end)
        if not m or spans.covers(m.start("num")):
            continue
        num, year = m.group("num"), m.group("year")
        if _bad_bare_number(folded, m, num, year):
            if cited is None:
                cited = _by_number(numbered)
            if not _vouched(num, year, word, cited, folded, m):
                continue
        codes = lex.word_codes.get(word, {})
        refs.append(_bare_ref(w_start, m.end(), word, num, year, codes))
        refs += _listed_after(folded, m.end(), word, codes)
    return refs


def _listed_after(folded: str, pos: int, word: str, codes: dict[str, str]) -> list[Ref]:
    """'Quyết định số 217, số 218': one reference per number listed after a bare one."""
    refs = []
    while True:
        nxt = g.LIST_NEXT.match(folded, pos)
        if not nxt or not ("số" in nxt.group("sep").lower() or "và" in nxt.group("sep")):
            break
        n2, y2 = nxt.group("num"), nxt.group("year")
        if _bad_bare_number(folded, nxt, n2, y2):
            break
        ref = _bare_ref(nxt.start("num"), nxt.end(), word, n2, y2, codes)
        ref.form = "list"
        refs.append(ref)
        pos = nxt.end()
    return refs


def _by_number(numbered: list[Ref]) -> set[tuple[str, str]]:
    """(number, type word) of every coded reference with its word, (number, type code) of those without."""
    keys: set[tuple[str, str]] = set()
    for r in numbered:
        if r.number is None:
            continue
        if r.doc_type is not None:
            keys.add((r.number, r.doc_type))
        elif r.type_code is not None:
            keys.add((r.number, r.type_code))
    return keys


def _vouched(num: str, year: str | None, word: str, cited: set[tuple[str, str]], folded: str,
             m: re.Match[str]) -> bool:
    """Whether a year-like number after a type word ('Quyết định 1901') is a document's number: the
    text cites a coded reference of that type with that number, or a date follows ('Quyết định 1998
    ngày 5/11/2020'); never when it counts something ('Quyết định 1901 năm')."""
    if year or not _looks_like_year(num):
        return False
    if g.DATE_AFTER.match(folded, m.end()):
        return True
    if _is_quantity(folded, m.end()):
        return False
    codes = lexicon().word_codes.get(word, {}).values()
    return (num, word) in cited or any((num, code) in cited for code in codes)


def _looks_like_year(num: str) -> bool:
    return len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2100


def _bad_bare_number(folded: str, m: re.Match[str], num: str, year: str | None) -> bool:
    if not year and _looks_like_year(num):
        return True  # 'Kế hoạch 2021' is the plan for a year
    if num.isdigit() and int(num) == 0:
        return True
    return _is_quantity(folded, m.end())


def _bare_ref(start: int, end: int, word: str, num: str, year: str | None, codes: dict[str, str]) -> Ref:
    if year:  # 'Nghị định 108/2014': a state number with its symbol left out
        return Ref(start, end, "state", doc_type=word, number=num, year=int(year),
                   type_code=codes.get("state"), form="short")
    kind = "state" if "state" in codes and "party" not in codes else "party"
    return Ref(start, end, kind, doc_type=word, number=num, type_code=None, form="short")
