"""The reader's fast paths give what the straightforward definitions give.

The dedupe key, the shared NFC text for the gazetteer and the name search without the
lower-case names are shortcuts taken for speed; each is checked here against the plain
definition it replaces, on inputs chosen to break it.
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata

import pytest

from graphbuild.domain.gazetteer import _detect_nfc, _matcher, _names_in, detect_province
from graphbuild.read.articles import _collapsed_utf8, _dedupe_key, _plain_spacing

ALL_SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]

VIET_NFC = "Nghị quyết số 12-NQ/TW của Tỉnh ủy Thừa Thiên Huế về Đảng bộ tỉnh Quảng Nam"
VIET_NFD = unicodedata.normalize("NFD", VIET_NFC)


def plain_key(text: str) -> bytes:
    """The dedupe key as first defined: NFC, split on whitespace, joined by one space, hashed."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).digest()


def plain_collapsed(norm: str) -> bytes:
    return " ".join(norm.split()).encode("utf-8")


TRICKY = [
    "", " ", "\n", "\n\n", " \n ", "a", " a", "a ", "\na\n", "a b", "a  b", "a\nb", "a\n\nb", "a \n b",
    "a\n \nb", " \n a \n b \n ", "a\tb", "a\rb", "a\r\nb", "a\x0bb", "a\x0cb", "a\x1cb", "a\x1db", "a\x1eb",
    "a\x1fb", "a\x85b", "a\xa0b", "a\u1680b", "a\u2000b", "a\u200ab", "a\u200bb", "a\u2028b", "a\u2029b",
    "a\u202fb", "a\u205fb", "a\u3000b", "\u3000", "\xa0", "\u2028\u2029",
    "“Nghị quyết” – số 12 — ngày 1/1/2020…", "‘a’ • b", "a\u2013\u2014b", "ǚ Ś Ě ƚ", "\u169a\u1680",
    VIET_NFC, VIET_NFD, VIET_NFC + "\n\n" + VIET_NFD, " " + VIET_NFD + " ", VIET_NFC.replace(" ", "\n"),
    VIET_NFC.replace(" ", "\u00a0"), VIET_NFC.replace(" ", "  "), "\ufeff" + VIET_NFC, "😀 a\n😀",
]


@pytest.mark.parametrize("text", TRICKY)
def test_dedupe_key_is_the_plain_definition(text: str) -> None:
    assert _dedupe_key(text) == plain_key(text)
    norm = unicodedata.normalize("NFC", text)
    assert _collapsed_utf8(norm) == plain_collapsed(norm)


@pytest.mark.parametrize("space", ALL_SPACES)
def test_every_whitespace_character_collapses(space: str) -> None:
    for text in (f"a{space}b", f"{space}a", f"a{space}", f"a {space}\nb", f"a\n{space}b", space * 3):
        assert _dedupe_key(text) == plain_key(text)


def test_only_single_spaces_and_newlines_pass_the_plain_spacing_check() -> None:
    # Every whitespace character but " " and "\n" must send the text down the word split.
    for space in ALL_SPACES:
        if space in " \n":
            assert _plain_spacing(f"a{space}b".encode())
        else:
            assert not _plain_spacing(f"a{space}b".encode()), hex(ord(space))
    assert not _plain_spacing(b"a  b")
    assert _plain_spacing("“a” – b…\nc".encode())


def test_lone_surrogate_raises_the_plain_error() -> None:
    text = "Tỉnh ủy \ud800 Hà Nội"
    with pytest.raises(UnicodeEncodeError) as plain:
        plain_key(text)
    with pytest.raises(UnicodeEncodeError) as fast:
        _dedupe_key(text)
    assert str(fast.value) == str(plain.value)


def test_dedupe_key_on_random_text() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    alphabet = st.sampled_from([*ALL_SPACES, "a", "Đ", "ệ", "e\u0302\u0323", "“", "–", "…", "\u200b", "\xad", "😀"])

    @hypothesis.given(st.lists(alphabet, max_size=40).map("".join))
    @hypothesis.settings(max_examples=500, deadline=None)
    def check(text: str) -> None:
        assert _dedupe_key(text) == plain_key(text)

    check()


def test_duplicate_decisions_follow_the_collapsed_nfc_form() -> None:
    from graphbuild.read.articles import _Reader

    reader = _Reader()
    texts = [VIET_NFC, VIET_NFD, " " + VIET_NFC + "\n", VIET_NFC.replace(" ", "\u3000"), VIET_NFC + ".",
             "a b", "a\u00a0b", "ab"]
    kept = [reader.make(t, "s") is not None for t in texts]
    reader.seen.close()
    assert kept == [True, False, False, False, True, True, False, True]


# --- the gazetteer with the text normalised by the reader ---------------------------------------


