"""An issuing body as a text names it: which body of the lexicon, under which of its names, in which place.

The extractor reports the issuer a text states as one string, the body's canonical name completed
by what the text writes after it (its place, the body it belongs to, or what it does), with the
short form the text used in parentheses: 'Thành ủy Hải Phòng', 'Ủy ban nhân dân thành phố Cần Thơ
(UBND TP Cần Thơ)', 'Ban Chỉ đạo thực hiện Nghị quyết số 39-NQ/TW'.  :func:`name_issuer` makes that
string from what the extractor read, and :func:`issuer_of` reads it back for the resolver, which
scopes the body node to the province the name places it in.  Both go through :func:`name_issuer`,
so the resolver finds the body the extractor named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from graphbuild.domain.gazetteer import unit_named
from graphbuild.text.fold import strip_marks
from graphbuild.text.lexicon import BodyForm, lexicon

__all__ = ["Issuer", "form_of", "in_capitals", "name_issuer", "issuer_of", "canonical_admin", "ADMIN_WORDS"]

# The words that say what kind of place follows ('tỉnh Quảng Ninh', 'TP. Cần Thơ'), by their folded spelling.
ADMIN_WORDS = {"tinh": "tỉnh", "thanh pho": "thành phố", "tp": "thành phố", "tp.": "thành phố",
               "huyen": "huyện", "quan": "quận", "thi xa": "thị xã", "xa": "xã", "phuong": "phường",
               "thi tran": "thị trấn"}


@dataclass(frozen=True)
class Issuer:
    """A body as one text names it."""

    body_id: str
    name: str  # as reported: canonical name, its place or function, and the short form used in parentheses
    province: str | None  # the province the name places the body in (the gazetteer's name), if any
    qualified: bool  # whether what was written after the name was taken as part of it


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """Compared without diacritics, case or spacing (a body's spelling repeats across a corpus: memoised)."""
    return " ".join(strip_marks(text).lower().split())


@cache
def _spellings() -> dict[str, tuple[str, BodyForm]]:
    """Every spelling of every body, folded -> (the spelling as the lexicon writes it, its name)."""
    index: dict[str, tuple[str, BodyForm]] = {}
    for spelling, form in lexicon().body_forms.items():
        index.setdefault(_fold(spelling), (spelling, form))
    return index


def form_of(spelling: str) -> BodyForm | None:
    """The name a body's spelling is of ('UBND thành phố' -> Ủy ban nhân dân thành phố), in any case and spacing."""
    found = _spellings().get(_fold(spelling))
    return found[1] if found else None


def in_capitals(spelling: str) -> bool:
    """Whether a body's name is written in capitals that the lexicon does not write so ('ỦY BAN NHÂN DÂN'
    in a header, not 'UBND')."""
    found = _spellings().get(_fold(spelling))
    return spelling.isupper() and found is not None and not found[0].isupper()


def canonical_admin(word: str) -> str | None:
    """'TP.' -> 'thành phố', 'HUYỆN' -> 'huyện'; None for a word that names no kind of place."""
    return ADMIN_WORDS.get(_fold(word))


def _abbreviated(text: str) -> bool:
    """Whether a spelling is a short form: a word of two capitals or more ('UBND', 'TP', 'BCH', 'T.Ư')."""
    return any(sum(c.isupper() for c in word) >= 2 for word in text.split())


def _bare_place(name: str) -> str:
    """'Thành phố Hồ Chí Minh' -> 'Hồ Chí Minh': a unit's name without its kind."""
    return re.sub(r"^(?:Tỉnh|Thành phố)\s+", "", name)


@lru_cache(maxsize=8192)
def name_issuer(spelling: str, admin: str = "", qualifier: str = "") -> Issuer | None:
    """The issuer named by a body's ``spelling`` as written, the word for a kind of place written after it
    (``admin``: 'huyện', 'TP.'; may be empty) and what completes it (``qualifier``: a place, a body or
    what the body does, as the extractor took it from the text; may be empty).

    A place completes the name of a body of a place: a province-level unit scopes it to that
    province; any other place is a district or commune, and a name that is a district's too
    ('Thành ủy' of a city within a province) names the district-level body.  A place that is no
    province after a provincial body's name is not taken (``qualified`` is False).
    """
    found = _spellings().get(_fold(spelling))
    if found is None:
        return None
    written, form = found
    kind = canonical_admin(admin) if admin else None
    ranked = False
    if kind is not None and (joined := _spellings().get(_fold(f"{spelling} {kind}"))) is not None:
        written, form, kind = f"{written} {admin}", joined[1], None  # 'UBND' + 'huyện' is the name 'UBND huyện'
        ranked = True
    body = lexicon().bodies[form.body]
    body_id, province, place, place_written = form.body, None, qualifier, qualifier
    if qualifier and body.qualifier == "place":
        unit = unit_named(qualifier)
        if unit is not None:
            province, place = unit.name, _bare_place(unit.name)
            if kind is None and form.name == body.name and (
                    city := _spellings().get(_fold(f"{spelling} {unit.type}"))) and city[1].body == form.body:
                form = city[1]  # 'UBND Đà Nẵng': the name of a city's committee
        elif form.district:
            body_id = form.district
        elif body.level == "province":
            return Issuer(body_id, _reported(form.name, written, "", ""), None, False)
    words = [form.name] + ([kind] if kind else []) + ([place] if place else [])
    name = " ".join(words)
    short = " ".join([written] + ([admin] if kind else []) + ([place_written] if place_written else []))
    return Issuer(body_id, _reported(name, short, place, place_written), province, bool(qualifier) or ranked)


def _reported(name: str, short: str, place: str, place_written: str) -> str:
    """The name, with the text's short form in parentheses when it used one ('UBND TP.HCM')."""
    if _fold(short) != _fold(name) and (_abbreviated(short.replace(place_written, "", 1)) or
                                         (place_written != place and _abbreviated(place_written))):
        return f"{name} ({short})"
    return name


@lru_cache(maxsize=8192)
def issuer_of(reported: str) -> tuple[str, str | None] | None:
    """(body id, province or None) of an issuer as :func:`name_issuer` reports it; None for a name no body has."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", reported)
    words = name.split()
    for k in range(len(words), 0, -1):
        head = " ".join(words[:k])
        if _fold(head) in _spellings():
            issuer = name_issuer(head, "", " ".join(words[k:]))
            return (issuer.body_id, issuer.province) if issuer else None
    return None
