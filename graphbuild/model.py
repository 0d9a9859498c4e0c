"""Domain objects as plain dataclasses: a Mention in a text, the Article it sits in.

A Mention is what the extractor reports: one place in one text that refers to one
document.  Its keys are the `graphbuild extract --format jsonl` contract (see README);
absent values are ``None`` so every key is always present in the JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The extract contract: these keys, in this order, on every JSON object.
CONTRACT_KEYS = (
    "source", "start", "end", "surface", "kind", "doc_type", "number", "type_code",
    "issuer_code", "year", "date", "issuer", "plenum", "congress", "term", "subject", "id",
)


@dataclass
class Mention:
    """One reference to a document at ``text[start:end]`` of one source text.

    kind is ``party`` (N-TYPE/ISSUER), ``state`` (N/[YYYY/]TYPE-ISSUER) or ``named``
    (a reference by name with no number: a plenum resolution, a congress resolution,
    the Party Charter).  ``id`` is the canonical document id (see :mod:`graphbuild.ids`);
    two mentions of the same document in one text carry the same id.
    """

    source: str
    start: int
    end: int
    surface: str
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
    id: str = ""
    # Not part of the minimal contract, but useful downstream:
    form: str = "full"  # full | short (type word + number only) | list (shares a type word)
    antecedent: int | None = None  # start offset of the full mention a short one refers back to
    sentence: tuple[int, int] | None = field(default=None, repr=False)
    # Documents this one's title says it implements or is about ('Hướng dẫn ... thi hành Điều lệ Đảng'):
    # [{"relation": "implements" | "cites", "target": id, "start": .., "end": .., "surface": ..}]
    relations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the extract contract (contract keys first, then extras)."""
        d = asdict(self)
        out = {k: d[k] for k in CONTRACT_KEYS}
        out["form"] = self.form
        out["antecedent"] = self.antecedent
        out["sentence_start"] = self.sentence[0] if self.sentence else None
        out["sentence_end"] = self.sentence[1] if self.sentence else None
        out["relations"] = list(self.relations)
        return out


@dataclass
class Article:
    """One article of a corpus: its text and what is known about it."""

    id: str
    text: str
    source: str
    title: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD publication date
    url: str | None = None
    province: str | None = None  # canonical province name the article is about
    line: int | None = None  # line of a JSON Lines / CSV file it came from
    meta: dict[str, Any] = field(default_factory=dict)
