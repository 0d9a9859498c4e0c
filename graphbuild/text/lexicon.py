"""The lexicon: type words and codes, issuers and bodies, numerals — loaded from data files.

Everything the grammar knows about Vietnamese document numbering lives in
``graphbuild/data/*.json``; this module only loads it and builds the lookup tables
(folded spellings -> canonical spelling) that the grammar and the extractor use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graphbuild.text.fold import fold_code, fold_code_keep_d, strip_marks

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_json(name: str) -> Any:
    """A data file shipped in graphbuild/data/ (package data)."""
    return json.loads((_DATA_DIR / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class TypeCode:
    code: str
    party: str | None = None  # type word implied in a Party number (None: ambiguous or not used)
    state: str | None = None
    in_party: bool = False
    in_state: bool = False
    copy: bool = False
    alone: bool = False  # a state number may carry it with no issuer ('121/NgĐ')
    compact: bool = False  # may be written fused before a state number and year ('TT36/2017')
    sole_issuer: tuple[str, int] | None = None  # (issuer code, since year): the one body issuing this state type


@dataclass(frozen=True)
class BodyForm:
    """One name a body goes by, with its short form: 'Thành ủy' is the Tỉnh ủy of a centrally-run city.

    ``district``: the body this name stands for instead when the place written after it is no
    province-level unit ('Thành ủy Nha Trang' is the committee of a city within a province).
    """

    body: str
    name: str
    short: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class Body:
    id: str
    name: str
    short: str | None
    aliases: tuple[str, ...]  # every other spelling, those of its other forms included
    codes: tuple[str, ...]
    parent: str | None
    level: str
    system: str
    scoped: bool = False
    qualifier: str | None = None  # what completes the name in a text: 'place', 'body' or 'function'
    forms: tuple[BodyForm, ...] = ()  # its names at other ranks of place (its own name first)


@dataclass
class Lexicon:
    """Lookup tables built once from the data files."""

    type_words: dict[str, str] = field(default_factory=dict)  # any spelling (lower, folded) -> canonical word
    word_codes: dict[str, dict[str, str]] = field(default_factory=dict)  # word -> {"party": code, "state": code}
    codes: dict[str, TypeCode] = field(default_factory=dict)  # canonical code -> TypeCode
    code_exact: dict[str, str] = field(default_factory=dict)  # fold_code_keep_d(spelling) -> canonical code
    code_ascii: dict[str, str] = field(default_factory=dict)  # fold_code(spelling) -> canonical code
    bodies: dict[str, Body] = field(default_factory=dict)
    issuer_exact: dict[str, str] = field(default_factory=dict)  # fold_code_keep_d(code) -> canonical issuer code
    issuer_ascii: dict[str, str] = field(default_factory=dict)
    issuer_body: dict[str, str] = field(default_factory=dict)  # canonical issuer code -> body id
    body_names: dict[str, str] = field(default_factory=dict)  # spelling -> body id
    body_forms: dict[str, BodyForm] = field(default_factory=dict)  # spelling -> the name it is a spelling of
    ordinals: dict[str, int] = field(default_factory=dict)
    quantity_words: tuple[str, ...] = ()
    max_central_term: int = 14
    # Memo of token -> canonical code lookups (tokens repeat endlessly across a corpus).
    _type_cache: dict[str, str | None] = field(default_factory=dict, repr=False)
    _issuer_cache: dict[str, str | None] = field(default_factory=dict, repr=False)

    def type_code(self, token: str) -> str | None:
        """Canonical type code for a token as written ('QĐI' -> 'QĐi', 'nd' -> 'NĐ'), or None."""
        try:
            return self._type_cache[token]
        except KeyError:
            pass
        found = self._type_code(token)
        self._type_cache[token] = found
        return found

    def _type_code(self, token: str) -> str | None:
        exact = self.code_exact.get(fold_code_keep_d(token))
        if exact:
            return exact
        return self.code_ascii.get(fold_code(token))

    def issuer_code(self, token: str) -> str | None:
        """Canonical issuer code for a known issuer token ('TTG' -> 'TTg', 'ducA' -> 'ĐUCA'), else None."""
        try:
            return self._issuer_cache[token]
        except KeyError:
            pass
        found = self._issuer_code(token)
        self._issuer_cache[token] = found
        return found

    def _issuer_code(self, token: str) -> str | None:
        t = fold_code_keep_d(token)
        hit = self.issuer_exact.get(t) or self.issuer_ascii.get(fold_code(token))
        if hit:
            return hit
        for family in ("UBTVQH", "QH"):  # National Assembly codes carry the legislature number
            f = fold_code(token)
            if f.startswith(family) and f[len(family):].isdigit():
                return family + f[len(family):]
        return None


def _word_keys(word: str) -> set[str]:
    """The spellings of a type word a reader may meet: each syllable with or without its marks
    ('nghị quyết', 'nghi quyết', 'nghị quyet', 'nghi quyet')."""
    keys = {""}
    for syllable in word.lower().split(" "):
        forms = {syllable, strip_marks(syllable)}
        keys = {f"{k} {f}" if k else f for k in keys for f in forms}
    return keys


@cache
def lexicon() -> Lexicon:
    """The lexicon, loaded once per process."""
    return build_lexicon(load_json("doc_types.json"), load_json("bodies.json"), load_json("numerals.json"))


def build_lexicon(types: dict[str, Any], bodies: dict[str, Any], numerals: dict[str, Any]) -> Lexicon:
    """The lookup tables of the data files' contents (``doc_types.json``, ``bodies.json``, ``numerals.json``)."""
    lex = Lexicon()
    _add_types(lex, types)
    _add_bodies(lex, bodies)
    lex.ordinals = dict(numerals["ordinals"])
    lex.quantity_words = tuple(numerals["quantity_words"])
    lex.max_central_term = int(numerals["max_central_term"])
    return lex


