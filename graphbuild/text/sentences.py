"""Sentences: where the sentence around a reference starts and ends, as the extractor and the answers cut it.

A sentence ends at a line break or '. '; it also starts after '; '.  One module so that the
``sentence_start``/``sentence_end`` of a mention and the sentence ``cites`` shows are the same text.
"""

from __future__ import annotations


def sentence_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence around each (start, end) of ``spans`` (in text order): from the last break before
    the start ('\\n', '. ', '; ') to the next break after the end ('\\n', '. ').

    One pass: each backward search covers only the text since the previous mention, and a
    forward search is reused while it still lies ahead.  A plain ``rfind``/``find`` per mention
    rescanned whole lines (quadratic on a long line dense with references), and listing every
    break up front cost more than the searches of a typical article, most of whose sentences
    hold no reference.
    """
    n = len(text)
    out = []
    rfind, find = text.rfind, text.find
    seen = 0  # breaks ending at or before ``seen`` are known: the last of each kind is kept
    nl = dot = semi = -1
    nl_from, nl_at, dot_from, dot_at = n + 1, -1, n + 1, -1  # find(sub, *_from) == *_at
    for start, end in spans:
        if start >= seen:  # only breaks ending after ``seen`` can be new
            back = seen - 1 if seen else 0
            i = rfind("\n", seen, start)
            if i > nl:
                nl = i
            i = rfind(". ", back, start)
            if i > dot:
                dot = i
            i = rfind("; ", back, start)
            if i > semi:
                semi = i
        else:  # out of order: search from the beginning
            nl, dot, semi = rfind("\n", 0, start), rfind(". ", 0, start), rfind("; ", 0, start)
        seen = start
        lo = nl
        if dot >= lo:
            lo = dot + 1
        if semi >= lo:
            lo = semi + 1
        if lo >= 0 and (text[lo:lo + 1] == "\n" or text[lo:lo + 1] == " "):
            lo += 1
        elif lo < 0:
            lo = 0
        if not (nl_from <= end and (nl_at == -1 or nl_at >= end)):
            nl_from, nl_at = end, find("\n", end)
        if not (dot_from <= end and (dot_at == -1 or dot_at >= end)):
            dot_from, dot_at = end, find(". ", end)
        if nl_at == -1:
            hi = n if dot_at == -1 else dot_at + 1
        else:
            hi = (nl_at if dot_at == -1 or nl_at < dot_at else dot_at) + 1
        if text[hi - 1:hi] == "\n":
            hi -= 1
        out.append((lo, hi if hi < n else n))
    return out


def sentence_around(text: str, start: int, end: int, width: int = 240) -> str:
    """The sentence holding text[start:end] with the reference marked »…«, trimmed to ``width`` each side.

    An ellipsis shows where the sentence was trimmed, never where it ends.
    """
    (first, last), = sentence_spans(text, [(start, end)])
    lo, hi = max(first, start - width), min(last, end + width)
    before, after = text[lo:start], text[end:hi]
    if lo > first:
        before = "…" + before.lstrip()
    if hi < last:
        after = after.rstrip() + "…"
    return " ".join(f"{before}»{text[start:end]}«{after}".split())
