"""The extractor's references as :class:`~graphbuild.domain.model.Mention` values: offsets moved back
from the folded text to the text as given, with the sentence around each and its relations."""

from __future__ import annotations

from typing import Any

from graphbuild.domain.model import Mention
from graphbuild.extract.document_ids import assign_id
from graphbuild.extract.ref import Ref
from graphbuild.extract.relations import RelationNote
from graphbuild.text.normalize import to_original
from graphbuild.text.sentences import sentence_spans


def to_mentions(text: str, offsets: list[int] | None, source: str, refs: list[Ref]) -> list[Mention]:
    """One Mention per reference; ``offsets`` is the folded text's offset map (None: same offsets)."""
    spans = [(r.start, r.end) for r in refs] if offsets is None else [to_original(offsets, r.start, r.end) for r in refs]
    sentences = sentence_spans(text, spans)
    return [_to_mention(text, offsets, source, r, span, sentence)
            for r, span, sentence in zip(refs, spans, sentences, strict=True)]


def _to_mention(text: str, offsets: list[int] | None, source: str, r: Ref, span: tuple[int, int],
                sentence: tuple[int, int]) -> Mention:
    start, end = span
    relations = [_relation(text, offsets, r, note) for note in r.relations] if r.relations else []
    # Positional, in Mention's field order (this runs once per mention; keywords cost a third more).
    return Mention(
        source, start, end, text[start:end], r.kind, r.doc_type, r.number, r.type_code, r.issuer_code,
        r.year, r.date, r.issuer, r.plenum, r.congress, r.term, r.subject, r.key, r.form,
        to_original(offsets, r.antecedent.start, r.antecedent.end)[0] if r.antecedent else None,
        sentence, relations,
    )


def _relation(text: str, offsets: list[int] | None, source: Ref, note: RelationNote) -> dict[str, Any]:
    """One stated relation as the extract contract gives it: the target's span and id, the words stating it."""
    relation, target, w0, w1 = note
    if target.key is None:
        assign_id(target)
    if source.key is None:
        assign_id(source)
    t0, t1 = to_original(offsets, target.start, target.end)
    w0, w1 = to_original(offsets, w0, w1)
    return {"relation": relation, "target": str(target.key), "start": t0, "end": t1, "surface": text[t0:t1],
            "source": str(source.key), "words": text[w0:w1], "words_start": w0, "words_end": w1}
