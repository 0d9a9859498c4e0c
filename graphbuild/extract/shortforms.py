"""Short forms ('Chỉ thị 35') and bare list items linked to the full reference they repeat."""

from __future__ import annotations

from graphbuild.extract.document_ids import canonical_number
from graphbuild.extract.ref import Ref
from graphbuild.text.lexicon import lexicon


def _same_document(short: Ref, full: Ref) -> bool:
    """Whether a short form can be ``full`` again: the same number, year and type."""
    if full.form == "short" or full.kind == "named" or full.number is None or short.number is None:
        return False
    if canonical_number(full.number) != canonical_number(short.number):
        return False
    if short.year and full.year and short.year != full.year:
        return False
    if full.doc_type and short.doc_type:
        return full.doc_type == short.doc_type
    lex = lexicon()
    codes = lex.word_codes.get(short.doc_type or "", {})
    return full.type_code in codes.values()


_LINK_LOOKBACK = 64  # same-numbered earlier references a short form is compared with, nearest first


def link_short_forms(refs: list[Ref]) -> None:
    """'Chỉ thị 35' after 'Chỉ thị số 35-CT/TW' is that document: nearest earlier full reference.  A short
    form with none before it (a headline's 'Chỉ thị 35' over a body that writes the number in full) is the
    document of the full references after it, when they are all one document."""
    # Earlier non-short references by number (only the same number can match), nearest last:
    # comparing every short form with every earlier reference was quadratic on long texts.
    by_number: dict[str, list[Ref]] = {}
    for ref in refs:
        if ref.number is None:
            continue
        earlier = by_number.setdefault(canonical_number(ref.number), [])
        if ref.form == "short" or (ref.form == "list" and ref.type_code is None):
            for j in range(len(earlier) - 1, max(-1, len(earlier) - 1 - _LINK_LOOKBACK), -1):
                prev = earlier[j]
                if not _same_document(ref, prev):
                    continue
                _link(ref, prev)
                break
        if ref.form != "short":  # a short form is never an antecedent (see _same_document)
            earlier.append(ref)
    _link_forward(refs, by_number)


def _link(ref: Ref, full: Ref) -> None:
    ref.antecedent = full
    ref.kind, ref.type_code, ref.issuer_code = full.kind, full.type_code, full.issuer_code
    ref.year, ref.key = full.year, full.key
    ref.date = ref.date or full.date
    ref.issuer = ref.issuer or full.issuer


def _link_forward(refs: list[Ref], by_number: dict[str, list[Ref]]) -> None:
    """Short forms still unlinked take the full references of their number after them, if one document."""
    for ref in refs:
        if ref.form != "short" or ref.antecedent is not None or ref.number is None:
            continue
        later = [full for full in by_number.get(canonical_number(ref.number), ())[:_LINK_LOOKBACK]
                 if full.start > ref.start and _same_document(ref, full)]
        # one key and one date: the same number written in full twice with two dates may be two terms
        if later and later[0].key is not None and len({(full.key, full.date) for full in later}) == 1:
            _link(ref, later[0])
