"""Domain objects as plain dataclasses: a Mention in a text, the Article it sits in.

A Mention is what the extractor reports: one place in one text that refers to one
document.  Its keys are the `graphbuild extract --format jsonl` contract (see README);
absent values are ``None`` so every key is always present in the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from graphbuild.domain.ids import DocumentKey

# The keys of a mention (the extract contract): in this order on every JSON object of `extract` and mentions.jsonl.
MENTION_KEYS = (
    "source", "start", "end", "surface", "kind", "doc_type", "number", "type_code",
    "issuer_code", "year", "date", "issuer", "plenum", "congress", "term", "subject", "id",
)


@dataclass
class Mention:
    """One reference to a document at ``text[start:end]`` of one source text.

    kind is ``party`` (N-TYPE/ISSUER), ``state`` (N/[YYYY/]TYPE-ISSUER) or ``named``
    (a reference by name with no number: a plenum resolution, a congress resolution,
    the Party Charter).  ``key`` is the document as the text cites it, made by the extractor
    (see :mod:`graphbuild.domain.ids`); two mentions of the same document in one text carry the
    same key.  ``id``, the contract's key, is its string form.
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
    key: DocumentKey | None = None
    # Not part of the minimal contract, but useful downstream:
    form: str = "full"  # full | short (type word + number only) | list (shares a type word)
    antecedent: int | None = None  # start offset of the full mention a short one refers back to
    sentence: tuple[int, int] | None = field(default=None, repr=False)
    # What the text states this document implements, rests on, amends, repeals or guides (graphbuild.extract.relations):
    # [{"relation": "implements" | "based_on" | "amends" | "repeals" | "guides" | "cites", "target": id,
    #   "start": .., "end": .., "surface": .. (the target's span), "source": id, "words": .., "words_start": ..,
    #   "words_end": .. (the words stating it)}]
    relations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The canonical document id: the key's string form ("" for a mention without one)."""
        return "" if self.key is None else str(self.key)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the extract contract (contract keys first, then extras)."""
        # getattr, not dataclasses.asdict: the contract fields are scalars, and asdict's deep copy
        # was the single largest cost of a build's main process (2 s per 10k mentions).
        out = {k: getattr(self, k) for k in MENTION_KEYS}
        out["form"] = self.form
        out["antecedent"] = self.antecedent
        out["sentence_start"] = self.sentence[0] if self.sentence else None
        out["sentence_end"] = self.sentence[1] if self.sentence else None
        out["relations"] = list(self.relations)
        return out

    def to_row(self) -> list[Any]:
        """Every field but ``source``, in field order: the compact JSON-safe form for caches and worker pipes.

        ``source`` is left out because it belongs to the article, not to the text: the same text
        read from another file gives the same mentions, so a cache keyed by text can serve it.
        """
        row: list[Any] = [getattr(self, f) for f in _ROW_FIELDS]
        row[_ROW_KEY] = self.id
        row[_ROW_SENTENCE] = list(self.sentence) if self.sentence is not None else None
        return row

    @classmethod
    def from_row(cls, row: list[Any], source: str) -> Mention:
        """The inverse of :meth:`to_row` (after a JSON round trip: the id back to its key, lists back to the
        tuple ``sentence``)."""
        m = cls(source, *row)
        m.key = DocumentKey.parse(row[_ROW_KEY]) if row[_ROW_KEY] else None
        if m.sentence is not None:
            m.sentence = (m.sentence[0], m.sentence[1])
        return m


_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Mention))
_ROW_FIELDS: tuple[str, ...] = _FIELDS[1:]  # source is first; to_row leaves it out
assert _FIELDS[0] == "source"
_ROW_KEY, _ROW_SENTENCE = _ROW_FIELDS.index("key"), _ROW_FIELDS.index("sentence")


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
