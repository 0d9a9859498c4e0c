"""The key of each reference: the document as cited (a DocumentKey), made from its parts (the formats are
:mod:`graphbuild.domain.ids`).  Every id the extractor makes is made here.
"""

from __future__ import annotations

from functools import lru_cache

from graphbuild.domain import ids
from graphbuild.extract.ref import Ref
from graphbuild.text.lexicon import lexicon

# The key constructors are pure and their arguments repeat endlessly across a corpus (the same numbers
# and codes in article after article): memoised, they cost a dict lookup.
canonical_number = lru_cache(maxsize=16384)(ids.canonical_number)
_party_key = lru_cache(maxsize=16384)(ids.DocumentKey.party)
_state_key = lru_cache(maxsize=16384)(ids.DocumentKey.state)
_bare_key = lru_cache(maxsize=16384)(ids.DocumentKey.bare)


def assign_id(ref: Ref) -> None:
    """Give ``ref`` the id of the document as cited (:mod:`graphbuild.domain.ids`): the one place the extractor makes ids."""
    if ref.kind == "named":
        if ref.plenum is not None:
            ref.key = ids.DocumentKey.of_plenum(ref.plenum, ref.term)
        elif ref.doc_type == "Điều lệ":
            ref.key = ids.CHARTER
        else:
            ref.key = ids.DocumentKey.of_congress(ref.congress or "?")
    elif ref.form == "short" or (ref.form == "list" and ref.issuer_code is None and ref.type_code is None):
        if ref.kind == "state" and ref.year:
            sole = lexicon().codes[ref.type_code].sole_issuer if ref.type_code in lexicon().codes else None
            if sole is not None and ref.issuer_code is None and ref.year >= sole[1]:
                ref.issuer_code = sole[0]  # 'Nghị định 123/2021' is the Government's 123/2021/NĐ-CP
            ref.key = _state_key(ref.number or "", ref.year, ref.type_code, ref.issuer_code)
        else:
            codes = lexicon().word_codes.get(ref.doc_type or "", {})
            code = codes.get(ref.kind) or codes.get("party") or codes.get("state")
            ref.key = _bare_key(code or ref.doc_type or "?", ref.number or "")
    elif ref.kind == "party":
        ref.key = _party_key(ref.number or "", ref.type_code, ref.issuer_code)
    else:
        ref.key = _state_key(ref.number or "", ref.year, ref.type_code, ref.issuer_code)
