"""Which province is an article about?  A small gazetteer of Viet Nam's provinces.

Local Party news (the bulk of the corpus) is published by provincial papers and names its
province in the title or as "Tỉnh ủy X", "tỉnh X".  The answer depends on the date: on
1 July 2025 the 63 provinces and centrally-run cities became 34 (Nghị quyết 202/2025/QH15),
so an article about Quảng Nam written in August 2025 is about the city of Đà Nẵng.  The
facts live in ``data/provinces.json``; this module only counts mentions.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Unit", "units", "unit_at", "unit_named", "detect_province", "MERGER_DATE"]

MERGER_DATE = "2025-07-01"

# Extra weight for a mention in the title, and for a mention introduced by an
# administrative word ("tỉnh X") or a provincial body ("Tỉnh ủy X", "UBND tỉnh X").
TITLE_WEIGHT = 3
ADMIN_BONUS = 1
BODY_BONUS = 2

_ADMIN_BEFORE = re.compile(r"(?:tỉnh|Tỉnh|thành phố|Thành phố|TP\.?)\s*$")
_BODY_BEFORE = re.compile(
    r"(?:Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|UBND|HĐND|Ủy ban nhân dân|Hội đồng nhân dân|Đảng bộ|"
    r"Ban Thường vụ|Ban Chấp hành)\s+(?:tỉnh\s+|thành phố\s+|TP\.?\s*)?$"
)


@dataclass(frozen=True)
class Unit:
    """One province or centrally-run city, valid from ``valid_from`` to ``valid_to`` (ISO dates)."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    valid_from: str | None
    valid_to: str | None
    absorbed: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Unit], dict[str, Unit], list[str]]:
    """(pre-2025 units by id, post-2025 units by id, phrases to blank) from provinces.json."""
    path = Path(__file__).resolve().parent.parent / "data" / "provinces.json"
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)

    def mk(d: dict[str, Any]) -> Unit:
        return Unit(d["id"], d["name"], d["type"], tuple(d["aliases"]), d.get("valid_from"),
                    d.get("valid_to"), tuple(d.get("absorbed", ())))

    pre = {d["id"]: mk(d) for d in raw["pre_2025"]}
    post = {d["id"]: mk(d) for d in raw["post_2025"]}
    return pre, post, list(raw.get("_mask", []))


def units(after_merger: bool = False) -> list[Unit]:
    """The 63 units before 1 July 2025, or the 34 after it."""
    pre, post, _ = _load()
    return list((post if after_merger else pre).values())


@lru_cache(maxsize=1)
def _successor() -> dict[str, Unit]:
    """pre-2025 unit id → the post-2025 unit that absorbed it."""
    _, post, _ = _load()
    return {old: u for u in post.values() for old in u.absorbed}


def unit_at(unit_id: str, date: str | None) -> Unit:
    """The unit that governs pre-2025 unit ``unit_id``'s territory at ``date`` (ISO; None = before 2025)."""
    pre, _, _ = _load()
    if date and date[:10] >= MERGER_DATE:
        return _successor()[unit_id]
    return pre[unit_id]


_UNIT_WORD = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s*", re.I)


@lru_cache(maxsize=1)
def _units_by_name() -> dict[str, Unit]:
    """Every name form of a unit, without its 'tỉnh'/'thành phố' and in lower case -> the unit (the
    units before 2025 first: a name written with a body is the body of that province as it was)."""
    pre, post, _ = _load()
    index: dict[str, Unit] = {}
    for u in (*pre.values(), *post.values()):
        for a in (u.name, *u.aliases):
            index.setdefault(" ".join(_UNIT_WORD.sub("", a).lower().split()), u)
    return index


