"""Find every document reference in a text: numbered, named, and short forms.

:func:`extract` runs the steps, each in a module of :mod:`graphbuild.extract`:
  1. fold the text for matching (:mod:`graphbuild.text.normalize`, offsets preserved);
  2. one candidate scan (:mod:`.scan`): every number + symbol shape, split into its parts with the
     lexicon (:mod:`.symbols`: party N-TYPE/ISSUER, state N/[YYYY/]TYPE-ISSUER), and every
     capitalised type word; the type word before each number (:mod:`.typewords`) and the bare
     numbers that share its symbol (:mod:`.lists`);
  3. named references (:mod:`.named`): plenum and congress resolutions, the Party Charter; laws named by
     title and date (:mod:`.laws`), as the numbered laws they are;
  4. bare references (:mod:`.bare`): a type word + number with no code, and lists sharing one type word;
  5. context (:mod:`.context`; the body's name as completed by :mod:`.issuers`): date, issuing body and
     subject around each reference, shared along lists (:mod:`.lists`); named references in a title
     become relations (:mod:`.titles`), and the relations the text states between its references are
     noted (:mod:`.relations`);
  6. ids (:mod:`.document_ids`); short forms point back to the nearest earlier full reference of
     the same document (:mod:`.shortforms`); Mentions in the text's own offsets (:mod:`.mentions`).

Speed (issue #2: within 3x of one bare ``re`` scan for the Party-number shape) comes from
scanning the whole text as few times as possible and looking at context only around hits:
the candidate scan is the only whole-text pattern beyond the fold, two one-letter scans for
the 'q' of lower-case 'nghị quyết'/'nq', and a substring search for 'điều lệ'.  The type word
before a number is found by matching type words backwards from the number; sentence breaks by
searches between mentions.  What depends only on a repeated string (a symbol's shape, a body
name, a type-word segment, a date) is memoised.
"""

from __future__ import annotations

from graphbuild.domain.model import Mention
from graphbuild.extract.bare import bare_references
from graphbuild.extract.context import context_after, context_before
from graphbuild.extract.document_ids import assign_id
from graphbuild.extract.laws import law_references
from graphbuild.extract.lists import share_across_lists, shared_symbol_list
from graphbuild.extract.mentions import to_mentions
from graphbuild.extract.named import fill_terms, named_references
from graphbuild.extract.ref import Ref, Word, implied_doc_type
from graphbuild.extract.relations import relate
from graphbuild.extract.scan import scan
from graphbuild.extract.shortforms import link_short_forms
from graphbuild.extract.titles import titles
from graphbuild.extract.typewords import type_word_before
from graphbuild.text.fold import fold_code_keep_d
from graphbuild.text.normalize import fold_for_matching


def extract(text: str, source: str = "<text>") -> list[Mention]:
    """Every reference to a Party or state document in ``text``, in text order.

    Offsets index ``text`` as given: ``text[m.start:m.end] == m.surface`` always.
    """
    folded, offsets = fold_for_matching(text)
    original_case = text if offsets is None else folded
    numbered, caps, charters, qs = scan(folded)
    refs = _references(folded, original_case, numbered, caps, charters, qs)
    fill_terms(folded, refs)
    _read_context(folded, refs)
    refs = titles(folded, original_case, refs, caps)
    relate(folded, original_case, refs)
    for ref in refs:
        _settle(ref)
    link_short_forms(refs)
    return to_mentions(text, offsets, source, refs)


def _references(folded: str, original_case: str, numbered: list[Ref], caps: list[Word], charters: list[int],
                qs: list[int]) -> list[Ref]:
    """Every reference of the text, in text order: the numbered ones of the scan with their type words
    and the bare numbers sharing their symbols, the named ones, and the bare ones; overlaps dropped."""
    shared: list[Ref] = []
    for ref in numbered:
        type_word_before(folded, ref)
        if ref.doc_type is None:
            shared += shared_symbol_list(folded, ref)
    numbered = [r for r in numbered if not r.needs_word or r.doc_type] + shared
    found = numbered + named_references(folded, caps, charters, qs) + law_references(folded, caps, numbered)
    taken = [(r.start, r.end) for r in found]
    return _drop_overlaps(found + bare_references(folded, original_case, taken, caps, numbered))


def _drop_overlaps(refs: list[Ref]) -> list[Ref]:
    """Keep the first-starting, then longest, of overlapping references (named pairs may share a span)."""
    refs.sort(key=lambda r: (r.start, -(r.end - r.start)))
    kept: list[Ref] = []
    for r in refs:
        if kept and r.start < kept[-1].end:
            last = kept[-1]
            same_span_named = r.kind == last.kind == "named" and (r.start, r.end) == (last.start, last.end)
            if not same_span_named:
                continue
        kept.append(r)
    return kept



def _read_context(folded: str, refs: list[Ref]) -> None:
    """Date, body, term and subject around each numbered reference (what is before one is looked for
    only after the previous one's context), then what listed references share."""
    floor = 0
    for ref in refs:
        if ref.kind != "named":
            context_after(folded, ref)
            context_before(folded, ref, floor)
        floor = ref.ctx_end or ref.end
    share_across_lists(folded, refs)


_PROVINCIAL = ("tinh-uy", "ban-thuong-vu-tinh-uy", "ban-chap-hanh-dang-bo-tinh")


def _settle(ref: Ref) -> None:
    """The type word its code implies when none is written, the provincial 'TƯ', and its id."""
    if ref.doc_type is None:
        ref.doc_type = implied_doc_type(ref)
    if ref.raw_issuer and ref.body_id in _PROVINCIAL and fold_code_keep_d(ref.raw_issuer) == "TƯ":
        ref.issuer_code = "TU"  # 'TƯ' written for a provincial committee
    assign_id(ref)
