"""The candidate-first extractor: what its one scan and its local searches must still find.

The extractor scans the text once for numbers and capitalised type words, and looks for
everything else (lower-case type words, plenum leads, 'điều lệ', sentence breaks) only around
what that scan found or with plain substring searches.  These cases pin the places where that
design could lose a reference the whole-text scans used to find.
"""

from __future__ import annotations

import random

import pytest

from graphbuild.extract.find import extract
from graphbuild.text.sentences import sentence_spans


def _found(text: str) -> list[tuple[str, str, str | None, str | None, int | None, str | None]]:
    return [(m.surface, m.kind, m.doc_type, m.number, m.plenum, m.term) for m in extract(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # a capitalised type word right after a rejected number + symbol shape is still scanned
    ("Thực hiện giai đoạn 2021-Kế hoạch số 64 của Tỉnh ủy.",
     [("Kế hoạch số 64", "party", "Kế hoạch", "64", None, None)]),
    ("Xem khoản 5/Điều lệ Đảng năm 2011.", [("Điều lệ Đảng", "named", "Điều lệ", None, None, None)]),
    # lower-case leads of plenum resolutions, found by substring search
    ("Theo nghị quyết trung ương 4 khóa XII, các cấp ủy",
     [("nghị quyết trung ương 4 khóa XII", "named", "Nghị quyết", None, 4, "XII")]),
    ("nghi quyet TW4 khoa 11 ve xay dung Dang",
     [("nghi quyet TW4 khoa 11", "named", "Nghị quyết", None, 4, "XI")]),
    ("Theo NQ TW4 khóa XI", [("NQ TW4 khóa XI", "named", "Nghị quyết", None, 4, "XI")]),
    # the Charter in every casing
    ("Thi hành đúng điều lệ đảng.", [("điều lệ đảng", "named", "Điều lệ", None, None, None)]),
    ("ĐIỀU LỆ ĐẢNG và Điều Lệ Đảng", [("ĐIỀU LỆ ĐẢNG", "named", "Điều lệ", None, None, None),
                                     ("Điều Lệ Đảng", "named", "Điều lệ", None, None, None)]),
    # the type word before a number, in lower case, multi-word, upper case; the nearest one wins
    ("căn cứ quyết định số 12/QĐ-UBND ngày 3/2/2020",
     [("quyết định số 12/QĐ-UBND", "state", "Quyết định", "12", None, None)]),
    ("Thông báo kết luận số 12-TB/TW ngày 1/2/2019",
     [("Thông báo kết luận số 12-TB/TW", "party", "Kết luận", "12", None, None)]),
    ("NGHỊ QUYẾT SỐ 15-NQ/TW", [("NGHỊ QUYẾT SỐ 15-NQ/TW", "party", "Nghị quyết", "15", None, None)]),
    ("Hội nghị quyết định số 15-QĐ/TW", [("quyết định số 15-QĐ/TW", "party", "Quyết định", "15", None, None)]),
    # an initial and the rest of another initial's type word make no type word
    ("Dề án số 5 và Đề án số 6", [("Đề án số 6", "party", "Đề án", "6", None, None)]),
    # a lead inside a number is no plenum resolution; 'Nghị quyết số' is no lead either
    ("Nghị quyết số 36-NQ/TW và Nghị quyết 12-NQ/TW",
     [("Nghị quyết số 36-NQ/TW", "party", "Nghị quyết", "36", None, None),
      ("Nghị quyết 12-NQ/TW", "party", "Nghị quyết", "12", None, None)]),
])
def test_scan_finds(text: str, expected: list) -> None:
    assert _found(text) == expected


def test_same_symbol_many_numbers() -> None:
    """The classification memo is keyed by the symbol, never by the number."""
    text = " ".join(f"Quyết định số {n}-QĐ/TW," for n in range(1, 40))
    got = extract(text)
    assert [m.number for m in got] == [str(n) for n in range(1, 40)]
    assert all(text[m.start:m.end] == m.surface for m in got)


def _naive_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` by plain searches (the definition the one pass keeps)."""
    lo = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1, text.rfind("; ", 0, start) + 1)
    lo = lo + 1 if lo >= 0 and text[lo:lo + 1] in ("\n", " ") else max(lo, 0)
    ahead = [i for i in (text.find("\n", end), text.find(". ", end)) if i != -1]
    hi = min(ahead) + 1 if ahead else len(text)
    if text[hi - 1:hi] == "\n":
        hi -= 1
    return max(0, lo), min(hi, len(text))


@pytest.mark.parametrize("seed", range(20))
def test_sentence_spans_match_plain_searches(seed: int) -> None:
    rnd = random.Random(seed)
    text = "".join(rnd.choice(["a", "b", " ", ". ", "; ", "\n", ".", ";", "x "]) for _ in range(rnd.randint(0, 300)))
    spans = []
    for _ in range(rnd.randint(0, 30)):
        s = rnd.randint(0, len(text))
        spans.append((s, rnd.randint(s, min(len(text), s + 10))))
    if seed % 2:
        spans.sort()  # in text order, as the extractor calls it; unsorted calls must be right too
    got = sentence_spans(text, spans)
    assert got == [_naive_sentence(text, s, e) for s, e in spans]


@pytest.mark.parametrize(("text", "surface"), [
    ("theo nghị Quyết trung ương 4 khóa XII", "nghị Quyết trung ương 4 khóa XII"),
    ("theo nQ TW4 khóa XI", "nQ TW4 khóa XI"),
    ("nghi  quyet TW 4 khoa XI", "nghi  quyet TW 4 khoa XI"),
    ("nGHỊ QUYẾT TW4 khóa XI", "nGHỊ QUYẾT TW4 khóa XI"),
    ("các nghị quyết  Trung ương 5 khóa XII", "nghị quyết  Trung ương 5 khóa XII"),
])
def test_lower_case_leads_in_any_casing(text: str, surface: str) -> None:
    """Lower-case leads are found from their 'q'; the rest of the lead may be in any case."""
    assert [m.surface for m in extract(text)] == [surface]


def test_mention_fields_in_the_order_extract_passes_them() -> None:
    """``_to_mention`` builds Mention positionally (it runs once per mention): a new or moved
    field must be added there too."""
    from dataclasses import fields

    from graphbuild.domain.model import Mention

    assert [f.name for f in fields(Mention)] == [
        "source", "start", "end", "surface", "kind", "doc_type", "number", "type_code", "issuer_code",
        "year", "date", "issuer", "plenum", "congress", "term", "subject", "key", "form", "antecedent",
        "sentence", "relations"]