@lru_cache(maxsize=4096)
def unit_named(name: str) -> Unit | None:
    """The province or centrally-run city ``name`` names ('Hải Phòng', 'TP. Hồ Chí Minh', 'THÀNH PHỐ
    HÀ NỘI'), in any case; None when it names none (a district, a person)."""
    key = " ".join(_UNIT_WORD.sub("", unicodedata.normalize("NFC", name).strip()).lower().split())
    return _units_by_name().get(key)


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every bare name form → pre-2025 unit id.

    Only the bare forms are searched ("Thái Nguyên", not "tỉnh Thái Nguyên"); the words in
    front are looked at separately to weigh the mention.  Post-2025 names all coincide with
    a pre-2025 name (plus "Huế"), so counting on pre-2025 units loses nothing.
    """
    pre, _, _ = _load()
    prefix = re.compile(r"^(?:tỉnh|Tỉnh|thành phố|Thành phố|TP\.?)\s*")
    alias_to_id: dict[str, str] = {}
    for u in pre.values():
        for a in (u.name, *u.aliases):
            # The bare "Hồ Chí Minh" is the President (or the Youth Union): keep the city forms whole.
            bare = a if u.id == "ho-chi-minh" else prefix.sub("", a)
            alias_to_id.setdefault(unicodedata.normalize("NFC", bare), u.id)
    keys = sorted(alias_to_id, key=lambda k: (-len(k), k))
    pattern = re.compile(_alternation(keys) + r"(?![\w])")
    return pattern, alias_to_id


def _alternation(keys: list[str]) -> str:
    """``(?:k1|k2|...)`` for ``re``, arranged so that the search skips positions where no key starts.

    Why: ``re`` tries the alternatives one by one at every position of the text, so the plain
    alternation of ~100 names made province detection the largest cost of reading a corpus.
    Grouped by first letter, every alternative begins with a literal, and ``re`` then compiles
    a set of first letters that its search loop checks before trying the pattern at a position
    (a lookbehind or lookahead in front would hide that set: see :func:`_names_in` for the word
    boundary).  Matches are the plain alternation's: only one group can match at a position,
    and inside a group the keys keep their order.
    """
    groups: dict[str, list[str]] = {}
    for k in keys:
        groups.setdefault(k[0], []).append(k)
    return "(?:" + "|".join(re.escape(c) + "(?:" + "|".join(re.escape(k[1:]) for k in ks) + ")"
                            for c, ks in groups.items()) + ")"


@lru_cache(maxsize=1)
def _lowercase_split() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """(the names that begin with a lower-case letter, the name pattern without them).

    Why: the one such name, "thành phố Hồ Chí Minh", makes ``re`` try a match at every "t",
    about one letter in twenty of Vietnamese text.  A text that contains none of these names
    as a substring (one fast ``in`` each) is searched with the pattern without them: a name
    can only match where it occurs, and dropping whole first-letter groups leaves the order
    of the remaining alternatives, so the matches are those of the full pattern.
    """
    keys = sorted(_matcher()[1], key=lambda k: (-len(k), k))
    rare = tuple(k for k in keys if k[0].islower())
    common = [k for k in keys if not k[0].islower()]
    return rare, re.compile(_alternation(common) + r"(?![\w])")


def _names_in(text: str) -> Iterator[re.Match[str]]:
    """``finditer`` of the name pattern with a word boundary in front, checked here, not in the pattern.

    A hit glued to a word character before it is dropped and the search goes on from the next
    position, exactly as ``(?<![\\w])`` in the pattern would (``\\w`` is ``isalnum()`` or ``_``).
    """
    rare, common = _lowercase_split()
    search = _matcher()[0].search if any(k in text for k in rare) else common.search
    pos = 0
    while (m := search(text, pos)) is not None:
        s = m.start()
        if s and (text[s - 1].isalnum() or text[s - 1] == "_"):
            pos = s + 1
            continue
        yield m
        pos = m.end()


def _mask(text: str) -> str:
    """Blank out phrases that contain a province name but are not about the province."""
    _, _, phrases = _load()
    for p in phrases:
        if p in text:
            text = text.replace(p, " " * len(p))
    return text


def _score(text: str, weight: int, scores: dict[str, int], first: dict[str, int], offset: int) -> None:
    alias_to_id = _matcher()[1]
    text = _mask(text)
    for m in _names_in(text):
        uid = alias_to_id[m.group()]
        before = text[max(0, m.start() - 40):m.start()]
        w = 1
        if _BODY_BEFORE.search(before):
            w += BODY_BONUS
        elif _ADMIN_BEFORE.search(before):
            w += ADMIN_BONUS
        scores[uid] = scores.get(uid, 0) + w * weight
        first.setdefault(uid, offset + m.start())


def detect_province(text: str, date: str | None = None, *, title: str | None = None) -> str | None:
    """Canonical name of the province ``text`` is about, or None if it names none.

    Mentions are counted on word boundaries, case-sensitively (so "hòa bình", peace, is not
    Hòa Bình); a mention in the title counts ``TITLE_WEIGHT`` times, one after "tỉnh" or a
    provincial body more.  With no explicit ``title`` the first non-empty line of ``text`` is
    taken as the title.  Scores are pooled by the unit valid at ``date`` — after the 2025
    merger Thái Bình and Hưng Yên both count for Hưng Yên.  Ties go to the earliest mention.
    """
    return _detect_nfc(unicodedata.normalize("NFC", text or ""), date, title)


def _detect_nfc(text: str, date: str | None, title: str | None) -> str | None:
    """:func:`detect_province` of a text already in NFC (the reader has normalised it for its dedupe key)."""
    if title is None:
        stripped = text.lstrip()
        title = stripped.split("\n", 1)[0][:500]
    else:
        title = unicodedata.normalize("NFC", title)
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    _score(title, TITLE_WEIGHT, scores, first, -len(title) - 1)
    _score(text, 1, scores, first, 0)
    if not scores:
        return None
    pooled: dict[str, int] = {}
    pooled_first: dict[str, int] = {}
    names: dict[str, str] = {}
    for uid, s in scores.items():
        u = unit_at(uid, date)
        pooled[u.id] = pooled.get(u.id, 0) + s
        pooled_first[u.id] = min(pooled_first.get(u.id, first[uid]), first[uid])
        names[u.id] = u.name
    best = min(pooled, key=lambda k: (-pooled[k], pooled_first[k]))
    return names[best]
