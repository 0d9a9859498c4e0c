"""Document keys: a document *as the text cites it*, before resolution adds dates and places.

A :class:`DocumentKey` is made once, where the extractor reads a reference, and passed on with
the mention; the resolver and ``query`` read its parts.  Its string form (the ``id`` of the
extract contract) is readable, stable, and parses back to an equal key with
:meth:`DocumentKey.parse` — the one parser, for ids that come from outside (the catalogue's
JSON, cached or JSON mentions, a user's query):

    party:205-QĐ/TW             Party number N-TYPE/ISSUER
    party:159-TB                Party number whose issuer the text left out
    state:108/2014/NĐ-CP        state number with a year
    state:439/QĐ-TTg            state number without a year
    state:22/2018/QH14          law / resolution of the National Assembly (no type code)
    state:19046/BTC-TCHQ        official letter: issuer and unit, no type code
    named:plenum/XII/6          resolution of plenum 6 of the XIIth Central Committee
    named:congress/XIII         resolution of the XIIIth Party Congress
    named:charter               the Party Charter (Điều lệ Đảng)
    bare:CT/35                  a type word + number with no code (type code from the word)
    bare:Chỉ thị/35             ... where the word has no code
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache


def canonical_number(number: str) -> str:
    """Digits without leading zeros, padded to two as numbers are written ("6" -> "06")."""
    m = re.fullmatch(r"0*(\d+)(.*)", number.strip())
    if not m:
        return number.strip()
    digits = m.group(1)
    return digits.zfill(2) + m.group(2).lower()


_PARTY = re.compile(r"party:(?P<number>[^-/]+)(?:-(?P<type_code>[^/]+))?(?:/(?P<issuer_code>.+))?")
_STATE = re.compile(r"state:(?P<number>[^/]+)(?:/(?P<year>\d{4}))?(?:/(?P<symbol>.+))?")


@dataclass(frozen=True)
class DocumentKey:
    """The parts of a cited document's number (or name), as the text gives them.

    ``kind`` is the id's scheme: ``party``, ``state``, ``named`` or ``bare``.  Which fields are
    set depends on it: a Party number has ``number``, ``type_code`` and ``issuer_code``; a state
    number ``number``, ``year`` and ``symbol`` (its type and issuer codes as one, since telling
    them apart needs the lexicon); a bare number ``symbol`` (the type code, or the type word
    where it has none) and ``number``; a named document ``name`` (``plenum``, ``congress`` or
    ``charter``) with ``plenum`` and ``term`` or ``congress``.  Make keys with the constructors
    below (they canonicalise the number), or with :meth:`parse` from an id.
    """

    kind: str
    number: str | None = None
    type_code: str | None = None
    issuer_code: str | None = None
    year: int | None = None
    symbol: str | None = None
    name: str | None = None
    plenum: int | None = None
    term: str | None = None
    congress: str | None = None

    # ---- made where the extractor reads a reference

    @classmethod
    def party(cls, number: str, type_code: str | None, issuer_code: str | None) -> DocumentKey:
        return cls("party", canonical_number(number), type_code or None, issuer_code or None)

    @classmethod
    def state(cls, number: str, year: int | None, type_code: str | None, issuer_code: str | None) -> DocumentKey:
        symbol = "-".join(p for p in (type_code, issuer_code) if p)
        return cls("state", canonical_number(number), year=year or None, symbol=symbol or None)

    @classmethod
    def bare(cls, type_code_or_word: str, number: str) -> DocumentKey:
        return cls("bare", canonical_number(number), symbol=type_code_or_word)

    @classmethod
    def of_plenum(cls, plenum: int, term: str | None) -> DocumentKey:
        return cls("named", name="plenum", plenum=plenum, term=term)

    @classmethod
    def of_congress(cls, congress: str) -> DocumentKey:
        return cls("named", name="congress", congress=congress)

    # ---- read from an id

    @staticmethod
    @lru_cache(maxsize=1 << 16)
    def parse(doc_id: str) -> DocumentKey:
        """The key an id names; ``ValueError`` for a string that is no id.

        Memoised (keys are frozen, so one may be shared): ids from a cache or a worker repeat a
        few thousand ids tens of thousands of times.  Errors are not memoised.
        """
        scheme = doc_id.split(":", 1)[0]
        if scheme == "party":
            m = _PARTY.fullmatch(doc_id)
            if m:
                return DocumentKey("party", m["number"], m["type_code"], m["issuer_code"])
        elif scheme == "state":
            m = _STATE.fullmatch(doc_id)
            if m:
                return DocumentKey("state", m["number"], year=int(m["year"]) if m["year"] else None,
                                   symbol=m["symbol"])
        elif doc_id == str(CHARTER):
            return CHARTER
        elif doc_id.startswith("named:plenum/"):
            _, term, plenum = doc_id.split("/")
            return DocumentKey.of_plenum(int(plenum), None if term == "?" else term)
        elif doc_id.startswith("named:congress/"):
            return DocumentKey.of_congress(doc_id.split("/", 1)[1])
        elif scheme == "bare":
            code, number = doc_id[5:].rsplit("/", 1)
            return DocumentKey("bare", number, symbol=code)
        raise ValueError(f"not a graphbuild document id: {doc_id!r}")

    # ---- what it says

    def __str__(self) -> str:
        return self._id

    @cached_property
    def _id(self) -> str:
        """The id (see the module docstring); kept, since mentions of one document share their key."""
        if self.kind == "named":
            if self.name == "plenum":
                return f"named:plenum/{self.term or '?'}/{self.plenum}"
            if self.name == "congress":
                return f"named:congress/{self.congress}"
            if self.is_charter:
                return "named:charter"
        elif self.kind in ("party", "state", "bare"):
            return f"{self.kind}:{self.cited_as}"
        raise ValueError(f"a key with no id: {self!r}")

    @cached_property
    def cited_as(self) -> str:
        """The id after its scheme: the number as cited ('205-QĐ/TW', '108/2014/NĐ-CP', 'CT/35', 'plenum/XII/6')."""
        if self.kind == "party":
            body = f"{self.number}-{self.type_code}" if self.type_code else f"{self.number}"
            return f"{body}/{self.issuer_code}" if self.issuer_code else body
        if self.kind == "state":
            return "/".join([f"{self.number}", *(str(p) for p in (self.year, self.symbol) if p)])
        if self.kind == "bare":
            return f"{self.symbol}/{self.number}"
        return self._id.split(":", 1)[1]

    @property
    def is_charter(self) -> bool:
        return self.name == "charter"


CHARTER = DocumentKey("named", name="charter")


def party_id(number: str, type_code: str | None, issuer_code: str | None) -> str:
    """The id of a Party number (for callers that look an id up as text)."""
    return str(DocumentKey.party(number, type_code, issuer_code))


def state_id(number: str, year: int | None, type_code: str | None, issuer_code: str | None) -> str:
    """The id of a state number (for callers that look an id up as text)."""
    return str(DocumentKey.state(number, year, type_code, issuer_code))
