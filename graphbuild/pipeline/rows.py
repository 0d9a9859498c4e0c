"""The JSON rows a build writes: one per mention (``mentions.jsonl``, Spark's ``mentions/``), and the
one encoder every JSON Lines file of a build goes through.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from graphbuild.domain.model import Article
from graphbuild.graph.namespaces import ID
from graphbuild.resolve.records import Citation

# ``json.dumps(..., ensure_ascii=False)`` builds a new JSONEncoder per call, which was a third of the
# cost of writing mentions.jsonl.  Same output as json.dumps.
encode = json.JSONEncoder(ensure_ascii=False).encode


def mention_row(article: Article, c: Citation) -> dict[str, Any]:
    """The extract contract's object of one mention, plus the node it resolved to and its sentence."""
    row = c.mention.to_dict()
    row["article"] = article.id
    row["document"] = c.target  # local name of the node under https://w3id.org/graphbuild/id/
    row["document_iri"] = ID + c.target
    row["resolved_by"] = c.resolved_by  # how the link was decided (None: a citation key, or decided later)
    s0, s1 = row.get("sentence_start"), row.get("sentence_end")
    # The sentence text itself, so `cites` can show context even where the source is gone.
    row["sentence"] = article.text[s0:s1] if s0 is not None and s1 is not None else None
    return row


def write_mentions(fh: IO[str], article: Article, citations: Iterable[Citation]) -> None:
    """mentions.jsonl: one line per mention of ``article``."""
    for c in citations:
        fh.write(encode(mention_row(article, c)) + "\n")
