"""The JSON rows a build writes: one per mention (``mentions.jsonl``, Spark's ``mentions/``), and the
one encoder of mentions.jsonl's lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

import orjson

from graphbuild.domain.model import Article
from graphbuild.graph.namespaces import ID
from graphbuild.resolve.records import Citation

# The work files a build reads back itself (citation keys, conflicts), written with surrogatepass: the standard
# encoder, one instance (``json.dumps(..., ensure_ascii=False)`` builds a new one per call).
encode = json.JSONEncoder(ensure_ascii=False).encode
_AS_LINE = orjson.OPT_APPEND_NEWLINE
# For the rare value orjson refuses (a lone surrogate in a name): the standard library's, escaped to ASCII.
_encode_ascii = json.JSONEncoder(separators=(",", ":")).encode


def encode_line(row: Any) -> bytes:
    """One JSON Lines line of ``row``, UTF-8, compact (no spaces after ``,`` and ``:``), ending in a newline.

    orjson: a tenth of the standard encoder's CPU, which was a fifth of the build's main process
    (bench/README.md §5).  A string orjson will not encode (a lone surrogate) comes out as
    ``json.dumps`` escapes it, ``\\udXXX``, so the line is still valid UTF-8 and JSON.
    """
    try:
        return orjson.dumps(row, option=_AS_LINE)
    except TypeError:
        return (_encode_ascii(row) + "\n").encode("ascii")


def decode_line(line: bytes | str) -> Any:
    """The value of one line :func:`encode_line` wrote (any JSON text)."""
    return orjson.loads(line)


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


def write_mentions(fh: IO[bytes], article: Article, citations: Iterable[Citation]) -> None:
    """mentions.jsonl: one line per mention of ``article``."""
    for c in citations:  # a line at a time: one huge article's rows are never all held at once
        fh.write(encode_line(mention_row(article, c)))