def _add_types(lex: Lexicon, types: dict[str, Any]) -> None:
    for entry in types["words"]:
        for spelling in (entry["word"], *entry["aliases"]):
            for key in _word_keys(spelling):
                lex.type_words.setdefault(key, entry["word"])
    for entry in types["codes"]:
        code = entry["code"]
        tc = TypeCode(code=code, party=entry.get("party"), state=entry.get("state"),
                      in_party="party" in entry, in_state="state" in entry, copy=bool(entry.get("copy")),
                      alone=bool(entry.get("alone")), compact=bool(entry.get("compact")),
                      sole_issuer=tuple(entry["sole_issuer"]) if entry.get("sole_issuer") else None)
        lex.codes[code] = tc
        lex.code_exact.setdefault(fold_code_keep_d(code), code)
        lex.code_ascii.setdefault(fold_code(code), code)
        for system in ("party", "state"):
            word = entry.get(system)
            if word:
                lex.word_codes.setdefault(word, {}).setdefault(system, code)
    # A word whose Party code is ambiguous (Quy định: QĐ or QĐi) is written QĐ in most central numbers.
    lex.word_codes.setdefault("Quyết định", {})["party"] = "QĐ"
    lex.word_codes["Quy định"]["party"] = "QĐ"


def _add_bodies(lex: Lexicon, bodies: dict[str, Any]) -> None:
    for b in bodies["bodies"]:
        own = BodyForm(b["id"], b["name"], b.get("short"))
        forms = [(own, tuple(b.get("aliases", ())))] + [
            (BodyForm(b["id"], f["name"], f.get("short"), f.get("district")), tuple(f.get("aliases", ())))
            for f in b.get("forms", ())]
        spellings = [(s, form) for form, aliases in forms
                     for s in (form.name, *aliases, *((form.short,) if form.short else ()))]
        body = Body(id=b["id"], name=b["name"], short=b.get("short"),
                    aliases=tuple(dict.fromkeys(s for s, _ in spellings if s != own.name)),
                    codes=tuple(b.get("codes", ())), parent=b.get("parent"), level=b.get("level", ""),
                    system=b.get("system", ""), scoped=bool(b.get("scoped")), qualifier=b.get("qualifier"),
                    forms=tuple(form for form, _ in forms))
        lex.bodies[body.id] = body
        for code in body.codes:
            canonical = _listed_issuer_code(code, body)
            lex.issuer_exact.setdefault(fold_code_keep_d(code), canonical)
            lex.issuer_ascii.setdefault(fold_code(code), canonical)
            lex.issuer_body.setdefault(canonical, body.id)
        for spelling, form in spellings:
            lex.body_names.setdefault(spelling, body.id)
            lex.body_forms.setdefault(spelling, form)
    lex.issuer_exact[fold_code_keep_d("TƯ")] = "TW"  # TƯ: central unless the context is provincial


def _listed_issuer_code(code: str, body: Body) -> str:
    """The canonical issuer code of a code listed for ``body``: 'TƯ' (Trung ương) is the central
    committee's TW, but listed for a provincial committee it is that committee's TU; any other code
    is its own canonical form."""
    if code != "TƯ":
        return code
    return "TW" if body.level == "central" else "TU"


@cache
def issuer_system(code: str) -> str | None:
    """'party', 'state' or 'union' (mass organisations) for an issuer code; None when unknown.

    Unknown Party bodies follow the naming of known ones: a code ending in TW/TU/HU/QU
    (Ban X Trung ương, ... Tỉnh ủy, Huyện ủy, Quận ủy) or starting with ĐU (Đảng ủy).
    """
    lex = lexicon()
    first = code.split("-")[0]
    body = lex.bodies.get(lex.issuer_body.get(first, ""), None)
    if body is not None:
        return body.system
    f = fold_code_keep_d(first)
    if f.startswith("TWĐ"):
        return "union"
    if f.endswith(("TW", "TU", "HU", "QU", "TƯ")) or f.startswith("ĐU"):
        return "party"
    return None


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
         "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16, "XVII": 17, "XVIII": 18,
         "XIX": 19, "XX": 20, "XXI": 21, "XXII": 22, "XXIII": 23, "XXIV": 24, "XXV": 25}
ARABIC_TO_ROMAN = {v: k for k, v in ROMAN.items()}


def term_number(token: str) -> int | None:
    """'XII' or '12' -> 12; None for anything else."""
    t = token.strip().upper()
    if t.isdigit():
        return int(t)
    return ROMAN.get(t)
