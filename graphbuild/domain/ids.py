"""Canonical document ids of the extractor, and their inverse.

An id names a document *as the text cites it* (before resolution adds dates and
places).  It is readable, stable and parses back to its parts:

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
from functools import lru_cache


def canonical_number(number: str) -> str:
    """Digits without leading zeros, padded to two as numbers are written ("6" -> "06")."""
    m = re.fullmatch(r"0*(\d+)(.*)", number.strip())
    if not m:
        return number.strip()
    digits = m.group(1)
    return digits.zfill(2) + m.group(2).lower()


def party_id(number: str, type_code: str | None, issuer_code: str | None) -> str:
    n = canonical_number(number)
    body = f"{n}-{type_code}" if type_code else n
    return f"party:{body}/{issuer_code}" if issuer_code else f"party:{body}"


def state_id(number: str, year: int | None, type_code: str | None, issuer_code: str | None) -> str:
    parts = [canonical_number(number)]
    if year:
        parts.append(str(year))
    symbol = "-".join(p for p in (type_code, issuer_code) if p)
    if symbol:
        parts.append(symbol)
    return "state:" + "/".join(parts)


def plenum_id(plenum: int, term: str | None) -> str:
    return f"named:plenum/{term or '?'}/{plenum}"


def congress_id(congress: str) -> str:
    return f"named:congress/{congress}"


CHARTER_ID = "named:charter"


def bare_id(type_code_or_word: str, number: str) -> str:
    return f"bare:{type_code_or_word}/{canonical_number(number)}"


_PARTY = re.compile(r"party:(?P<number>[^-/]+)(?:-(?P<type_code>[^/]+))?(?:/(?P<issuer_code>.+))?")
_STATE = re.compile(r"state:(?P<number>[^/]+)(?:/(?P<year>\d{4}))?(?:/(?P<symbol>.+))?")


def parse_id(doc_id: str) -> dict:
    """The parts an id encodes: kind plus number/type_code/issuer_code/year or plenum/term/congress.

    For state symbols the split between type and issuer needs the lexicon, so the
    symbol is returned whole under ``symbol``.  A fresh dict each call (callers may change it);
    see :func:`parsed_id` for the shared, memoised one.
    """
    return dict(parsed_id(doc_id))


@lru_cache(maxsize=1 << 16)
def parsed_id(doc_id: str) -> dict:
    """:func:`parse_id`, memoised: the same dict for the same id, so callers must not change it.

    Why: the resolver parses the id of every mention and catalogue entry, and a corpus cites a few
    thousand ids tens of thousands of times; the regexes were a tenth of resolving.  The result
    depends on the id alone.  Ids that do not parse raise every time (errors are not cached).
    """
    scheme = doc_id.split(":", 1)[0]
    if scheme == "party":
        m = _PARTY.fullmatch(doc_id)
        if m:
            return {"kind": "party", **m.groupdict()}
    elif scheme == "state":
        m = _STATE.fullmatch(doc_id)
        if m:
            d = m.groupdict()
            return {"kind": "state", "number": d["number"], "year": int(d["year"]) if d["year"] else None,
                    "symbol": d["symbol"]}
    elif doc_id == CHARTER_ID:
        return {"kind": "named", "doc_type": "Điều lệ"}
    elif doc_id.startswith("named:plenum/"):
        _, term, plenum = doc_id.split("/")
        return {"kind": "named", "doc_type": "Nghị quyết", "plenum": int(plenum),
                "term": None if term == "?" else term}
    elif doc_id.startswith("named:congress/"):
        return {"kind": "named", "doc_type": "Nghị quyết", "congress": doc_id.split("/", 1)[1]}
    elif scheme == "bare":
        code, number = doc_id[5:].rsplit("/", 1)
        return {"kind": "bare", "type": code, "number": number}
    raise ValueError(f"not a graphbuild document id: {doc_id!r}")
