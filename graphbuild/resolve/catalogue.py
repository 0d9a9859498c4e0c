"""What resolution looks things up in: the bodies and their number series, and the sourced catalogue.

:class:`Catalogue` indexes ``bodies.json`` (through the core lexicon) and ``catalogue.json``
(the central documents, plenums and congresses with their dates and sources) for the questions
the resolver asks of every mention: which body an issuer name or code is, whether one body sits
under another, which catalogued documents an id may be, and in which committee term a date falls.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from graphbuild.domain.ids import DocumentKey
from graphbuild.text.fold import fold_name, slug
from graphbuild.text.lexicon import Body, load_json
from graphbuild.text.lexicon import lexicon as core_lexicon

# Entries of each memo of pure answers (see Catalogue.body_for_code, Resolver._body_key) before it is emptied.
MEMO_SIZE = 1 << 16


@dataclass(frozen=True)
class CatalogueEntry:
    """One sourced central document of catalogue.json."""

    key: DocumentKey
    doc_type: str | None
    date: str | None
    issuer: str | None
    subject: str | None
    plenum: tuple[str, int] | None
    status: str
    source: str
    province: str | None = None  # a provincial document's (a user's catalogue): its series is the province's

    @property
    def id(self) -> str:
        return str(self.key)

    @property
    def term(self) -> str | None:
        """The central committee term of a central document; provincial terms are not the centre's (None)."""
        return None if self.province else term_of(self.date)


