"""Clean text for matching without losing the way back to the original offsets.

The extractor matches on a *folded* copy of the text and reports offsets into the
text as it was decoded.  Every substitution here maps one character to one
character, so offsets carry over unchanged; only NFD input (decomposed diacritics)
changes length, and for it :func:`fold_for_matching` returns an offset map.
"""

from __future__ import annotations

import unicodedata

# One character for one character: offsets stay valid.
_ONE_TO_ONE = {
    "\u00d0": "\u0110",  # Ð (Icelandic Eth) written for Đ
    "\u00f0": "\u0111",  # ð for đ
    "\u0189": "\u0110",  # Ɖ (African D) for Đ
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2044": "/", "\u2215": "/", "\uff0f": "/",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u3000": " ", "\u200b": " ", "\ufeff": " ", "\t": " ",
    "_": " ",  # word-segmented text (Nghị_định) as NLP datasets ship it
    "\r": "\n",
}


def fold_for_matching(text: str) -> tuple[str, list[int] | None]:
    """The matching copy of ``text`` and, when lengths differ, a map from its offsets to the original.

    ``offsets[i]`` is the index in ``text`` of the character at ``i`` in the folded copy;
    ``offsets[len(folded)] == len(text)``.  ``None`` means the identity map.
    """
    if unicodedata.is_normalized("NFC", text):
        return _translate(text), None
    return _fold_nfd(text)


def _translate(text: str) -> str:
    """``text.translate(_TABLE)``, but only for the characters present (translate is slow on non-ASCII)."""
    for src, dst in _ONE_TO_ONE.items():
        if src in text:
            text = text.replace(src, dst)
    return text


def _fold_nfd(text: str) -> tuple[str, list[int]]:
    """NFC-compose ``text`` cluster by cluster, remembering where each cluster started."""
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        composed = _translate(unicodedata.normalize("NFC", text[i:j]))
        out.append(composed)
        offsets.extend([i] * len(composed))
        i = j
    offsets.append(n)
    return "".join(out), offsets


def to_original(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Offsets in the folded copy -> offsets in the original text."""
    if offsets is None:
        return start, end
    return offsets[start], offsets[end]
