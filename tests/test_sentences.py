"""One sentence splitter (graphbuild.text.sentences) for the extractor's sentence spans and the
sentence `cites` shows: the same cut, and a sentence at the start of a text keeps its first letter."""

from __future__ import annotations

import pytest

from graphbuild.text.sentences import sentence_around, sentence_spans

CASES = [
    # text, surface, expected marked sentence
    ("Thực hiện Quy định 205-QĐ/TW của Bộ Chính trị.", "Quy định 205-QĐ/TW",
     "Thực hiện »Quy định 205-QĐ/TW« của Bộ Chính trị."),
    ("Mở đầu. Thực hiện Chỉ thị 05-CT/TW; tỉnh làm tốt. Câu sau.", "Chỉ thị 05-CT/TW",
     "Thực hiện »Chỉ thị 05-CT/TW«; tỉnh làm tốt."),
    ("Dòng một\nTheo Nghị định 108/2014/NĐ-CP\nDòng ba", "Nghị định 108/2014/NĐ-CP",
     "Theo »Nghị định 108/2014/NĐ-CP«"),
    ("Quy định 205-QĐ/TW", "Quy định 205-QĐ/TW", "»Quy định 205-QĐ/TW«"),
]


@pytest.mark.parametrize(("text", "surface", "expected"), CASES)
def test_sentence_around_marks_the_reference_in_its_sentence(text: str, surface: str, expected: str) -> None:
    start = text.index(surface)
    assert sentence_around(text, start, start + len(surface)) == expected


@pytest.mark.parametrize(("text", "surface", "expected"), CASES)
def test_the_marked_sentence_is_the_extractors_span(text: str, surface: str, expected: str) -> None:
    start = text.index(surface)
    (lo, hi), = sentence_spans(text, [(start, start + len(surface))])
    assert " ".join(text[lo:hi].split()) == expected.replace("»", "").replace("«", "")


def test_long_sentences_are_trimmed_with_an_ellipsis() -> None:
    text = "x " * 400 + "Quy định 205-QĐ/TW " + "y " * 400 + "."
    start = text.index("Quy")
    got = sentence_around(text, start, start + 18, width=20)
    assert got.startswith("…") and got.endswith("…") and "»Quy định 205-QĐ/TW«" in got and len(got) < 70
