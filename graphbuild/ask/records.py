"""The flat rows ``cites``, ``refs``, ``show`` and ``stats`` write as json, jsonl or csv, and their CSV columns.

One place for the machine-readable side of the asking commands: scripts read these keys, so
the command line, the notebook and tests take them from here rather than each spelling them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from graphbuild.ask.documents import Document
from graphbuild.ask.query import CITATION_KEYS, ArticleRefs, Citation, DocumentInfo

Row = dict[str, Any]

CITES_COLUMNS = (*CITATION_KEYS, "url", "mentions", "resolved_by")
REFS_COLUMNS = ("article", "title", "date", "source", "document", "label", "kind", "mentions", "surfaces")
SHOW_COLUMNS = ("document", "label", "kind", "number", "type", "date", "term", "issuer", "subject", "articles",
                "citations")
# The lists of a stats answer, each with the columns of its rows
STATS_SECTIONS = (("top_documents", ("document", "label", "articles", "mentions")),
                  ("top_issuers", ("body", "label", "documents", "articles")),
                  ("per_year", ("year", "articles", "mentions")))
STATS_COLUMNS = ("section", "document", "body", "label", "year", "documents", "articles", "mentions")


def cites_rows(per_document: Iterable[tuple[Document, list[Citation]]]) -> list[Row]:
    """One row per (document, article) citation."""
    return [c.to_dict() for _, rows in per_document for c in rows]


def refs_rows(found: Iterable[ArticleRefs]) -> list[Row]:
    """One row per (article, document it cites)."""
    return [{"article": a.article, "title": a.title, "date": a.date, "source": a.source,
             **asdict(r), "article_iri": a.article_iri}
            for a in found for r in a.references]


def show_rows(infos: Iterable[DocumentInfo]) -> list[Row]:
    """One row per document described."""
    return [asdict(i) for i in infos]


def stats_rows(totals: dict[str, Any]) -> list[Row]:
    """One row per entry of each list of a :func:`graphbuild.ask.query.stats` answer, with its ``section``."""
    return [{"section": name, **r} for name, _ in STATS_SECTIONS for r in totals[name]]
