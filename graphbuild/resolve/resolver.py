"""Mentions -> documents and bodies: the identity rules of the graph.

A cited number names a document only together with its issuer, its period and, for
provincial bodies, its province: Party numbers restart in each committee term, state
numbers each year, and every Tỉnh ủy writes ``/TU``.  So a mention is resolved to

* a **document** (``doc/{symbol}[_{province}]_{year}_{number}``) when the text, the
  article's other mentions or the sourced catalogue (``data/catalogue.json``) fix its year;
* a **citation key** (``citekey/{symbol}[_{province}]_{number}``) otherwise, with the
  documents it may be as candidates.  Ambiguity is kept, never merged silently.

Disagreements (a date the catalogue contradicts, two type words for one document) are
kept on the document as conflicts and counted, not dropped.

Memory: the resolver keeps one compact record per *document* and per *body* (not per
article), so a corpus can stream through it.  Given a work folder it holds at most
:data:`SPILL_RECORDS` document records: past that it writes them to disk as a sorted run and
forgets them, and :meth:`Resolver.settled_documents` merges the runs back (one record per
document, in ``local`` order, candidates given) without ever holding them all.

Order-free merging (so Spark, or any split of the corpus, gives the one-machine graph):

* Where a mention resolves depends only on its article and the lexicon.  The one hint that
  used to read earlier articles' records, the term an undated list item borrows from the
  item before it, now reads the term as this article's own mentions give it.
* A :class:`DocRecord` holds evidence, not decisions: counters (citations, dates, type
  words), sets (cite keys, candidates, stored conflicts), and "first" values held with the
  :data:`Order` (article key, mention index) they were seen at, the smallest winning: the
  fields of the creating mention (a catalogue entry before any mention), a citation key's
  first province, number and type word, and per named issuer the first and last time it was
  named.  :meth:`DocRecord.merge` and :meth:`Resolver.merge` are commutative and associative.
* What the graph shows is derived when read: the issuer kept is the one fixed at creation,
  else the first named issuer that fits the number's series; "issuer X (kept Y)" and
  "outside the number's series" are worded exactly as reading the mentions in input order
  would word them.  Output is the same as the former first-wins code, with two deliberate
  exceptions met only when one document is both catalogued and created from a mention
  first: the catalogue's fields win whole (before, a mention-made issuer could survive), and
  mention dates are never weighed against a catalogued date (before, dates read before the
  catalogue entry was first used gave "date X (kept Y)" conflicts, later ones did not).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from operator import attrgetter
from pathlib import Path

from graphbuild.domain.ids import CHARTER_ID, parsed_id
from graphbuild.domain.model import Article, Mention
from graphbuild.resolve.docstore import merge_runs, read_run, write_run
from graphbuild.text.fold import fold_name, slug
from graphbuild.text.lexicon import Body, load_json
from graphbuild.text.lexicon import lexicon as core_lexicon

DATA = Path(__file__).resolve().parent.parent / "data"
# Document records a resolver with a work folder holds before it writes them to a run (~2 KB
# each: ~45 MB).  Fewer means flatter memory and more runs to merge at the end (more copies of
# the documents cited everywhere, one per run they are cited in).
SPILL_RECORDS = 20_000
# Runs merged at once: when this many runs of one level exist they become one run of the next.
# A merge holds one 64-record batch per run (128 runs: ~20 MB) and two open files per run; a
# million articles make ~70 runs, so no record is rewritten before the final merge below ~2.5M.
RUN_FANIN = 128
# Entries of each memo of pure answers (see Lexicon.body_for_code, Resolver._series) before it is emptied.
MEMO_SIZE = 1 << 16


_load = load_json  # the data files are read through the core lexicon's loader


# --------------------------------------------------------------------------- lexicon


# One entry of bodies.json (a generic body: Tỉnh ủy, not Tỉnh ủy Thái Nguyên): the core lexicon's Body.
BodyInfo = Body


@dataclass(frozen=True)
class CatalogueEntry:
    """One sourced central document of catalogue.json."""

    id: str
    doc_type: str | None
    date: str | None
    issuer: str | None
    subject: str | None
    plenum: tuple[str, int] | None
    status: str
    source: str

    @property
    def term(self) -> str | None:
        return term_of(self.date)


@dataclass
class Lexicon:
    """Bodies, type words and the catalogue, indexed for resolution."""

    bodies: dict[str, BodyInfo]
    by_name: dict[str, str]
    by_code: dict[str, str]
    catalogue: dict[str, list[CatalogueEntry]]
    plenums: dict[tuple[str, int], list[str]]
    congresses: dict[str, dict]
    type_words: dict[str, str]  # type code (and system) -> word

    @cached_property
    def bare(self) -> dict[tuple[str | None, str | None], list[CatalogueEntry]]:
        """Catalogue entries by (type code, number), in catalogue order: bare numbers ("Chỉ thị 05") look up here."""
        index: dict[tuple[str | None, str | None], list[CatalogueEntry]] = {}
        for key, entries in self.catalogue.items():
            p = parsed_id(key)
            index.setdefault((p.get("type_code"), p.get("number")), []).extend(entries)
        return index

    # Answers of body_for_name and body_for_code by argument.  Why: both run regexes, once per
    # mention, on the few hundred names and codes a corpus repeats.  Their answers depend on the
    # argument and on by_name/by_code, which are built once (a lexicon is not changed after it is
    # made); each memo is emptied when it reaches MEMO_SIZE entries, so odd text cannot grow it.
    _name_memo: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _code_memo: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def body_for_name(self, name: str | None) -> str | None:
        """Body id for an issuer name as the extractor gives it ("Bộ Chính trị", "BCH Trung ương (short)")."""
        if not name:
            return None
        memo = self._name_memo
        try:
            return memo[name]
        except KeyError:
            pass
        key = fold_name(re.sub(r"\s*\([^)]*\)\s*$", "", name))
        found = self.by_name.get(key) or self.by_name.get(fold_name(name))
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[name] = found
        return found

    def body_for_code(self, code: str | None) -> str | None:
        """Body id whose number series an issuer code names (TW, TU, CP, QH14 -> quoc-hoi)."""
        if not code:
            return None
        memo = self._code_memo
        try:
            return memo[code]
        except KeyError:
            pass
        found = None
        for part in code.split("-"):
            for cand in (part, re.sub(r"\d+$", "", part)):
                if cand in self.by_code:
                    found = self.by_code[cand]
                    break
            if found is not None:
                break
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[code] = found
        return found

    def is_within(self, body: str, ancestor: str) -> bool:
        """True when ``body`` is ``ancestor`` or one of its sub-bodies."""
        seen = 0
        while body and seen < 20:
            if body == ancestor:
                return True
            body = self.bodies[body].parent if body in self.bodies else None
            seen += 1
        return False

    def is_series_owner(self, body: str) -> bool:
        """True for bodies whose code is shared by sub-bodies (TW: BCH TW, Bộ Chính trị, Ban Bí thư)."""
        return body in ("ban-chap-hanh-trung-uong", "tinh-uy")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and index bodies.json, doc_types.json and catalogue.json once per process."""
    bodies = dict(core_lexicon().bodies)
    by_name: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for b in bodies.values():
        for n in (b.name, b.short, *b.aliases):
            if n:
                by_name.setdefault(fold_name(n), b.id)
        for c in b.codes:
            by_code.setdefault(c, b.id)
    cat = _load("catalogue.json")
    catalogue: dict[str, list[CatalogueEntry]] = {}
    for e in cat["documents"]:
        p = e.get("plenum")
        entry = CatalogueEntry(e["id"], e.get("doc_type"), e.get("date"), e.get("issuer"), e.get("subject"),
                               (p["term"], p["number"]) if p else None, e.get("status", ""), e.get("source", ""))
        catalogue.setdefault(e["id"], []).append(entry)
    plenums = {(p["term"], p["number"]): list(p["resolutions"]) for p in cat["plenums"]}
    congresses = {c["term"]: c for c in cat["congresses"]}
    types = _load("doc_types.json")
    type_words: dict[str, str] = {}
    for c in types["codes"]:
        for system in ("party", "state"):
            if c.get(system):
                type_words[f"{system}:{c['code']}"] = c[system]
    return Lexicon(bodies, by_name, by_code, catalogue, plenums, congresses, type_words)


