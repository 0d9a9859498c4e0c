"""The graph's figures (``graphbuild stats``, the web home page): most-cited documents, most active issuers,
citations per year, totals.

Counted in one pass over each of the few triple patterns they need, read from the store as they are
(``quads_for_pattern``), not by SPARQL aggregates: grouping 430k mentions with joins took the store
about 30 s at 100k articles, the passes take a few seconds.  The answers are those of the SPARQL
they replace (the tests compare both): a document's mentions and citing articles, an issuer's
documents and the articles citing any of them, a year's mentions and articles by the article's date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pyoxigraph as ox

from graphbuild.ask.documents import Graph
from graphbuild.write.store import DCT, ELI, GB, ID, NIF, RDFS

Node = Any  # a subject or object as the store gives it (node, literal or quoted triple)

_REFERS, _CONTEXT = ox.NamedNode(GB + "refersTo"), ox.NamedNode(NIF + "referenceContext")
_REFERENCES, _ISSUED = ox.NamedNode(DCT + "references"), ox.NamedNode(DCT + "issued")
_PASSED_BY, _LABEL = ox.NamedNode(ELI + "passed_by"), ox.NamedNode(RDFS + "label")


def figures(g: Graph, limit: int = 10) -> dict[str, Any]:
    """Totals, the ``limit`` most cited documents and most active issuers, and citations per year."""
    store = g.store
    article_of = {q.subject: q.object for q in store.quads_for_pattern(None, _CONTEXT, None)}
    mentions_by_article = Counter(article_of.values())
    doc_mentions: Counter[Node] = Counter()
    doc_articles: defaultdict[Node, set[Node]] = defaultdict(set)
    for q in store.quads_for_pattern(None, _REFERS, None):
        article = article_of.get(q.subject)
        if article is not None:
            doc_mentions[q.object] += 1
            doc_articles[q.object].add(article)
    top = sorted(doc_mentions, key=lambda d: (-len(doc_articles[d]), -doc_mentions[d], d.value))[:limit]
    kinds = Counter(d.kind for d in g.documents.values())
    return {"articles": len(mentions_by_article), "mentions": len(article_of),
            "documents": sum(v for k, v in kinds.items() if k != "citekey"), "citation_keys": kinds.get("citekey", 0),
            "top_documents": [{"document": _local(d), "label": _label(store, d), "articles": len(doc_articles[d]),
                               "mentions": doc_mentions[d]} for d in top],
            "top_issuers": _issuers(store, limit), "per_year": _per_year(store, mentions_by_article)}


def _issuers(store: ox.Store, limit: int) -> list[dict[str, Any]]:
    """Bodies by the articles citing any document they passed, then by those documents."""
    docs: defaultdict[Node, set[Node]] = defaultdict(set)
    for q in store.quads_for_pattern(None, _PASSED_BY, None):
        docs[q.object].add(q.subject)
    citing: defaultdict[Node, set[Node]] = defaultdict(set)
    for q in store.quads_for_pattern(None, _REFERENCES, None):
        citing[q.object].add(q.subject)
    articles = {body: set().union(*(citing.get(d, ()) for d in ds)) for body, ds in docs.items()}
    ranked = sorted(docs, key=lambda b: (-len(articles[b]), -len(docs[b]), b.value))[:limit]
    return [{"body": b.value[len(ID):], "label": _label(store, b), "documents": len(docs[b]),
             "articles": len(articles[b])} for b in ranked]


def _per_year(store: ox.Store, mentions_by_article: Counter[Node]) -> list[dict[str, int]]:
    """Mentions and articles per year of the article's date (articles with no date are not counted)."""
    mentions: Counter[int] = Counter()
    articles: Counter[int] = Counter()
    for q in store.quads_for_pattern(None, _ISSUED, None):
        n = mentions_by_article.get(q.subject)
        year = _year(str(getattr(q.object, "value", "")))
        if n and year is not None:
            mentions[year] += n
            articles[year] += 1
    return [{"year": y, "mentions": mentions[y], "articles": articles[y]} for y in sorted(mentions)]


def _year(value: str) -> int | None:
    head = value[:5] if value.startswith("-") else value[:4]
    try:
        return int(head)
    except ValueError:
        return None


def _label(store: ox.Store, node: Node) -> str | None:
    for q in store.quads_for_pattern(node, _LABEL, None):
        return str(getattr(q.object, "value", ""))
    return None


def _local(node: Node) -> str:
    value = str(node.value)
    return value[len(ID):] if value.startswith(ID) else value
