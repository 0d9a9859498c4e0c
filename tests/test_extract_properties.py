"""Property-based tests of the extractor (issue #6): it never crashes and never lies about spans or ids.

Two sources of input:
  * arbitrary Unicode text (and text drawn from the alphabet references are made of);
  * the sample articles in data/ with random edits: digits, dashes, slashes, spaces, Đ/Ð,
    newlines inserted, and stretches deleted.

For every mention: ``text[start:end] == surface``, spans lie inside the text and come in
order, and the canonical ``id`` parses back (``DocumentKey.parse``) to the mention's own key
and to its own number, type code, issuer code, year, plenum, term or congress.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphbuild.domain import ids
from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Mention
from graphbuild.extract.find import extract
from graphbuild.text.lexicon import lexicon

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that references are made of: the edits that are most likely to confuse the grammar.
EDIT_PIECES = [
    "0", "1", "5", "12", "2019", "205", "00", "-", "/", "–", "—", " ", "  ", "\u00a0", "\n", "\r\n", "\r",
    "Đ", "Ð", "đ", "ð", "số ", "Số: ", "QĐ/TW", "NQ-CP", "/TW", "-QĐ", "khóa ", "(khóa XII)", "XII", "ngày ",
    "Nghị quyết ", "Quy định ", "Trung ương ", "của Bộ Chính trị", "về việc ", "“", "”", "\u0301", "\u0323",
    "_", "\t", "\ufeff", ",", ".", ";", "và ",
]
REF_ALPHABET = "0123456789-/ \nĐÐđQNTWCPHKLUBDXIVĐANGPđịnhquyếtsốkhóa().,;:“”\u00a0\u0301"


def _fold_number(n: str | None) -> str | None:
    return None if n is None else ids.canonical_number(n)


def _bare_codes(m: Mention) -> set[str]:
    """What a bare id may carry for ``m``: a code of its type word (party or state), or the word itself."""
    codes = lexicon().word_codes.get(m.doc_type or "", {})
    return set(codes.values()) | {m.doc_type or "?"}


def check_mentions(text: str, mentions: list[Mention]) -> None:
    """Every invariant a mention list must satisfy for ``text``."""
    prev_start = -1
    for m in mentions:
        assert 0 <= m.start <= m.end <= len(text), (m.start, m.end, len(text))
        assert m.start < m.end, f"empty span {m!r}"
        assert text[m.start:m.end] == m.surface, (text[m.start:m.end], m.surface)
        assert m.start >= prev_start, "mentions out of order"
        prev_start = m.start
        if m.sentence is not None:
            s0, s1 = m.sentence
            assert 0 <= s0 <= s1 <= len(text)
        for rel in m.relations:
            assert text[rel["start"]:rel["end"]] == rel["surface"]
            DocumentKey.parse(rel["target"])
        check_id(m)


def check_id(m: Mention) -> None:
    """``m.id`` parses back to the mention's own key and parts (numbers compared without leading zeros)."""
    assert m.id, f"mention without id: {m!r}"
    parsed = DocumentKey.parse(m.id)
    assert parsed == m.key, (m.id, m.key)
    kind = parsed.kind
    if kind == "named":
        assert m.kind == "named"
        if parsed.name == "plenum":
            assert (parsed.plenum, parsed.term) == (m.plenum, m.term), (m.id, m)
        elif parsed.name == "congress":
            assert parsed.congress == (m.congress or "?"), (m.id, m)
        else:
            assert m.doc_type == "Điều lệ", (m.id, m)
        return
    assert m.number is not None, m
    assert _fold_number(parsed.number) == _fold_number(m.number), (m.id, m.number)
    if kind == "bare":
        assert m.type_code is None and m.issuer_code is None, (m.id, m)
        assert parsed.symbol in _bare_codes(m), (m.id, m.doc_type)
    elif kind == "party":
        assert m.kind == "party", (m.id, m.kind)
        assert parsed.type_code == m.type_code, (m.id, m.type_code)
        assert parsed.issuer_code == m.issuer_code, (m.id, m.issuer_code)
    elif kind == "state":
        assert m.kind == "state", (m.id, m.kind)
        assert parsed.year == m.year, (m.id, m.year)
        symbol = "-".join(p for p in (m.type_code, m.issuer_code) if p) or None
        assert parsed.symbol == symbol, (m.id, m.type_code, m.issuer_code)
    else:  # pragma: no cover - DocumentKey.parse knows no other kind
        raise AssertionError(m.id)


def run(text: str) -> list[Mention]:
    mentions = extract(text, "prop")
    check_mentions(text, mentions)
    return mentions


# --- sanity: the invariants hold on the samples as they are -----------------------------------


def test_samples_satisfy_invariants() -> None:
    total = sum(len(run(t)) for t in SAMPLES)
    assert total > 20  # the samples do cite documents: the checks above were exercised


# --- arbitrary text ---------------------------------------------------------------------------


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_unicode(text: str) -> None:
    run(text)


@SETTINGS
@given(st.text(alphabet=REF_ALPHABET, max_size=300))
def test_reference_alphabet(text: str) -> None:
    run(text)


@SETTINGS
@given(st.lists(st.sampled_from(EDIT_PIECES + ["205", "QĐ", "TW", "NQ", "CP", "NĐ", "TTg", "HĐND", "Chỉ thị "]),
                max_size=40).map("".join))
def test_reference_pieces(text: str) -> None:
    run(text)


# --- real text with random edits --------------------------------------------------------------


@st.composite
def edited_sample(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SAMPLES))
    n_edits = draw(st.integers(min_value=1, max_value=12))
    for _ in range(n_edits):
        pos = draw(st.integers(min_value=0, max_value=len(text)))
        op = draw(st.sampled_from(["insert", "insert", "insert", "delete", "replace"]))
        if op == "delete":
            n = draw(st.integers(min_value=1, max_value=8))
            text = text[:pos] + text[pos + n:]
        else:
            piece = draw(st.one_of(st.sampled_from(EDIT_PIECES), st.text(alphabet="0123456789-/ Đ\n", max_size=6)))
            cut = 1 if op == "replace" else 0
            text = text[:pos] + piece + text[pos + cut:]
    return text


@SETTINGS
@given(edited_sample())
def test_edited_samples(text: str) -> None:
    run(text)


@st.composite
def edited_window(draw: st.DrawFn) -> str:
    """A short window of a sample around a reference, edited: cheap, and dense with references."""
    text = draw(st.sampled_from(SAMPLES))
    mentions = extract(text)
    m = draw(st.sampled_from(mentions))
    lo = max(0, m.start - draw(st.integers(0, 80)))
    hi = min(len(text), m.end + draw(st.integers(0, 120)))
    window = text[lo:hi]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        pos = draw(st.integers(min_value=0, max_value=len(window)))
        if draw(st.booleans()):
            window = window[:pos] + draw(st.sampled_from(EDIT_PIECES)) + window[pos:]
        else:
            window = window[:pos] + window[pos + draw(st.integers(1, 4)):]
    return window


@SETTINGS
@given(edited_window())
def test_edited_reference_windows(text: str) -> None:
    run(text)


@SETTINGS
@given(st.sampled_from(SAMPLES), st.sampled_from(["NFD", "NFKC", "NFKD"]))
def test_normalised_samples_same_span_contract(text: str, form: str) -> None:
    import unicodedata

    run(unicodedata.normalize(form, text))
