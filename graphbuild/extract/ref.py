"""The record the extractor's steps fill in: a reference as found in the folded text."""

from __future__ import annotations

from dataclasses import dataclass

from graphbuild.domain import ids
from graphbuild.text.lexicon import lexicon


@dataclass(slots=True)
class Ref:
    """A reference found in the folded text (offsets in folded coordinates)."""

    start: int
    end: int
    kind: str
    doc_type: str | None = None
    number: str | None = None
    type_code: str | None = None
    issuer_code: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    plenum: int | None = None
    congress: str | None = None
    term: str | None = None
    subject: str | None = None
    form: str = "full"
    key: ids.DocumentKey | None = None
    antecedent: Ref | None = None
    ctx_end: int = 0  # end of the reference plus its date/issuer/subject
    raw_issuer: str = ""
    needs_word: bool = False  # a number that is a reference only after a type word ('số 12-NQ' with no code)
    body_id: str | None = None  # the lexicon id of the issuing body named in the text
    # (relation, target, start, end of the words stating it) the text states of this document; rare, so made
    # on demand (graphbuild.extract.relations, .titles)
    relations: list[tuple[str, Ref, int, int]] | None = None
    date_shared: bool = False  # the date phrase says it is every listed item's ('cùng ngày')


Word = tuple[int, int, str]  # (start, end, canonical type word)


def implied_doc_type(ref: Ref) -> str | None:
    """The type word a reference's type code implies in its system ('NQ' in a Party number: Nghị quyết)."""
    lex = lexicon()
    if ref.type_code is None:
        return None
    tc = lex.codes[ref.type_code]
    return tc.party if ref.kind == "party" else tc.state
