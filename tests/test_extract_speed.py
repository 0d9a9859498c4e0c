"""The extractor's speed-ups change no result: each faster pattern against the plain one it replaced.

The faster patterns (a body-name tree instead of a longest-first alternation, a look-ahead before
the type-word tree of the candidate scan, a narrower look-behind for the 'q' of 'nghị quyết') are
checked here against the plain forms, on texts made from the lexicon's own words in random case,
cut short, run together or spaced out: the places where a tree and an alternation could disagree.
"""

from __future__ import annotations

import random
import re

import pytest

from graphbuild.extract import grammar as g
from graphbuild.extract import named
from graphbuild.extract.find import extract
from graphbuild.extract.scan import scan
from graphbuild.text.lexicon import lexicon

_NOISE = ["", " ", "  ", ",", ".", "-", "x", "X", "1", "\n", "ủy", " Đảng", " tỉnh", " khóa XII", "Ban"]


def _mangle(rng: random.Random, word: str) -> str:
    """``word`` in random case, sometimes cut short or with its blanks doubled."""
    chars = [c.upper() if rng.random() < 0.3 else (c.lower() if rng.random() < 0.5 else c) for c in word]
    out = "".join(chars)
    if rng.random() < 0.2:
        out = out[: rng.randrange(len(out) + 1)]
    if rng.random() < 0.1:
        out = out.replace(" ", "  ")
    return out


def _texts(rng: random.Random, words: list[str], lead: list[str], n: int) -> list[str]:
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, 6)):
            parts.append(rng.choice(_NOISE) + rng.choice(lead) + _mangle(rng, rng.choice(words)) + rng.choice(_NOISE))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("seed", range(4))
def test_issuer_tree_matches_the_alternation(seed: int) -> None:
    rng = random.Random(seed)
    plain = re.compile(g.S + r",?" + g.S + r"(?:của|do|cua)" + g.NAME_BLANK + g.ROLES_BEFORE_BODY + r"(?P<body>"
                       + g.body_pattern().pattern + r")", re.I)
    tree = g.issuer_after()
    spellings = sorted(g._body_spellings())
    for text in _texts(rng, spellings, ["của ", "do ", " CỦA  ", "cua ", ", của "], 1500):
        for pos in range(0, len(text), 3):
            a, b = plain.match(text, pos), tree.match(text, pos)
            assert (a and (a.span(), a.group("body"))) == (b and (b.span(), b.group("body"))), (text, pos)


def test_ignorecase_tree_is_longest_first() -> None:
    pattern = re.compile("(?:" + g.trie_regex_ignorecase({"Ban Bí thư", "BAN BÍ THƯ Trung ương", "Ủy ban", "ủy"}) + r")(?!\w)",
                         re.I)
    assert pattern.match("ban bí thư trung ương x").group(0) == "ban bí thư trung ương"
    assert pattern.match("Ban Bí thư Trung ươngx").group(0) == "Ban Bí thư"
    assert pattern.match("ỦY BAN").group(0) == "ỦY BAN"
    assert pattern.match("Ủy bank").group(0) is not None and pattern.match("Ủy bank").group(0) == "Ủy"


def _plain_candidates() -> re.Pattern[str]:
    """The candidate scan without its look-ahead before the type-word tree."""
    pattern = g.candidates().pattern
    cut = re.search(r"\(\?=\(\?i:\[[^\]]*\]\)\)(?=\(\?P<word>)", pattern)
    assert cut is not None
    return re.compile(pattern[:cut.start()] + pattern[cut.end():])


@pytest.mark.parametrize("seed", range(4))
def test_candidate_lookahead_changes_no_match(seed: int) -> None:
    rng = random.Random(seed)
    words = sorted(set(lexicon().type_words) | {g.CHARTER_WORD})
    words = [w[0].upper() + w[1:] for w in words] + ["Tỉnh", "Đảng", "Thành phố", "Quyết", "nQ", "TT36/2017"]
    plain, fast = _plain_candidates(), g.candidates()
    for text in _texts(rng, words, ["", " số 12-NQ/TW ", " 36/2017/TT-BTC ", " 2019-"], 1500):
        a = [(m.span(), m.lastgroup, m.groupdict()) for m in plain.finditer(text)]
        b = [(m.span(), m.lastgroup, m.groupdict()) for m in fast.finditer(text)]
        assert a == b, text


_PLAIN_LEAD_Q = re.compile(r"q(?:(?<=nq)|(?<=[hH][iịIỊ][ ]q)(?=(?i:uy[eế]t))|(?<=[ ][ ]q)(?=(?i:uy[eế]t)))")


@pytest.mark.parametrize("seed", range(4))
def test_narrower_lead_q_finds_the_same_leads(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    leads = ["nghị quyết", "Nghị quyết", "nghi quyet", "nq", "NQ", "nQ", "nghị  quyết", "ngHỊ quyết", "xghị quyết",
             "n\nhị quyết", "hị quyết", "nghị Quyết"]
    after = [" Trung ương 4", " Hội nghị lần thứ năm", " TW6", " Đại hội XIII", " số 5", " Bộ Chính trị"]
    texts = ["".join(rng.choice(_NOISE) + _mangle(rng, rng.choice(leads)) + rng.choice(after)
                     for _ in range(rng.randrange(1, 5))) for _ in range(800)]
    fast = [named.leads(t, scan(t)[1], scan(t)[3]) for t in texts]
    monkeypatch.setattr(g, "LEAD_Q", _PLAIN_LEAD_Q)
    plain = [named.leads(t, scan(t)[1], scan(t)[3]) for t in texts]
    assert fast == plain
    assert any(fast)


def test_symbol_memo_keeps_the_word_after_a_symbol() -> None:
    """The scan goes on from a symbol's last code (memoised with the symbol's shape), both times."""
    text = "Kế hoạch 2019-Kế hoạch 5 và Quyết định số 12/QĐ-UBND; Kế hoạch 2019-Kế hoạch 5."
    first = [m.to_dict() for m in extract(text)]
    assert [m.to_dict() for m in extract(text)] == first