@dataclass
class Catalogue:
    """Bodies, the catalogue's documents, plenums and congresses, indexed for resolution."""

    bodies: dict[str, Body]
    by_name: dict[str, str]  # folded body name -> body id
    by_code: dict[str, str]  # issuer code -> body id whose number series it names
    entries: dict[str, list[CatalogueEntry]]  # catalogued documents by id (a reused number has several)
    plenums: dict[tuple[str, int], list[str]]  # (term, plenum) -> ids of its resolutions
    congresses: dict[str, dict[str, Any]]  # term -> its congress (closing day, first plenum)

    @cached_property
    def by_number(self) -> dict[str | None, list[CatalogueEntry]]:
        """Catalogue entries by number, in catalogue order: what a pending mention may be (see resolve.identity)."""
        index: dict[str | None, list[CatalogueEntry]] = {}
        for entries in self.entries.values():
            for e in entries:
                index.setdefault(e.key.number, []).append(e)
        return index

    @cached_property
    def bare(self) -> dict[tuple[str | None, str | None], list[CatalogueEntry]]:
        """Catalogue entries by (type code, number), in catalogue order: bare numbers ("Chỉ thị 05") look up here."""
        index: dict[tuple[str | None, str | None], list[CatalogueEntry]] = {}
        for entries in self.entries.values():
            for e in entries:
                index.setdefault((e.key.type_code, e.key.number), []).append(e)
        return index

    # Answers of body_for_name, body_for_code and the two series by argument.  Why: they run regexes,
    # once per mention, on the few hundred names and codes a corpus repeats.  Their answers depend on
    # the arguments and on the indexes, which are built once (a catalogue is not changed after it is
    # made); each memo is emptied when it reaches MEMO_SIZE entries, so odd text cannot grow it.
    _name_memo: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _code_memo: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _party_memo: dict[tuple[str | None, str | None], tuple[str, str | None, bool, bool, bool]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _state_memo: dict[tuple[str | None, ...], tuple[str, str | None, bool, bool]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def body_for_name(self, name: str | None) -> str | None:
        """Body id for an issuer name as the extractor gives it ("Bộ Chính trị", "BCH Trung ương (short)")."""
        if not name:
            return None
        memo = self._name_memo
        try:
            return memo[name]
        except KeyError:
            pass
        key = fold_name(re.sub(r"\s*\([^)]*\)\s*$", "", name))
        found = self.by_name.get(key) or self.by_name.get(fold_name(name))
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[name] = found
        return found

    def body_for_code(self, code: str | None) -> str | None:
        """Body id whose number series an issuer code names (TW, TU, CP, QH14 -> quoc-hoi)."""
        if not code:
            return None
        memo = self._code_memo
        try:
            return memo[code]
        except KeyError:
            pass
        found = None
        for part in code.split("-"):
            for cand in (part, re.sub(r"\d+$", "", part)):
                if cand in self.by_code:
                    found = self.by_code[cand]
                    break
            if found is not None:
                break
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[code] = found
        return found

    def party_series(self, type_code: str | None, issuer_code: str | None) -> tuple[str, str | None, bool, bool, bool]:
        """(symbol, numbering body, central, scoped, never unique) of a Party number's type and issuer codes.

        All a Party number's resolution asks of the bodies, memoised on both codes (all it depends
        on): a scoped series (/TU) is one per province, a district's or commune's is never unique.
        """
        memo = self._party_memo
        found = memo.get((type_code, issuer_code))
        if found is None:
            symbol = slug("-".join(x for x in (type_code, issuer_code) if x)) or "x"
            code_body = self.body_for_code(issuer_code)
            info = self.bodies[code_body] if code_body else None
            scoped = info is not None and info.scoped
            found = (symbol, code_body, code_body is not None and not scoped, scoped,
                     scoped and info is not None and info.level in ("district", "commune"))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[(type_code, issuer_code)] = found
        return found

    def state_series(self, symbol: str | None, type_code: str | None, issuer_code: str | None,
                     doc_type: str | None) -> tuple[str, str | None, bool, bool]:
        """(symbol slug, numbering body, scoped, never unique) of a state number, memoised on the key's symbol
        and the mention's three fields it reads."""
        memo = self._state_memo
        key = (symbol, type_code, issuer_code, doc_type)
        found = memo.get(key)
        if found is None:
            symbol_raw = symbol or "-".join(x for x in (type_code, issuer_code) if x)
            if symbol_raw and not type_code and doc_type and re.fullmatch(r"(QH|UBTVQH)\d*", symbol_raw):
                symbol_raw = f"{doc_type}-{symbol_raw}"  # laws and QH resolutions share the code, not the series
            code_body = self.body_for_code(issuer_code or symbol_raw)
            info = self.bodies[code_body] if code_body else None
            scoped = info is not None and info.scoped
            found = (slug(symbol_raw or doc_type or "x"), code_body, scoped,
                     scoped and info is not None and info.level in ("district", "commune"))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return found

    def is_within(self, body: str | None, ancestor: str) -> bool:
        """True when ``body`` is ``ancestor`` or one of its sub-bodies."""
        seen = 0
        while body and seen < 20:
            if body == ancestor:
                return True
            body = self.bodies[body].parent if body in self.bodies else None
            seen += 1
        return False

    def is_series_owner(self, body: str) -> bool:
        """True for bodies whose code is shared by sub-bodies (TW: BCH TW, Bộ Chính trị, Ban Bí thư)."""
        return body in ("ban-chap-hanh-trung-uong", "tinh-uy")


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """Load and index bodies.json and catalogue.json once per process."""
    return load_catalogue(())


@lru_cache(maxsize=8)
def load_catalogue(extra: tuple[str, ...]) -> Catalogue:
    """The shipped catalogue merged with the user's catalogue files ``extra`` (same schema; see the README).

    Each file is checked first (:mod:`graphbuild.resolve.user_catalogue`); a bad one raises
    :class:`~graphbuild.resolve.user_catalogue.CatalogueError` naming the file and
    the entry.  A user's entry with the id, year and province of a shipped one replaces it; plenum
    lists are joined.
    """
    from graphbuild.resolve.user_catalogue import read_user_catalogue

    bodies = dict(core_lexicon().bodies)
    by_name: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for b in bodies.values():
        for n in (b.name, b.short, *b.aliases):
            if n:
                by_name.setdefault(fold_name(n), b.id)
        for c in b.codes:
            by_code.setdefault(c, b.id)
    cat = load_json("catalogue.json")
    documents = list(cat["documents"])
    plenums = {(p["term"], p["number"]): list(p["resolutions"]) for p in cat["plenums"]}
    for path in extra:
        user = read_user_catalogue(path)
        documents = _merged(documents, user.get("documents", []))
        for p in user.get("plenums", []):
            held = plenums.setdefault((p["term"], p["number"]), [])
            held += [r for r in p["resolutions"] if r not in held]
    entries: dict[str, list[CatalogueEntry]] = {}
    for e in documents:
        p = e.get("plenum")
        entry = CatalogueEntry(DocumentKey.parse(e["id"]), e.get("doc_type"), e.get("date"), e.get("issuer"),
                               e.get("subject"), (p["term"], p["number"]) if p else None, e.get("status", ""),
                               e.get("source", ""), e.get("province"))
        entries.setdefault(e["id"], []).append(entry)
    congresses = {c["term"]: c for c in cat["congresses"]}
    return Catalogue(bodies, by_name, by_code, entries, plenums, congresses)


def _merged(shipped: list[dict[str, Any]], user: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shipped entries and the user's, a user's entry replacing a shipped one of the same id, year and province."""
    def key(e: dict[str, Any]) -> tuple:
        return e["id"], (e.get("date") or "")[:4], e.get("province")

    replaced = {key(e) for e in user}
    return [e for e in shipped if key(e) not in replaced] + list(user)


@lru_cache(maxsize=8192)
@lru_cache(maxsize=1 << 12)
def term_of(date: str | None) -> str | None:
    """Central committee term (khóa) in force on an ISO date: a term starts on its congress's closing day."""
    if not date:
        return None
    current = None
    for term, c in sorted(catalogue().congresses.items(), key=lambda kv: kv[1]["closed"]):
        if date >= c.get("first_plenum", c["closed"]):
            current = term
    return current


# Provincial and district congresses sit in the months before the national congress (Aug–Nov 2010,
# Aug–Oct 2015 and 2020, Sept–Oct 2025, before congresses in January): a date this many days before
# a national congress opens may be in either of two local terms.
LOCAL_CONGRESS_DAYS = 215


@lru_cache(maxsize=1 << 12)
def local_term_of(date: str | None) -> str | None:
    """The local (provincial, district) committee term a full ISO date is certainly in, named by the national
    term it runs beside; None when the date falls in a season of local congresses, or is not a full date."""
    if not date or len(date) < 10:
        return None
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    current = None
    for term, c in sorted(catalogue().congresses.items(), key=lambda kv: kv[1]["opened"]):
        opened = dt.date.fromisoformat(c["opened"])
        if day >= opened:
            current = term
        elif day >= opened - dt.timedelta(days=LOCAL_CONGRESS_DAYS):
            return None
    return current
