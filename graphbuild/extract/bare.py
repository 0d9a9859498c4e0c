"""Bare references: a capitalised type word and a number with no code ('Chỉ thị 35', 'Nghị định
108/2014'), and the numbers listed after it ('Quyết định số 217, số 218'); not a quantity ('Kế hoạch 5 năm').
"""

from __future__ import annotations

import re
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


def bare_references(folded: str, original: str, taken: list[tuple[int, int]], caps: list[Word],
                    numbered: list[Ref]) -> list[Ref]:
    """Type word + number references that carry no code, and the numbers listed after them.

    ``numbered`` (the coded references, with their type words) vouches for a number that looks like
    a year: 'Quyết định 1901' after 'Quyết định 1901/QĐ-TTg' is that decision, not a year.
    """
    refs: list[Ref] = []
    lex = lexicon()
    # A word that opens a reference already found ('Nghị quyết số 36-NQ/TW') has that reference's
    # number after it, which is taken: skipped before matching.
    opens = {s for s, _ in taken}
    for w_start, w_end, word in caps:
        if w_start in opens or not original[w_start].isupper():
            continue  # 'theo kế hoạch 3 năm': a lower-case type word is generic
        m = g.BARE_NUMBER.match(folded, w_end)
        if not m or any(s <= m.start("num") < e for s, e in taken):
            continue
        num, year = m.group("num"), m.group("year")
        if _bad_bare_number(folded, m, num, year) and not _cited_before(num, year, word, w_start, numbered, folded, m):
            continue
        codes = lex.word_codes.get(word, {})
        refs.append(_bare_ref(w_start, m.end(), word, num, year, codes))
        pos = m.end()
        while True:  # 'Quyết định số 217, số 218': one reference per number
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


def _cited_before(num: str, year: str | None, word: str, pos: int, numbered: list[Ref], folded: str,
                  m: re.Match[str]) -> bool:
    """Whether a year-like number after a type word ('Quyết định 1901') is the number of a coded
    reference of that type earlier in the text (and is no quantity: 'Quyết định 1901 năm')."""
    if year or not _looks_like_year(num) or _is_quantity(folded, m.end()):
        return False
    codes = lexicon().word_codes.get(word, {}).values()
    return any(r.start < pos and r.number == num and (r.doc_type == word or (r.doc_type is None and r.type_code in codes))
               for r in numbered)


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
