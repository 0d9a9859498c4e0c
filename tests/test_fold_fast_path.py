"""strip_marks's table path gives what the Unicode path gives, for every character and for mixed texts
(NFC, NFD, marks out of order, letters of other scripts, Đ and its look-alikes)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from graphbuild.text.fold import _strip_marks_slow, strip_marks

# Every character of the Basic Multilingual Plane's first blocks: Latin, marks, Greek, Cyrillic, ..., the
# Latin Extended Additional block of Vietnamese letters, punctuation
SINGLES = [chr(c) for c in range(0x20, 0x2100) if not 0xD800 <= c < 0xE000]


def test_every_character_alone() -> None:
    wrong = [c for c in SINGLES if strip_marks(c) != _strip_marks_slow(c, False)]
    assert wrong == []


@pytest.mark.parametrize("seed", range(4))
def test_random_texts_of_vietnamese_letters_marks_and_others(seed: int) -> None:
    rng = random.Random(seed)
    pool = [chr(c) for c in (*range(0x20, 0x7F), *range(0xC0, 0x250), *range(0x300, 0x370),
                             *range(0x1E00, 0x1F00), 0x110, 0x111, 0xD0, 0xF0, 0x2019, 0x4E00, 0xFF21)]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        for form in (text, unicodedata.normalize("NFD", text), unicodedata.normalize("NFC", text)):
            assert strip_marks(form) == _strip_marks_slow(form, False), repr(form)


@pytest.mark.parametrize("text, folded", [
    ("Quy định số 205-QĐ/TW của Bộ Chính trị", "Quy dinh so 205-QD/TW cua Bo Chinh tri"),
    ("Nghị quyết Trung ương 4 khóa XII", "Nghi quyet Trung uong 4 khoa XII"),
    ("Ủy ban Kiểm tra Trung ương", "Uy ban Kiem tra Trung uong"),
    ("ĐẢNG CỘNG SẢN VIỆT NAM", "DANG CONG SAN VIET NAM"),
    ("Hà Nội – 2024", "Ha Noi – 2024"),  # a dash not ASCII: the Unicode path, same answer
])
def test_table_cases(text: str, folded: str) -> None:
    assert strip_marks(text) == folded
    assert strip_marks(unicodedata.normalize("NFD", text)) == folded
