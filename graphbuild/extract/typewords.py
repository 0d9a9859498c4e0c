"""Type words ('Nghị quyết', 'Quy định', 'NQ'): their canonical spelling, and the one that leads
up to a number ('Quyết định của UBND tỉnh số 12/QĐ-UBND'), found by matching backwards.
"""

from __future__ import annotations

from functools import lru_cache

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref
from graphbuild.text.fold import strip_marks
from graphbuild.text.lexicon import lexicon


@lru_cache(maxsize=4096)
def canonical_word(word: str) -> str:
    """The canonical spelling of a type word as written ('nghi quyet', 'NQ' -> 'Nghị quyết')."""
    lex = lexicon()
    key = " ".join(word.split()).lower()
    return lex.type_words.get(key) or lex.type_words.get(strip_marks(key), word)


WORD_REACH = 70  # a type word more than this before a number is not its type word
_WORD_MARGIN = 32  # room for the whole of a (multi-word) type word that starts within reach


def type_word_before(folded: str, ref: Ref) -> None:
    """Attach the type word written before a number ('Quy định số 205-QĐ/TW'): the nearest one."""
    found = find_type_word(folded, ref.start)
    if found is not None:
        ref.start, ref.doc_type = found
        if ref.type_code is None and ref.issuer_code:
            _repair_doubled_code(ref)


def _repair_doubled_code(ref: Ref) -> None:
    """'Nghị quyết số 10/NQQ-CP': a type code typed with a letter doubled, that the type word written
    before it confirms, is that code (a reader sees Nghị quyết 10/NQ-CP); anything else stays as written."""
    first, _, rest = (ref.issuer_code or "").partition("-")
    if not rest or len(first) < 3:
        return
    lex = lexicon()
    for i in range(1, len(first)):
        if first[i] != first[i - 1]:
            continue
        code = lex.type_code(first[:i] + first[i + 1:])
        if code and ref.doc_type in (lex.codes[code].state, lex.codes[code].party):
            ref.type_code, ref.issuer_code = code, rest
            ref.needs_word = False
            return


def find_type_word(folded: str, pos: int) -> tuple[int, str] | None:
    """(start, canonical word) of the type word that leads to a number at ``pos``, if any.

    The nearest type word is found by matching the type words spelt backwards on the window before
    the number, read backwards: the search stops at the first hit, usually a few characters
    back, instead of scanning the whole window (or the whole text) for type words forwards.
    Lower case counts here ('theo quyết định số ...').
    """
    lo = max(0, pos - WORD_REACH - _WORD_MARGIN)
    window = folded[lo:pos]
    rev = window[::-1].lower()
    n = len(folded)
    last = -1
    if len(rev) == len(window):
        search = g.type_word_reversed().search
        m = search(rev)
        while m is not None:
            a, b = pos - m.end(), pos - m.start()
            if not ((a and folded[a - 1].isalnum()) or (b < n and folded[b].isalnum())):
                last = a
                break
            m = search(rev, m.end())
    else:  # lower-casing changed the length (rare letters): the slower case-insensitive scan
        for m in g.type_word_pattern().finditer(folded, lo, pos):
            if not (m.end() < n and folded[m.end()].isalnum()):
                last = m.start()
    if last < 0 or last < pos - WORD_REACH:
        return None
    word = _word_leading_to_number(folded[last:pos])
    return None if word is None else (last, word)


@lru_cache(maxsize=8192)
def _word_leading_to_number(segment: str) -> str | None:
    """The canonical type word when ``segment`` (from a type word up to a number) is that word, a few
    words and 'số', or the word and 'số:' ('Nghị quyết số ', 'Quyết định của UBND tỉnh số '); else None.

    Memoised: the segments repeat across a corpus ('Nghị quyết số ', 'Chỉ thị ').  The segment
    starts where a word starts (the caller checked), which the pattern's look-behind cannot see.
    """
    m = g.type_word_at_end().match(segment)
    return canonical_word(m.group("word")) if m else None