@lru_cache(maxsize=8192)
def term_of(date: str | None) -> str | None:
    """Central committee term (khóa) in force on an ISO date: a term starts on its congress's closing day."""
    if not date:
        return None
    current = None
    for term, c in sorted(lexicon().congresses.items(), key=lambda kv: kv[1]["closed"]):
        if date >= c.get("first_plenum", c["closed"]):
            current = term
    return current


# --------------------------------------------------------------------------- records

# Where a piece of evidence was seen: the article's key in input order, then the mention's
# position in it.  Any comparable tuple works as long as one build uses one kind of key: the
# sequential build uses (article index,), Spark uses (file index, record index).
Order = tuple[int, ...]
# A body node before it has a local name: (body id, province for scoped bodies else None).
BodyKey = tuple[str, str | None]

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


def _counter() -> Counter:
    """An empty Counter without Counter.__init__ (whose update() call cost as much as the rest of a new record).

    Counter keeps no state of its own beyond the dict, so the bare instance is a complete one.
    """
    return _new_dict(Counter)


_new_dict = dict.__new__
EMPTY: frozenset[str] = frozenset()  # shared by every record whose set is empty (most, for three of them)

# The fields of each "first value" group, in the order their values are held (see DocRecord.offer).
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "origin": tuple(ORIGIN_FIELDS), "type": ("first_type",), "province": ("province",), "number": ("number",),
}
CATALOGUE, MENTION = 0, 1  # origin priority: the sourced catalogue beats what a text says


def body_key(body_id: str, province: str | None) -> BodyKey:
    """The key of a body node: scoped bodies (Tỉnh ủy) get one per province, the others none."""
    return (body_id, province if province and lexicon().bodies[body_id].scoped else None)


def body_local(key: BodyKey) -> str:
    body_id, prov = key
    return f"{body_id}_{slug(prov)}" if prov else body_id


def body_parent(key: BodyKey) -> BodyKey | None:
    parent = lexicon().bodies[key[0]].parent
    return body_key(parent, key[1]) if parent else None


