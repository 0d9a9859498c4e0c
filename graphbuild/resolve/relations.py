"""The relations an article states, between the resolved documents: the same nodes its citations resolve to.

The extractor notes each relation on its source mention, with the target's span
(:mod:`graphbuild.extract.relations`).  A relation's two ends are the nodes the resolver gave
those mentions, so a relation follows every rule of resolution (terms, years, provinces,
citation keys).  A target that is no citation of its own (the Charter in 'Quy định số 24-QĐ/TW
về thi hành Điều lệ Đảng', kept only as the Quy định's relation) is resolved here by the same
resolver, as a mention would be, without counting as a citation.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Article, Mention
from graphbuild.resolve.records import Citation, Pending
from graphbuild.resolve.resolver import Resolver


@dataclass(frozen=True, slots=True)
class StatedRelation:
    """One relation one article states: ``source relation target`` between nodes, and where it is said."""

    source: str  # local of the source node (doc/... or citekey/...)
    relation: str  # implements | based_on | amends | repeals | guides | cites
    target: str  # local of the target node
    source_span: tuple[int, int]  # the source mention
    target_span: tuple[int, int]  # the target's reference in the text
    target_cited: bool  # whether the target's reference is a citation (a mention node) of its own
    words: str  # the words that state it ('thực hiện', 'Căn cứ')
    words_span: tuple[int, int]


def stated_relations(resolver: Resolver, article: Article, citations: list[Citation]) -> list[StatedRelation]:
    """Every relation the article's mentions carry, between the nodes they resolve to, in text order.

    A relation whose two ends are one node (a document said to amend itself) is left out.
    """
    by_span: dict[tuple[int, int], str] = {}
    waiting: dict[tuple[int, int], Pending] = {}  # the mentions decided after the read, by span
    for c in citations:
        by_span.setdefault((c.mention.start, c.mention.end), c.target)
        if c.pending is not None:
            waiting.setdefault((c.mention.start, c.mention.end), c.pending)
    out: list[StatedRelation] = []
    for c in citations:
        m = c.mention
        for rel in m.relations:
            span = (rel["start"], rel["end"])
            target = by_span.get(span)
            cited = target is not None
            if target is None:
                target = _resolve_uncited(resolver, article, m, rel)
            if target is None or target == c.target:
                continue
            for end in ((m.start, m.end), span):  # a relation is written now: its ends must be nodes now
                if end in waiting:
                    resolver.keep_node(waiting[end])
            out.append(StatedRelation(c.target, rel["relation"], target, (m.start, m.end), span, cited,
                                      rel.get("words") or "", (rel.get("words_start", span[0]),
                                                               rel.get("words_end", span[0]))))
    out.sort(key=lambda r: (r.words_span, r.source_span, r.target_span, r.relation))
    return out


def _resolve_uncited(resolver: Resolver, article: Article, source: Mention, rel: dict) -> str | None:
    """The node of a relation's target that is no citation: resolved as its own mention would be."""
    key = DocumentKey.parse(rel["target"]) if rel.get("target") else None
    if key is None or not key.kind:
        return None
    m = Mention(source.source, rel["start"], rel["end"], rel.get("surface") or "", key.kind, key=key)
    return resolver.resolve_uncited(m, article)  # the resolver's own rules, not counted as a citation
