"""Folding Vietnamese text for comparison: the one place that says how two spellings are compared.

Every key in the project is made here: codes and numbers (``fold_code``), codes that keep Đ apart
from D (``fold_code_keep_d``), free text and labels (``fold_words``), names of bodies
(``fold_name``) and the ASCII slugs of IRIs (``slug``).  All start from ``strip_marks`` where
diacritics are dropped.  (Length-preserving clean-up for matching, with offsets kept, is
:mod:`graphbuild.text.normalize`.)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_D_TO_ASCII = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d"})
_SPACE_OR_DOT = re.compile(r"[\s.]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def strip_marks(s: str, *, compat: bool = False) -> str:
    """Vietnamese without diacritics: 'Nghị định' -> 'Nghi dinh', 'Đ' -> 'D'.

    ``compat`` also folds compatibility forms (full-width letters, ligatures) as NFKD does.
    """
    if not compat:
        fast = s.translate(_ASCII_LETTERS)
        if fast.isascii():  # what the slow path gives, one character at a time (see _ascii_letters)
            return fast
    return _strip_marks_slow(s, compat)


def _strip_marks_slow(s: str, compat: bool) -> str:
    s = unicodedata.normalize("NFKD" if compat else "NFD", s.translate(_D_TO_ASCII))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def _ascii_letters() -> dict[int, str | None]:
    """Each Latin letter with marks (U+00C0-U+024F, U+1E00-U+1EFF: every Vietnamese one) that the slow path
    turns into ASCII, to that ASCII; each combining mark of U+0300-U+036F (of a combining class) to nothing.  Decomposition is
    per character and the marks are dropped, so for a text these leave all-ASCII the slow path's answer
    is the characters' answers joined; any other text takes the slow path."""
    table: dict[int, str | None] = {c: None for c in range(0x300, 0x370) if unicodedata.combining(chr(c))}
    for block in (range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        for c in block:
            folded = _strip_marks_slow(chr(c), False)
            if folded.isascii():
                table[c] = folded
    return table


_ASCII_LETTERS = _ascii_letters()


def fold_code(s: str) -> str:
    """How codes and numbers are compared: upper case, no diacritics, Đ as D, no spaces or dots."""
    return _SPACE_OR_DOT.sub("", strip_marks(s).upper())


def fold_code_keep_d(s: str) -> str:
    """Upper case, no spaces or dots, with Đ kept apart from D (HĐ hợp đồng is not HD hướng dẫn)."""
    s = unicodedata.normalize("NFC", s).replace("Ð", "Đ").replace("ð", "đ")
    return _SPACE_OR_DOT.sub("", s.upper())


def fold_words(s: str) -> str:
    """How labels and free text are compared: lower case, no diacritics, words separated by one space."""
    return " ".join(_WORD.findall(strip_marks(s).lower()))


def fold_name(s: str) -> str:
    """How names of bodies are compared: case-insensitive, one space, old and new tone placement (uỷ/ủy)."""
    s = s.replace("Ð", "Đ").replace("uỷ", "ủy").replace("Uỷ", "Ủy")
    return _SPACES.sub(" ", s).strip().casefold()


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """ASCII lower-case slug (Đ -> d, spaces -> -): IRIs stay readable and need no escaping.

    Cached: a build slugs the same few thousand symbols, issuers and provinces ~20 times per article.
    """
    return _NOT_SLUG.sub("-", strip_marks(text, compat=True).lower()).strip("-")
