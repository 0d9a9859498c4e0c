"""Document and citation-key nodes as evidence that merges in any order, and what a resolved mention is.

A :class:`DocRecord` holds evidence, not decisions: counters (citations, dates, type words),
sets (cite keys, candidates, stored conflicts), and "first" values held with the :data:`Order`
(article key, mention index) they were seen at, the smallest winning: the fields of the creating
mention (a catalogue entry before any mention), a citation key's first province, number and type
word, and per named issuer the first and last time it was named.  :meth:`DocRecord.merge` is
commutative and associative, so records built on different machines, merged in any grouping,
give the sequential result.

What the graph shows is derived when read: the issuer kept is the one fixed at creation, else the
first named issuer that fits the number's series; "issuer X (kept Y)" and "outside the number's
series" are worded exactly as reading the mentions in input order would word them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphbuild.domain.model import Mention
from graphbuild.resolve.bodies import BodyKey, body_label, body_local, is_ancestor
from graphbuild.resolve.catalogue import catalogue

if TYPE_CHECKING:  # identity imports this module: the name is for the type checker only
    from graphbuild.resolve.identity import Query

# Where a piece of evidence was seen: the article's key in input order, then the mention's
# position in it.  Any comparable tuple works as long as one build uses one kind of key: the
# sequential build uses (article index,), Spark uses (file index, record index).
Order = tuple[int | str, ...]

# Fields a document takes from the mention (or catalogue entry) that created it.  They travel as
# one group: the earliest creation wins, a catalogue entry before any mention.
ORIGIN_FIELDS: dict[str, object] = {
    "kind": None, "number": None, "type_code": None, "issuer_code": None, "year": None, "term": None,
    "province": None, "numbering_body": None, "given_issuer": None, "subject": None, "source": None,
    "catalogued": False, "fixed_date": None, "fixed_type": None, "plenum": None, "parts": (),
}
_ORIGIN_ORDER = ("kind", "number", "type_code", "issuer_code", "year", "term", "province", "numbering_body",
                 "given_issuer", "subject", "source", "catalogued", "fixed_date", "fixed_type", "plenum", "parts")
assert tuple(ORIGIN_FIELDS) == _ORIGIN_ORDER, "DocRecord.hold unpacks the origin group in this order"


def empty_counter() -> Counter:
    """An empty Counter without Counter.__init__ (whose update() call cost as much as the rest of a new record).

    Counter keeps no state of its own beyond the dict, so the bare instance is a complete one.
    """
    return _new_dict(Counter)


_new_dict = dict.__new__
EMPTY: frozenset[str] = frozenset()  # shared by every record whose set is empty (most, for three of them)

# The fields of each "first value" group, in the order their values are held (see DocRecord.hold).
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "origin": tuple(ORIGIN_FIELDS), "type": ("first_type",), "province": ("province",), "number": ("number",),
}
CATALOGUE, MENTION = 0, 1  # origin priority: the sourced catalogue beats what a text says


@dataclass(slots=True)
class DocRecord:
    """A document or citation-key node: the evidence of every mention that resolves to it.

    Everything here merges without regard to order (:meth:`merge`): counters add up, sets
    unite, and each "first" value (the creating mention's fields, a citation key's province)
    is held with the :data:`Order` it was seen at, the smallest winning.  What the graph shows
    (issuer kept, conflicts, date, type word) is derived from that evidence when read, so
    records built on different machines, merged in any grouping, give the sequential result.
    """

    local: str  # "doc/..." or "citekey/..."
    kind: str  # party | state | named | citekey
    cite_keys: frozenset[str] = EMPTY
    number: str | None = None
    doc_types: Counter = field(default_factory=empty_counter)
    type_code: str | None = None
    issuer_code: str | None = None
    dates: Counter = field(default_factory=empty_counter)
    year: int | None = None
    term: str | None = None
    given_issuer: BodyKey | None = None  # fixed by the number's series or the catalogue
    numbering_body: str | None = None
    province: str | None = None
    subject: str | None = None
    source: str | None = None
    catalogued: bool = False
    fixed_date: str | None = None  # the catalogue's date, which wins over mentions
    fixed_type: str | None = None
    first_type: str | None = None  # a citation key's type word: the first mention's
    candidates: frozenset[str] = EMPTY
    parts: tuple[str, ...] = ()
    plenum: tuple[str, int] | None = None
    conflicts: frozenset[str] = EMPTY  # stored ones (catalogue dates); see all_conflicts
    citations: int = 0
    # issuer named by mentions -> (first, last) order it was named at
    issuers: dict[BodyKey, tuple[Order, Order]] = field(default_factory=dict)
    bases: frozenset[str] = EMPTY  # citation-key bases this document is a candidate of
    # group -> (order, values held, in the group's field order: a tuple, not a dict, to keep records small)
    first: dict[str, tuple[Order, tuple]] = field(default_factory=dict)

    @property
    def is_citekey(self) -> bool:
        return self.kind == "citekey"

    # ---- evidence

    def wants(self, group: str, order: Order) -> bool:
        """Whether a value of ``group`` seen at ``order`` would replace the one held (cheap pre-check)."""
        held = self.first.get(group)
        return held is None or order < held[0]

    def hold(self, group: str, order: Order, values: tuple) -> None:
        """Hold ``values``, in the group's :data:`GROUP_FIELDS` order, unconditionally.

        Callers ask :meth:`wants` first; a tuple, not a dict of names, since this runs for every new
        record and a check of the names cost more than the setting.
        """
        self.first[group] = (order, values)
        if group == "origin":  # one unpacking, not sixteen setattr calls: the origin of every new record
            (self.kind, self.number, self.type_code, self.issuer_code, self.year, self.term, self.province,
             self.numbering_body, self.given_issuer, self.subject, self.source, self.catalogued, self.fixed_date,
             self.fixed_type, self.plenum, self.parts) = values
            return
        for k, v in zip(GROUP_FIELDS[group], values, strict=True):
            setattr(self, k, v)

    def add(self, name: str, items: Iterable[str]) -> None:
        """Add ``items`` to the set field ``name`` (the sets are frozen, so empty ones can be shared)."""
        held: frozenset[str] = getattr(self, name)
        new = [x for x in items if x not in held]
        if new:
            setattr(self, name, held.union(new))

    def name_issuer(self, key: BodyKey, order: Order) -> None:
        held = self.issuers.get(key)
        if held is None:
            self.issuers[key] = (order, order)
            return
        first, last = held  # first <= last: widen the span only when order falls outside it
        if order < first:
            self.issuers[key] = (order, last)
        elif order > last:
            self.issuers[key] = (first, order)

    def merge(self, other: DocRecord) -> DocRecord:
        """Add ``other``'s evidence (same node) to this record; commutative and associative. Returns self."""
        assert other.local == self.local, (self.local, other.local)
        for group, (order, values) in other.first.items():
            if self.wants(group, order):
                self.hold(group, order, values)
        self.cite_keys |= other.cite_keys
        self.doc_types.update(other.doc_types)
        self.dates.update(other.dates)
        self.candidates |= other.candidates
        self.conflicts |= other.conflicts
        self.citations += other.citations
        for key, (first, last) in other.issuers.items():
            self.name_issuer(key, first)
            self.name_issuer(key, last)
        self.bases |= other.bases
        return self

    # ---- derived values

    def _fits(self, body_id: str) -> bool:
        """Whether a named issuer may carry the document's number (Bộ Chính trị under TW)."""
        if self.numbering_body is None or self.kind == "state":
            return True
        cat = catalogue()
        owner = cat.body_for_code(self.issuer_code)
        return owner is None or cat.is_within(body_id, owner)

    def _kept_issuer(self) -> tuple[BodyKey | None, Order | None]:
        """The issuer shown and the order it was first named at (None when fixed at creation)."""
        if self.given_issuer:
            return self.given_issuer, None
        fitting = [(first, key) for key, (first, _last) in self.issuers.items() if self._fits(key[0])]
        if not fitting:
            return None, None
        first, key = min(fitting)
        return key, first

    @property
    def issuer(self) -> str | None:
        """Body local of eli:passed_by: fixed at creation, else the first named issuer that fits the number."""
        key, _ = self._kept_issuer()
        return body_local(key) if key else None

    def issuer_conflicts(self) -> list[str]:
        """Named issuers other than the kept one, worded as when the mentions are read in input order."""
        kept, since = self._kept_issuer()
        out = []
        for key, (first, last) in self.issuers.items():
            if key == kept:
                continue
            label = body_label(key)
            if kept is None or (since is not None and first < since):
                out.append(f"issuer {label} outside the number's series")
            if kept is not None and (since is None or last > since) and not is_ancestor(key, kept):
                out.append(f"issuer {label} (kept {body_label(kept)})")
        return out

    @property
    def date(self) -> str | None:
        """The catalogue's date, else the most cited full date (ties: earliest)."""
        if self.fixed_date:
            return self.fixed_date
        full = [(-n, d) for d, n in self.dates.items() if len(d) == 10]
        return min(full)[1] if full and not self.catalogued else None

    @property
    def doc_type(self) -> str | None:
        if self.fixed_type:
            return self.fixed_type
        if self.is_citekey:
            return self.first_type
        return min(((-n, t) for t, n in self.doc_types.items()), default=(0, None))[1]

    def all_conflicts(self) -> list[str]:
        """Stored conflicts, disagreeing issuers, and disagreeing dates and type words among the mentions.

        A catalogued document's date is the catalogue's: mention dates are not weighed against it
        here (a contradicting date was reported as "date X (catalogue Y)" when it was resolved).
        """
        out = set(self.conflicts)
        out.update(self.issuer_conflicts())
        kept = self.date
        if not self.catalogued:
            for d in self.dates:
                if kept and d != kept and len(d) == 10:
                    out.add(f"date {d} (kept {kept})")
        kept_t = self.doc_type
        for t in self.doc_types:
            if kept_t and t != kept_t:
                out.add(f"type {t} (kept {kept_t})")
        return sorted(out)

    @property
    def label(self) -> str:
        word = self.doc_type or ""
        base = f"{word} {self.number}".strip() if self.number else (self.subject or self.local)
        bits = [b for b in (self.province, self.date or (str(self.year) if self.year else None)) if b]
        if self.is_citekey:
            bits.append("?")
        return f"{base} ({', '.join(bits)})" if bits else base