def body_label(key: BodyKey) -> str:
    name = lexicon().bodies[key[0]].name
    return f"{name} {key[1]}" if key[1] else name


@dataclass
class BodyRecord:
    """A body node of the graph: a generic body, or a scoped one in one province."""

    local: str
    info: BodyInfo
    province: str | None  # canonical province name
    parent: str | None  # local of the parent body node

    @property
    def label(self) -> str:
        return f"{self.info.name} {self.province}" if self.province else self.info.name

    def merge(self, other: BodyRecord) -> BodyRecord:
        """Two records of one body node are equal by construction (they derive from the lexicon): keep one."""
        return self


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
    doc_types: Counter = field(default_factory=_counter)
    type_code: str | None = None
    issuer_code: str | None = None
    dates: Counter = field(default_factory=_counter)
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

    def offer(self, group: str, order: Order, values: dict) -> None:
        """Hold ``values`` (attribute -> value) for ``group`` if seen earlier than what is held."""
        if self.wants(group, order):
            if tuple(values) != GROUP_FIELDS[group]:
                raise ValueError(f"group {group!r}: fields {list(values)}, expected {list(GROUP_FIELDS[group])}")
            self.hold(group, order, tuple(values.values()))

    def hold(self, group: str, order: Order, values: tuple) -> None:
        """Hold ``values``, already in the group's field order, unconditionally: :meth:`offer` without its checks.

        For callers that have asked :meth:`wants` and build the tuple in :data:`GROUP_FIELDS` order
        themselves (the resolver, :meth:`merge`): the dict and its check cost more than the setting.
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
        lex = lexicon()
        owner = lex.body_for_code(self.issuer_code)
        return owner is None or lex.is_within(body_id, owner)

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
            if kept is not None and (since is None or last > since) and not _is_ancestor(key, kept):
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


def _is_ancestor(a: BodyKey, b: BodyKey | None) -> bool:
    """True when body ``a`` is ``b`` or one of its ancestors (a text naming the committee for a Politburo text)."""
    seen = 0
    while b and seen < 20:
        if a == b:
            return True
        b = body_parent(b)
        seen += 1
    return False


def citekey_base(local: str) -> str:
    """The base a citation key is named by ("citekey/ct-tw_45" -> "ct-tw_45"): its candidates carry it in ``bases``."""
    return local.split("/", 1)[1]


_span = attrgetter("start", "end")  # the order mentions are read in


def _local(rec: DocRecord) -> str:
    return rec.local


_FIELDS = tuple(f.name for f in fields(DocRecord))
_get_fields = attrgetter(*_FIELDS)
_COUNTERS = tuple(_FIELDS.index(name) for name in ("doc_types", "dates"))


def _pack(rec: DocRecord) -> tuple:
    """A record as a run stores it: its fields in order, counters as plain dicts (None when empty).

    Why not pickle the record: the dataclass's own pickling (per-field ``__setstate__``, a
    ``Counter`` rebuilt through ``update``) made spilling and merging a third slower.
    """
    values = list(_get_fields(rec))
    for i in _COUNTERS:
        values[i] = dict(values[i]) or None
    return tuple(values)


def _unpack(values: tuple) -> DocRecord:
    rec = DocRecord(*values)
    rec.doc_types = _as_counter(rec.doc_types)
    rec.dates = _as_counter(rec.dates)
    return rec


def _as_counter(counts: dict | None) -> Counter:
    """A packed counter (a dict, or None when empty) as a Counter.

    By dict.update on an empty one: what Counter(counts) does in the end, without the Mapping
    check and the calls around it (a third of unpacking a record).
    """
    out = _counter()
    if counts:
        _dict_update(out, counts)
    return out


_dict_update = dict.update


def _unique(items: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """A sorted stream without its repeats."""
    last = None
    for item in items:
        if item != last:
            yield item
            last = item


def _group_by_base(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, set[str]]]:
    """(base, document) pairs sorted by base -> (base, the documents carrying it), one per base."""
    base: str | None = None
    locals_: set[str] = set()
    for b, local in pairs:
        if b != base:
            if base is not None:
                yield base, locals_
            base, locals_ = b, set()
        locals_.add(local)
    if base is not None:
        yield base, locals_


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
    """One resolved mention: where it is and which node it refers to."""

    mention: Mention
    target: str  # local of a DocRecord
    antecedent: int | None = None  # start offset of the antecedent mention


@dataclass
class Stats:
    articles: int = 0
    citations: int = 0
    ambiguous: int = 0

    def merge(self, other: Stats) -> Stats:
        self.articles += other.articles
        self.citations += other.citations
        self.ambiguous += other.ambiguous
        return self


# --------------------------------------------------------------------------- resolver


class Resolver:
    """Resolve the mentions of a stream of articles; keep the compact document and body indexes.

    Which node a mention resolves to depends only on its article and the lexicon, never on
    articles resolved before: so articles can be resolved on any machine, in any order, and
    the per-node records merged (:meth:`merge`) into the sequential build's result.
    """

    def __init__(self, lex: Lexicon | None = None, spill_dir: Path | None = None,
                 spill_records: int = SPILL_RECORDS, run_fanin: int = RUN_FANIN) -> None:
        """``spill_dir``: where to write runs of document records once more than ``spill_records`` are
        held (see :meth:`spill`); without it every record stays in memory, as Spark's partitions want."""
        self.lex = lex or lexicon()
        self.docs: dict[str, DocRecord] = {}
        self.spill_dir = spill_dir
        self.spill_records = max(1, spill_records)
        self.run_fanin = max(2, run_fanin)
        self.runs: list[Path] = []  # document records written out, each run sorted by local
        self._levels: list[int] = []  # of each run: how many rounds of RUN_FANIN merges it went through
        self._serial = 0  # run files are never renamed: each gets the next number
        self.bodies: dict[str, BodyRecord] = {}
        self.provinces: set[str] = set()
        self.stats = Stats()
        self._at: Order = ()  # order of the mention being resolved
        self._terms: dict[str, str | None] = {}  # this article's view of each target's term (list hints)
        # Memos of pure answers (see _series, _state_series, _catalogue_plan, _body_key): their
        # arguments repeat across mentions, and each answer depends only on them and self.lex.
        self._memo_party: dict[tuple, tuple] = {}
        self._memo_state: dict[tuple, tuple] = {}
        self._memo_catalogue: dict[int, tuple] = {}
        self._memo_keys: dict[tuple[str, str | None], BodyKey] = {}
        for b in self.lex.bodies.values():
            if not b.scoped:
                self.body(b.id, None)

    def merge(self, other: Resolver) -> Resolver:
        """Add another resolver's records (other articles of the same corpus) to this one. Returns self."""
        for local, rec in other.docs.items():
            mine = self.docs.get(local)
            if mine is None:
                self.docs[local] = rec
            else:
                mine.merge(rec)
        for local, body in other.bodies.items():
            self.bodies.setdefault(local, body)
        self.provinces |= other.provinces
        self.stats.merge(other.stats)
        return self

    # ---- bodies

    def body(self, body_id: str, province: str | None) -> str:
        """Local name of the body node (creating it and its parents): scoped bodies get one per province."""
        info = self.lex.bodies[body_id]
        prov = province if info.scoped else None
        local = f"{body_id}_{slug(prov)}" if prov else body_id
        if local not in self.bodies:
            parent = self.body(info.parent, prov) if info.parent else None
            self.bodies[local] = BodyRecord(local, info, prov, parent)
            if prov:
                self.provinces.add(prov)
        return local

    def _body_key(self, body_id: str, province: str | None) -> BodyKey:
        """Register the body node and return its key.

        Memoised: a body node, once registered, stays (spilling forgets documents, not bodies), so
        a key in the memo is one whose node is already there.
        """
        memo = self._memo_keys
        key = memo.get((body_id, province))
        if key is None:
            self.body(body_id, province)
            key = body_key(body_id, province)
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[(body_id, province)] = key
        return key

    # ---- documents

    def _doc(self, local: str, kind: str) -> DocRecord:
        rec = self.docs.get(local)
        if rec is None:
            rec = self.docs[local] = DocRecord(local, kind)
        return rec

    @staticmethod
    def _origin(**values: object) -> tuple:
        """A complete origin group, in ORIGIN_FIELDS order (for DocRecord.hold): every field, so whichever origin wins sets all of them."""
        merged = {**ORIGIN_FIELDS, **values}  # the defaults' key order, the values given
        if len(merged) != len(ORIGIN_FIELDS):
            raise ValueError(f"origin: unknown fields {sorted(values.keys() - ORIGIN_FIELDS.keys())}")
        return tuple(merged.values())

    def _catalogue_doc(self, entry: CatalogueEntry) -> str:
        """The document node of a catalogue entry."""
        plan = self._memo_catalogue.get(id(entry))
        if plan is None or plan[0] is not entry:
            plan = self._catalogue_plan(entry)
            if len(self._memo_catalogue) >= MEMO_SIZE:
                self._memo_catalogue.clear()
            self._memo_catalogue[id(entry)] = plan
        _, local, term, numbering, issuer, origin, base = plan
        rec = self._doc(local, "party")
        self._terms[local] = term
        at = (CATALOGUE, *self._at)
        if rec.wants("origin", at):
            self.body(numbering, None)
            if issuer:
                self._body_key(issuer, None)
            rec.hold("origin", at, origin)
            rec.add("cite_keys", (entry.id,))
            rec.add("bases", (base,))
        return local

    def _catalogue_plan(self, entry: CatalogueEntry) -> tuple:
        """What :meth:`_catalogue_doc` makes of an entry, all of it a function of the entry and the lexicon.

        (entry, local, term, numbering body, issuer body, origin values, base).  The entry comes
        first so that the memo, keyed by ``id(entry)``, can tell a reused id from its own entry.
        """
        p = parsed_id(entry.id)
        symbol = slug(f"{p['type_code']}-{p['issuer_code']}")
        local = f"doc/{symbol}_{entry.date[:4]}_{p['number']}"
        numbering = self.lex.body_for_code(p["issuer_code"]) or "ban-chap-hanh-trung-uong"
        origin = self._origin(
            kind="party", catalogued=True, number=entry.id.split(":", 1)[1], type_code=p["type_code"],
            issuer_code=p["issuer_code"], fixed_date=entry.date, year=int(entry.date[:4]), term=entry.term,
            fixed_type=entry.doc_type, subject=entry.subject, source=entry.source,
            numbering_body=body_local((numbering, None)),
            given_issuer=body_key(entry.issuer, None) if entry.issuer else None, plenum=entry.plenum)
        return entry, local, entry.term, numbering, entry.issuer, origin, f"{symbol}_{p['number']}"

    def _catalogue_candidates(self, doc_id: str, term: str | None, before: str | None) -> list[CatalogueEntry]:
        """Catalogue entries for an id, in the given term, and not issued after the article."""
        out = []
        for e in self.lex.catalogue.get(doc_id, []):
            if term and e.term != term:
                continue
            if before and e.date and e.date > before:
                continue
            out.append(e)
        return out

    def resolve_article(self, article: Article, mentions: Iterable[Mention], key: Order | None = None) -> list[Citation]:
        """Resolve every mention of one article; mentions without a date reuse a dated one of the same id.

        ``key`` is the article's place in input order (default: how many articles this resolver
        has seen); it orders the evidence so that "first" means first in input order however the
        articles were distributed.  Linear in the article's mentions.
        """
        akey: Order = key if key is not None else (self.stats.articles,)
        self.stats.articles += 1
        if article.province:
            self.provinces.add(article.province)
        mentions = sorted(mentions, key=_span)
        self._terms = {}
        by_start: dict[int, str] = {}
        by_id: dict[str, set[str]] = {}
        # dated / self-sufficient mentions first, so undated repeats can lean on them: a stable
        # partition by (has an antecedent, undated), i.e. sorted by (those two, position)
        buckets: tuple[list[int], ...] = ([], [], [], [])
        for i, m in enumerate(mentions):
            buckets[(m.antecedent is not None) * 2 + (not m.date)].append(i)
        order = [*buckets[0], *buckets[1], *buckets[2], *buckets[3]]
        targets: dict[int, str] = {}
        hints = _ListHints(mentions, targets, self._terms)
        resolve_one = self._resolve_one
        for k, i in enumerate(order):
            m = mentions[i]
            self._at = (*akey, k)
            target = None
            if m.antecedent is not None and m.antecedent in by_start:
                target = by_start[m.antecedent]
            elif not m.date and (same := by_id.get(m.id)):
                if len(same) == 1:
                    target = next(iter(same))
                else:
                    target = self._citekey_for(m, article, sorted(same))
            if target is None:
                # the hint only ever applies to undated list items (see _ListHints.term)
                target = resolve_one(m, article, hints.term(i) if m.form == "list" and not m.date else None)
            targets[i] = target
            if m.start not in by_start:
                by_start[m.start] = target
            if not target.startswith("citekey/"):
                if (same := by_id.get(m.id)) is None:
                    by_id[m.id] = {target}
                else:
                    same.add(target)
        docs = self.docs
        absorb = self._absorb
        out: list[Citation] = []
        ambiguous = 0
        for i, m in enumerate(mentions):
            target = targets[i]
            rec = docs[target]
            rec.citations += 1
            if m.id not in rec.cite_keys:
                rec.cite_keys = rec.cite_keys.union((m.id,))
            absorb(rec, m, article, (*akey, i))
            if rec.kind == "citekey":
                ambiguous += 1
            out.append(Citation(m, target, m.antecedent if m.antecedent in by_start else None))
        self.stats.ambiguous += ambiguous
        self.stats.citations += len(out)
        if self.spill_dir is not None and len(self.docs) > self.spill_records:
            self.spill()
        return out

    def _absorb(self, rec: DocRecord, m: Mention, article: Article, at: Order) -> None:
        """Record what one mention says about its document; what is kept is decided when read."""
        kind = rec.kind
        if kind == "citekey":
            if m.doc_type and rec.wants("type", at):
                rec.hold("type", at, (m.doc_type,))
            return
        if kind == "named":
            return
        if m.doc_type and m.form != "list":
            rec.doc_types[m.doc_type] += 1
        if m.date and rec.year and m.date[:4] == str(rec.year):
            rec.dates[m.date] += 1
        if m.issuer:
            named = self.lex.body_for_name(m.issuer)
            if named:
                rec.name_issuer(self._body_key(named, article.province), at)

    # ---- one mention

    def _resolve_one(self, m: Mention, article: Article, term_hint: str | None = None) -> str:
        try:
            parsed = parsed_id(m.id) if m.id else {"kind": m.kind}
        except ValueError:
            parsed = {"kind": m.kind}
        kind = parsed.get("kind", m.kind)
        if kind == "party":
            return self._resolve_party(m, parsed, article, term_hint)
        if kind == "state":
            return self._resolve_state(m, parsed, article)
        if kind == "named":
            return self._resolve_named(m, parsed, article)
        return self._resolve_bare(m, parsed, article)

    def _scope(self, code_body: str | None, article: Article) -> tuple[str | None, bool]:
        """(province for the key, resolvable): scoped series need the article's province; districts are never unique."""
        if not code_body:
            return None, True
        info = self.lex.bodies[code_body]
        if not info.scoped:
            return None, True
        if info.level in ("district", "commune") or not article.province:
            return article.province, False
        return article.province, True

    def _series(self, type_code: str | None, issuer_code: str | None) -> tuple:
        """(symbol, numbering body, central, scoped, never unique) of a Party number's type and issuer codes.

        What :meth:`_resolve_party` needs of the lexicon, memoised on both codes (all it depends on):
        "scoped" and "never unique" are :meth:`_scope`'s questions, the article's province aside.
        """
        memo = self._memo_party
        found = memo.get((type_code, issuer_code))
        if found is None:
            symbol = slug("-".join(x for x in (type_code, issuer_code) if x)) or "x"
            code_body = self.lex.body_for_code(issuer_code)
            info = self.lex.bodies[code_body] if code_body else None
            scoped = info is not None and info.scoped
            found = (symbol, code_body, code_body is not None and not scoped, scoped,
                     scoped and info.level in ("district", "commune"))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[(type_code, issuer_code)] = found
        return found

    def _resolve_party(self, m: Mention, p: dict, article: Article, term_hint: str | None = None) -> str:
        number = p.get("number") or m.number or "?"
        type_code, issuer_code = p.get("type_code") or m.type_code, p.get("issuer_code") or m.issuer_code
        symbol, code_body, central, scoped, never_unique = self._series(type_code, issuer_code)
        if scoped:  # _scope, its lexicon answers taken from the memo
            province = article.province
            ok = bool(province) and not never_unique
        else:
            province, ok = None, True
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        date = m.date
        if central and issuer_code:
            term = term_of(date) or m.term or term_hint
            cands = self._catalogue_candidates(m.id, term, None if date else article.date)
            if len(cands) == 1:
                local = self._catalogue_doc(cands[0])
                if date and date != cands[0].date:
                    self.docs[local].add("conflicts", (f"date {date} (catalogue {cands[0].date})",))
                return local
            if len(cands) > 1 and not date:
                return self._citekey(base, m, [self._catalogue_doc(c) for c in cands])
        year = int(date[:4]) if date else None
        if not ok or year is None or not issuer_code:
            return self._citekey(base, m, [], province)
        local = f"doc/{symbol}_{slug(province)}_{year}_{number}" if province else f"doc/{symbol}_{year}_{number}"
        rec = self._doc(local, "party")
        term = term_of(date) if central else None
        self._terms.setdefault(local, term)
        at = (MENTION, *self._at)
        if rec.wants("origin", at):
            numbering = self.body(code_body, province) if code_body else None
            given = (self._body_key(code_body, province)
                     if code_body and not self.lex.is_series_owner(code_body) else None)
            rec.hold("origin", at, self._origin(
                kind="party", number=m.id.split(":", 1)[1] if m.id.startswith("party:") else number,
                type_code=type_code, issuer_code=issuer_code, year=year, province=province, term=term,
                numbering_body=numbering, given_issuer=given))
            rec.add("bases", (base,))
        return local

    def _state_series(self, symbol: str | None, type_code: str | None, issuer_code: str | None,
                      doc_type: str | None) -> tuple:
        """(symbol slug, numbering body, scoped, never unique) of a state number: what :meth:`_resolve_state`
        needs of the lexicon, memoised on the id's symbol and the mention's three fields it reads."""
        memo = self._memo_state
        key = (symbol, type_code, issuer_code, doc_type)
        found = memo.get(key)
        if found is None:
            symbol_raw = symbol or "-".join(x for x in (type_code, issuer_code) if x)
            if symbol_raw and not type_code and doc_type and re.fullmatch(r"(QH|UBTVQH)\d*", symbol_raw):
                symbol_raw = f"{doc_type}-{symbol_raw}"  # laws and QH resolutions share the code, not the series
            code_body = self.lex.body_for_code(issuer_code or symbol_raw)
            info = self.lex.bodies[code_body] if code_body else None
            scoped = info is not None and info.scoped
            found = (slug(symbol_raw or doc_type or "x"), code_body, scoped,
                     scoped and info.level in ("district", "commune"))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return found

    def _resolve_state(self, m: Mention, p: dict, article: Article) -> str:
        number = p.get("number") or m.number or "?"
        symbol, code_body, scoped, never_unique = self._state_series(p.get("symbol"), m.type_code, m.issuer_code,
                                                                     m.doc_type)
        if scoped:  # _scope, as in _resolve_party
            province = article.province
            ok = bool(province) and not never_unique
        else:
            province, ok = None, True
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        year = p.get("year") or m.year or (int(m.date[:4]) if m.date else None)
        if not ok or not year:
            return self._citekey(base, m, [], province)
        local = f"doc/{symbol}_{slug(province)}_{year}_{number}" if province else f"doc/{symbol}_{year}_{number}"
        rec = self._doc(local, "state")
        self._terms.setdefault(local, None)
        at = (MENTION, *self._at)
        if rec.wants("origin", at):
            rec.hold("origin", at, self._origin(
                kind="state", number=m.id.split(":", 1)[1] if m.id.startswith("state:") else number,
                type_code=m.type_code, issuer_code=m.issuer_code, year=int(year), province=province,
                numbering_body=self.body(code_body, province) if code_body else None,
                given_issuer=self._body_key(code_body, province) if code_body else None))
            rec.add("bases", (base,))
        return local

    def _named_doc(self, local: str, cite_key: str | None = None, **values: object) -> str:
        """A named document (charter, congress, plenum): its fields come from the lexicon, the same every time."""
        rec = self._doc(local, "named")
        at = (MENTION, *self._at)
        if rec.wants("origin", at):
            rec.hold("origin", at, self._origin(kind="named", **values))
        if cite_key:
            rec.add("cite_keys", (cite_key,))
        self._terms.setdefault(local, rec.term)
        return local

    def _resolve_named(self, m: Mention, p: dict, article: Article) -> str:
        if m.id == CHARTER_ID or p.get("doc_type") == "Điều lệ":
            return self._named_doc("doc/charter", CHARTER_ID, fixed_type="Điều lệ Đảng",
                                   subject="Điều lệ Đảng Cộng sản Việt Nam",
                                   given_issuer=self._body_key("dang-cong-san-viet-nam", None))
        if "congress" in p:
            term = p["congress"]
            c = self.lex.congresses.get(term)
            return self._named_doc(f"doc/congress_{slug(term)}", term=term, fixed_type="Nghị quyết",
                                   subject=f"Nghị quyết Đại hội đại biểu toàn quốc lần thứ {term} của Đảng",
                                   fixed_date=c["closed"] if c else None,
                                   given_issuer=self._body_key("dang-cong-san-viet-nam", None))
        plenum, term = p.get("plenum"), p.get("term") or m.term
        if term is None:
            options = sorted((t, n) for (t, n) in self.lex.plenums if n == plenum)
            return self._citekey(f"plenum_{plenum}", m, [self._plenum_doc(t, n) for t, n in options
                                                         if not article.date or self._plenum_date(t, n) <= article.date])
        return self._plenum_doc(term, plenum)

    def _plenum_date(self, term: str, n: int) -> str:
        dates = [e.date for r in self.lex.plenums.get((term, n), []) for e in self.lex.catalogue.get(r, [])
                 if e.plenum == (term, n) and e.date]
        return min(dates) if dates else "0000"

    def _plenum_doc(self, term: str, n: int) -> str:
        """The 'Nghị quyết Trung ương n khóa term' node, with the catalogue's resolutions as parts."""
        entries = [e for rid in self.lex.plenums.get((term, n), []) for e in self.lex.catalogue.get(rid, [])
                   if e.plenum == (term, n)]
        parts = tuple(self._catalogue_doc(e) for e in entries)
        dates = sorted({e.date for e in entries if e.date})
        return self._named_doc(f"doc/plenum_{slug(term)}_{n}", plenum=(term, n), term=term,
                               fixed_type="Nghị quyết Trung ương", subject=f"Nghị quyết Hội nghị Trung ương {n} khóa {term}",
                               given_issuer=self._body_key("ban-chap-hanh-trung-uong", None), parts=parts,
                               fixed_date=dates[0] if len(dates) == 1 else None)

    def _resolve_bare(self, m: Mention, p: dict, article: Article) -> str:
        code, number = p.get("type") or m.type_code or "x", p.get("number") or m.number or "?"
        cands = [e for e in self.lex.bare.get((code, number), ())
                 if not article.date or (e.date or "") <= article.date]
        docs = [self._catalogue_doc(e) for e in cands]
        if len(docs) == 1:
            return docs[0]
        return self._citekey(f"{slug(code)}_{number}", m, docs)

    def _citekey_for(self, m: Mention, article: Article, options: list[str]) -> str:
        """An undated repeat of an id the article used for several documents: keep all of them."""
        base = slug(m.id.split(":", 1)[-1]) or "x"
        return self._citekey(base, m, options)

    def _citekey(self, base: str, m: Mention, candidates: list[str], province: str | None = None) -> str:
        rec = self._doc(f"citekey/{base}", "citekey")
        at = self._at
        if province and rec.wants("province", at):
            rec.hold("province", at, (province,))
        if candidates:
            rec.add("candidates", candidates)
        if m.kind in ("party", "state") and m.id:
            number = m.id.split(":", 1)[1]
            if rec.wants("number", at):
                rec.hold("number", at, (number,))
        return rec.local

    # ---- end of stream

    def finish(self) -> None:
        """Give citation keys the documents resolved elsewhere in the corpus as candidates."""
        give_candidates(self.docs.values())

    def documents(self) -> list[DocRecord]:
        """The records held in memory, by local (all of them unless the resolver spilled: see settled_documents)."""
        return [self.docs[k] for k in sorted(self.docs)]

    # ---- spilling: memory bounded in the number of documents

    def spill(self) -> None:
        """Write the document records held to a new run (sorted by local) and forget them.

        Safe between articles at any point: where a mention resolves never depends on records of
        earlier articles, and a record created afresh for a document already in a run only holds
        evidence that :meth:`DocRecord.merge` adds to the run's when the runs are merged.  Beside
        the run goes its base index, (base, document) for every base a document carries, sorted:
        all :meth:`settled_documents` needs to give candidates without reading the records twice.
        """
        if self.spill_dir is None:
            raise ValueError("Resolver.spill needs a spill_dir")
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        path = self._new_run()
        records = [self.docs[k] for k in sorted(self.docs)]
        write_run(path, map(_pack, records))
        write_run(path.with_suffix(".bases"), sorted((b, d.local) for d in records for b in d.bases))
        self.runs.append(path)
        self._levels.append(0)
        self.docs = {}
        level = 0
        while self._levels.count(level) >= self.run_fanin:
            self._compact(level)
            level += 1

    def _new_run(self) -> Path:
        assert self.spill_dir is not None
        self._serial += 1
        return self.spill_dir / f"docs-{self._serial:06d}.run"

    def _compact(self, level: int) -> None:
        """Merge the runs of one level into one run of the next (tiered, as an LSM tree does).

        Why: a merge reads one batch of every run at once, and every run is an open file; without
        this a corpus ten times the size would make ten times the runs.  Each record is rewritten
        once per level, and there are log_fanin(documents / bound) levels.
        """
        group = [p for p, lv in zip(self.runs, self._levels, strict=True) if lv == level]
        path = self._new_run()
        merged = merge_runs([map(_unpack, read_run(p)) for p in group], key=_local, combine=DocRecord.merge)
        write_run(path, map(_pack, merged))
        write_run(path.with_suffix(".bases"), _unique(heapq.merge(*(read_run(p.with_suffix(".bases")) for p in group))))
        for p in group:
            p.unlink()
            p.with_suffix(".bases").unlink()
        kept = [(p, lv) for p, lv in zip(self.runs, self._levels, strict=True) if lv != level]
        self.runs = [p for p, _ in kept] + [path]
        self._levels = [lv for _, lv in kept] + [level + 1]

    def merged_records(self) -> Iterator[DocRecord]:
        """Every document record of the runs and of memory, one per local, in local order (no candidates given).

        A k-way merge: one batch per run in memory.  Records held in memory are merged as copies
        (through a run) so that reading twice gives the same records twice.
        """
        if self.docs and self.runs:
            self.spill()
        if not self.runs:
            return iter(self.documents())
        return merge_runs([map(_unpack, read_run(p)) for p in self.runs], key=_local, combine=DocRecord.merge)

    def settled_documents(self) -> Iterator[DocRecord]:
        """The final records, in local order: :meth:`finish` then :meth:`documents`, streamed from the runs.

        :func:`give_candidates` as a merge join: a citation key's local is "citekey/" + its base,
        so the citation keys come in base order, first ("citekey/" < "doc/"), and the runs' base
        indexes merged give, in the same order, the documents carrying each base.  Nothing is held
        but one base's documents.  Re-iterable: call again for another pass.
        """
        if self.docs and self.runs:
            self.spill()
        if not self.runs:
            self.finish()
            yield from self.documents()
            return
        carriers = _group_by_base(heapq.merge(*(read_run(p.with_suffix(".bases")) for p in self.runs)))
        held: tuple[str, set[str]] | None = next(carriers, None)
        for rec in self.merged_records():
            if rec.is_citekey:
                base = citekey_base(rec.local)
                while held is not None and held[0] < base:
                    held = next(carriers, None)
                if held is not None and held[0] == base:
                    rec.add("candidates", held[1])
            yield rec

    def body_records(self) -> list[BodyRecord]:
        return [self.bodies[k] for k in sorted(self.bodies)]

    def conflicts(self) -> list[tuple[str, str]]:
        """(document local, conflict) pairs, sorted: the report the build prints and writes."""
        return [(d.local, c) for d in self.documents() for c in d.all_conflicts()]