def _plain_matches(text: str) -> list[tuple[int, str]]:
    import re

    pattern = re.compile(r"(?<![\w])" + _matcher()[0].pattern)
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", [
    "thành phố Hồ Chí Minh", "Tỉnh ủy thành phố Hồ Chí Minh và Hà Nội", "tthành phố Hồ Chí Minh",
    "thành phố Hồ Chí Minhh, Thành phố Hồ Chí Minh", "tại thành phố Hà Nội", "", "t",
    "thành phố Hồ Chí Min", "Thừa Thiên Huế thành phố Hồ Chí Minh TP.HCM",
])
def test_name_search_with_and_without_the_lowercase_names(text: str) -> None:
    assert [(m.start(), m.group()) for m in _names_in(text)] == _plain_matches(text)


@pytest.mark.parametrize("text", [VIET_NFC, VIET_NFD, "Tin\nTỉnh ủy Quảng Nam", "Tỉnh ủy Hà Nam \n ở thành phố Hồ Chí Minh"])
@pytest.mark.parametrize("title", [None, "Thái Bình", unicodedata.normalize("NFD", "Thái Bình")])
@pytest.mark.parametrize("date", [None, "2025-08-01"])
def test_detect_on_normalised_text_is_detect_province(text: str, title: str | None, date: str | None) -> None:
    assert _detect_nfc(unicodedata.normalize("NFC", text), date, title) == detect_province(text, date, title=title)


# --- the streamed JSON Lines loop ----------------------------------------------------------------

_ODD_LINES = [
    '{"text": "Tỉnh ủy Hà Nội họp", "title": " Tin\\n1 ", "date": "2021-03-04", "ID": 7}',
    '   {"text": "Đảng bộ tỉnh Nam Định"}', '{"text": "có khoảng trắng sau"}\u00a0\u2028\x85 ',
    '{"text": "a"} {"text": "b"}', '{"text": "a"', '{', '}', '[1, 2]', '"text"', '1', 'null', '{}',
    '{"Text": "viết hoa", "URL": " http://x.vn/a ", "datePublished": "05/06/2020"}',
    '{"body": "", "content": "nội dung"}', '{"text": "   "}', '{"text": 5}', '{"title": "no text"}',
    '{"text": "dòng\\u2028trong chuỗi"}', '\t', '', ' ', '{"text": "Tỉnh ủy Hà Nội họp"}',
    '{"text": "x", "date": 1600000000}', '\ufeff{"text": "BOM giữa tệp"}',
    '{"text": "cuối"}\r',
]


@pytest.mark.parametrize("first", ["", "\ufeff", "\n", "  \n"])
def test_streamed_lines_read_as_the_whole_file_does(tmp_path, monkeypatch, first: str) -> None:
    import graphbuild.read.articles as articles_mod
    from graphbuild.read.articles import read_articles

    f = tmp_path / "odd.jsonl"
    f.write_bytes((first + "\n".join(_ODD_LINES) + "\n").encode("utf-8"))
    whole = [repr(a) for a in read_articles([str(f)])]
    monkeypatch.setattr(articles_mod, "STREAM_MIN_BYTES", 0)
    assert articles_mod._streamable(f)
    assert [repr(a) for a in read_articles([str(f)])] == whole
    assert any("invalid JSON" in r for r in whole) and any("Article(" in r for r in whole)


@pytest.mark.parametrize("content", ["", "\n \n\t\n", "\ufeff\n", "{\n", "[]\n"])
def test_streamed_empty_and_tiny_files(tmp_path, monkeypatch, content: str) -> None:
    import graphbuild.read.articles as articles_mod
    from graphbuild.read.articles import read_articles

    f = tmp_path / "tiny.jsonl"
    f.write_text(content, encoding="utf-8")
    whole = [repr(a) for a in read_articles([str(f)])]
    monkeypatch.setattr(articles_mod, "STREAM_MIN_BYTES", 0)
    assert [repr(a) for a in read_articles([str(f)])] == whole


def test_record_keys_are_looked_up_lower_case() -> None:
    from graphbuild.read.articles import (
        _DATE_KEYS_LOWER,
        _ID_KEYS,
        DATE_KEYS,
        TEXT_KEYS,
        TITLE_KEYS,
        URL_KEYS,
        _pick,
    )

    for keys in (TEXT_KEYS, TITLE_KEYS, URL_KEYS, _ID_KEYS):
        assert all(k == k.lower() for k in keys)
    assert _DATE_KEYS_LOWER == tuple(k.lower() for k in DATE_KEYS)
    assert _pick({"DatePublished": "", "Date": "x"}, DATE_KEYS) == "x"
    assert _pick({"DATEPUBLISHED": 0}, DATE_KEYS) == 0
