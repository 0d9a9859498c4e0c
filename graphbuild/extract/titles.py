"""Named references inside another document's title ('Hướng dẫn thi hành Điều lệ Đảng') become that
document's relations instead of citations of their own.
"""

from __future__ import annotations

import bisect

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref, Word
from graphbuild.extract.relations import note, title_relation


def titles(folded: str, original: str, refs: list[Ref], caps: list[Word]) -> list[Ref]:
    """Named references in another document's title become that document's relations.

    'Quy định số 24-QĐ/TW về thi hành Điều lệ Đảng', 'Hướng dẫn thi hành Điều lệ Đảng':
    the phrase 'thi hành Điều lệ Đảng' (or a bare 'về X') is part of the document's
    name, so the article cites the Quy định and the Charter is what the Quy định
    guides, not a citation of its own.  'Kế hoạch ... thực hiện Nghị quyết Trung
    ương 5' keeps the resolution as a citation and also records the relation.
    Numbered references are always kept as citations.  The relation of each link word is
    the relation grammar's (:func:`graphbuild.extract.relations.title_relation`).
    """
    kept: list[Ref] = []
    for ref in refs:
        if ref.kind == "named":
            head = _title_head(folded, original, kept, ref.start, caps)
            if head is not None:
                doc, link, (w0, w1) = head
                if doc is not None:
                    note(doc, title_relation(link), ref, w0, w1)
                if link in ("thi hành", "về", "về việc"):
                    continue
        kept.append(ref)
    return kept


def _title_head(folded: str, original: str, kept: list[Ref], pos: int,
                caps: list[Word]) -> tuple[Ref | None, str, tuple[int, int]] | None:
    """(document, link word, its span) when the words before ``pos`` are a document's title leading up to it.

    The document is the nearest earlier numbered reference, or ``None`` for a capitalised
    type word with no number ('Hướng dẫn thi hành ...').
    """
    lo = max(0, pos - 120)
    window = folded[lo:pos]
    cut = lo + max((m.end() for m in g.SENTENCE_BREAK.finditer(window)), default=0)
    for r in reversed(kept):
        if r.end < cut:
            break
        if r.kind != "named":
            m = g.TITLE_GAP.match(folded, r.end, pos)
            if m and m.end() == pos:
                return r, " ".join(m.group("link").lower().split()), m.span("link")
            break
    # Only the capitalised type words between the cut and pos (caps is in text order): looping
    # over every type word of the text for every named reference was quadratic.
    for i in range(bisect.bisect_left(caps, (cut,)), len(caps)):
        w_start, w_end, _ = caps[i]
        if w_start >= pos:
            break
        if w_end > pos:
            continue
        m = g.TITLE_GAP.match(folded, w_end, pos)
        if m and m.end() == pos and original[w_start].isupper():
            return None, " ".join(m.group("link").lower().split()), m.span("link")
    return None
