"""The one whole-text scan of the extractor: numbers with their symbols, capitalised type words,
capitalised 'Điều lệ', and the capital 'Q's a lower-case lead may hide ('nghị Quyết').

Everything else is looked for around what it finds.  Why one scan: each whole-text pattern
costs about a third of the bare ``re`` scan the benchmark compares with, however little it finds.
"""

from __future__ import annotations

from functools import lru_cache

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref, Word
from graphbuild.extract.symbols import (
    classify_at,
    compact_reference,
    dotted_symbol,
    slug_references,
    year_after_symbol,
)
from graphbuild.extract.typewords import canonical_word
from graphbuild.text.lexicon import lexicon

_CHARTER = "Điều lệ"


@lru_cache(maxsize=4096)
def _capital_word(word: str) -> str | None:
    """The canonical type word for a word-branch match of the scan (:data:`_CHARTER` for 'Điều lệ'),
    or None when the initial and the rest do not make a type word."""
    key = " ".join(word.split()).lower()
    if key == g.CHARTER_WORD:
        return _CHARTER
    return canonical_word(word) if key in lexicon().type_words else None


def scan(folded: str) -> tuple[list[Ref], list[Word], list[int], list[int]]:
    """The one whole-text scan: numbered references, capitalised type words, capitalised 'Điều lệ',
    and capital 'Q's that may belong to a lower-case lead ('nghị Quyết').

    Everything else is looked for around what this finds (see :func:`grammar.candidates`).
    """
    numbered: list[Ref] = []
    caps: list[Word] = []
    charters: list[int] = []
    qs: list[int] = []
    n = len(folded)
    finditer = g.candidates().finditer
    it = finditer(folded)
    while (m := next(it, None)) is not None:
        group = m.lastgroup
        if group == "q":
            qs.append(m.start())
            continue
        if group == "compact":
            ref = compact_reference(folded, m)
            if ref is not None:
                numbered.append(ref)
            continue
        if group != "word":
            ref, at = classify_at(m)
            if ref is not None:
                follows = folded[ref.end:ref.end + 1]
                if follows == "." and ref.end == m.end():
                    dotted_symbol(folded, ref)
                elif follows == "-":
                    year_after_symbol(folded, ref)
                numbered.append(ref)
            # The last code of the symbol may open a capitalised word ('2019-Kế hoạch 5', '5/Điều lệ
            # Đảng'): scan on from it.  (No number can start inside a symbol: its digits follow letters.
            # A word inside it that a separator follows, like the NQ of '36-NQ/TW', can open nothing.)
            if at is not None:
                it = finditer(folded, at)
            continue
        a, b = m.span()
        word = _capital_word(m.group(0))
        if word is None:  # the rest of another initial's word: this initial's own, if any
            own = g.type_word_capital().match(folded, a)
            it = finditer(folded, a + 1 if own is None else own.end())
            if own is None:
                continue
            b = own.end()
            word = canonical_word(own.group(0))
        elif word == _CHARTER:
            charters.append(a)
            continue
        if b < n and folded[b].isalnum():
            continue
        caps.append((a, b, word))
    slugs = slug_references(folded)
    if slugs:
        numbered = sorted(numbered + slugs, key=lambda r: r.start)
    return numbered, caps, charters, qs