class _ListHints:
    """The term of the nearest earlier item of the same list, in time linear in the article's mentions.

    An undated list item ("Nghị quyết số 18-NQ/TW, 19-NQ/TW") shares its type word and, as a
    rule, its period with the item before it: without this hint a catalogue entry of another
    term would capture the item.  "Before" is the nearest earlier mention of the same sentence
    and codes whose target has a term.  Undated mentions without an antecedent are resolved in
    text order, after every dated one, so a single forward sweep sees exactly the targets set
    before them; the rare others (an antecedent that was not found) scan back within their
    sentence only.
    """

    def __init__(self, mentions: list[Mention], targets: dict[int, str], terms: dict[str, str | None]) -> None:
        self.mentions, self.targets, self.terms = mentions, targets, terms
        self.swept = 0
        self.last: dict[tuple, str] = {}

    def _term_of(self, j: int) -> str | None:
        target = self.targets.get(j)
        return self.terms.get(target) if target else None

    def term(self, i: int) -> str | None:
        m = self.mentions[i]
        if m.form != "list" or m.date:
            return None
        key = (m.sentence, m.type_code, m.issuer_code)
        if m.antecedent is None and self.swept <= i:
            while self.swept < i:
                j, self.swept = self.swept, self.swept + 1
                term = self._term_of(j)
                if term:
                    prev = self.mentions[j]
                    self.last[(prev.sentence, prev.type_code, prev.issuer_code)] = term
            return self.last.get(key)
        for j in range(i - 1, -1, -1):
            prev = self.mentions[j]
            if prev.sentence != m.sentence:
                break
            if (prev.type_code, prev.issuer_code) == key[1:] and (term := self._term_of(j)):
                return term
        return None