def citekey_base(local: str) -> str:
    """The base a citation key is named by ("citekey/ct-tw_45" -> "ct-tw_45"): its candidates carry it in ``bases``."""
    return local.split("/", 1)[1]


def give_candidates(docs: Iterable[DocRecord]) -> None:
    """Give citation keys the documents resolved anywhere in the corpus under the same base as candidates.

    The one step that needs every record at once; Spark does the same as a join on the base.
    """
    docs = list(docs)
    by_base: dict[str, set[str]] = {}
    for d in docs:
        for base in d.bases:
            by_base.setdefault(base, set()).add(d.local)
    for d in docs:
        if d.is_citekey:
            d.add("candidates", by_base.get(citekey_base(d.local), ()))


@dataclass
class Citation:
    """One resolved mention: where it is, which node it refers to, and how that was decided.

    A mention lacking part of its key is *pending* until every article is read
    (:mod:`graphbuild.resolve.identity`): its ``target`` is then ``pending/…`` and ``pending`` holds
    it; :meth:`graphbuild.resolve.resolver.Resolver.settle_pending` fills both in.
    """

    mention: Mention
    target: str  # local of a DocRecord
    antecedent: int | None = None  # start offset of the antecedent mention
    resolved_by: str | None = None  # graphbuild.resolve.identity.RESOLVED_BY; None for a citation key
    pending: Pending | None = None


@dataclass(slots=True)
class Pending:
    """A mention whose document is decided after the read: its query, where it was seen, and the node it falls
    back to when no document fits (the citation key it had before corpus-level resolution)."""

    order: Order  # (article key..., mention index): the order its evidence is held at
    query: Query
    mention: Mention
    province: str | None  # the article's
    fallback: tuple[str, str | None]  # (citation-key base, its province)
    follows: bool = False  # a short form or repeat of a pending mention of the same article
    target: str | None = None  # decided by Resolver.settle_pending
    resolved_by: str | None = None
    where: tuple[str, str] | None = None  # the build's note of where its triples go: (mention node, article node)


@dataclass
class Stats:
    articles: int = 0
    citations: int = 0
    ambiguous: int = 0
    resolved_by: Counter = field(default_factory=Counter)  # links by how they were decided

    def merge(self, other: Stats) -> Stats:
        self.articles += other.articles
        self.citations += other.citations
        self.ambiguous += other.ambiguous
        self.resolved_by.update(other.resolved_by)
        return self
