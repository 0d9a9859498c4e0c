"""The document and body nodes a resolver holds: made, scoped, merged, and the catalogue's documents.

:class:`~graphbuild.resolve.resolver.Resolver` decides which node each mention names; this base
holds the nodes themselves (one compact record per document and per body), so that a corpus can
stream through it and the records of any split of the corpus merge into the one-machine result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TypeVar

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.laws import law_numbered
from graphbuild.domain.model import Article, Mention
from graphbuild.resolve.bodies import BodyKey, BodyRecord, body_key, body_local
from graphbuild.resolve.catalogue import MEMO_SIZE, Catalogue, CatalogueEntry, catalogue
from graphbuild.resolve.identity import STATED, Candidate, Decision, Query, entry_candidate
from graphbuild.resolve.records import CATALOGUE, MENTION, ORIGIN_FIELDS, DocRecord, Order, Pending, Stats
from graphbuild.resolve.spill import RUN_FANIN, SPILL_RECORDS, SpilledDocuments
from graphbuild.text.fold import slug

_N = TypeVar("_N", bound="Nodes")


class Nodes:
    """The records of the documents and bodies a stream of articles names (see the module docstring)."""

    def __init__(self, cat: Catalogue | None = None, spill_dir: Path | None = None,
                 spill_records: int = SPILL_RECORDS, run_fanin: int = RUN_FANIN) -> None:
        """``spill_dir``: where to write runs of document records once more than ``spill_records`` are
        held (see :meth:`spill`); without it every record stays in memory, as Spark's partitions want."""
        self.catalogue = cat or catalogue()
        self.docs: dict[str, DocRecord] = {}
        self.spill_records = max(1, spill_records)
        self.on_disk = SpilledDocuments(spill_dir, run_fanin) if spill_dir is not None else None
        self.bodies: dict[str, BodyRecord] = {}
        self.provinces: set[str] = set()
        self.stats = Stats()
        self._at: Order = ()  # order of the mention being resolved
        self._terms: dict[str, str | None] = {}  # this article's view of each target's term (list hints)
        self._how: str | None = STATED  # how the mention being resolved was decided
        self._queries: list[tuple[Query, tuple[str, str | None]]] = []  # this article's pending queries
        self._article: Article | None = None
        self._next_start = 0  # where the next mention of the article starts (the reach of a stated term)
        self.pending: list[Pending] = []  # mentions decided after the read (resolve.identity)
        self._keyed_later = True  # a central Party number's node waits for the corpus (Resolver._settle_keyed)
        # Memos of pure answers (see _catalogue_plan, _body_key): their arguments repeat across
        # mentions, and each answer depends only on them and self.catalogue.
        self._memo_catalogue: dict[int, tuple] = {}
        self._memo_keys: dict[tuple[str, str | None], BodyKey] = {}
        # Resolver._catalogue_side: the catalogue's candidates of a number (or plenum) and how to make each node
        self._sides: dict[tuple[str, object], tuple[list[Candidate], dict[str, Callable[[], str]]]] = {}
        self._memo_provisional: dict[Query, Decision] = {}  # Resolver._provisional
        for b in self.catalogue.bodies.values():
            if not b.scoped:
                self.body(b.id, None)

    def merge(self: _N, other: Nodes) -> _N:
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
        self.pending += other.pending
        return self

    # ---- bodies

    def body(self, body_id: str, province: str | None) -> str:
        """Local name of the body node (creating it and its parents): scoped bodies get one per province."""
        info = self.catalogue.bodies[body_id]
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

    def _party_node(self, m: Mention, key: DocumentKey, year: int, province: str | None, term: str | None,
                    at: Order) -> str:
        """The node of a Party number of ``year`` (and ``province``), its origin held at ``at``."""
        number = key.number or m.number or "?"
        type_code, issuer_code = key.type_code or m.type_code, key.issuer_code or m.issuer_code
        symbol, code_body, _central, _scoped, _never = self.catalogue.party_series(type_code, issuer_code)
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        local = f"doc/{symbol}_{slug(province)}_{year}_{number}" if province else f"doc/{symbol}_{year}_{number}"
        rec = self._doc(local, "party")
        self._terms.setdefault(local, term)
        if rec.wants("origin", at):
            numbering = self.body(code_body, province) if code_body else None
            given = (self._body_key(code_body, province)
                     if code_body and not self.catalogue.is_series_owner(code_body) else None)
            rec.hold("origin", at, self._origin(
                kind="party", number=key.cited_as if key.kind == "party" else number,
                type_code=type_code, issuer_code=issuer_code, year=year, province=province, term=term,
                numbering_body=numbering, given_issuer=given))
            rec.add("bases", (base,))
        return local

    def _state_node(self, m: Mention, key: DocumentKey, year: int, province: str | None, at: Order) -> str:
        """The node of a state number of ``year`` (and ``province``), its origin held at ``at``."""
        number = key.number or m.number or "?"
        symbol, code_body, _scoped, _never = self.catalogue.state_series(key.symbol, m.type_code, m.issuer_code,
                                                                         m.doc_type)
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        local = f"doc/{symbol}_{slug(province)}_{year}_{number}" if province else f"doc/{symbol}_{year}_{number}"
        rec = self._doc(local, "state")
        self._terms.setdefault(local, None)
        if rec.wants("origin", at):
            law = law_numbered(number, year, m.issuer_code)  # a law's title, day passed and source
            rec.hold("origin", at, self._origin(
                kind="state", number=key.cited_as if key.kind == "state" else number,
                type_code=m.type_code, issuer_code=m.issuer_code, year=year, province=province,
                numbering_body=self.body(code_body, province) if code_body else None,
                given_issuer=self._body_key(code_body, province) if code_body else None,
                subject=law.title if law else None, source=law.source if law else None,
                fixed_date=law.date if law else None))
            rec.add("bases", (base,))
        return local

    def _named_doc(self, local: str, cite_key: str | None = None, **values: object) -> str:
        """A named document (charter, congress, plenum): its fields come from the catalogue, the same every time."""
        rec = self._doc(local, "named")
        at = (MENTION, *self._at)
        if rec.wants("origin", at):
            rec.hold("origin", at, self._origin(kind="named", **values))
        if cite_key:
            rec.add("cite_keys", (cite_key,))
        self._terms.setdefault(local, rec.term)
        return local

    def _plenum_date(self, term: str, n: int) -> str:
        dates = [e.date for r in self.catalogue.plenums.get((term, n), []) for e in self.catalogue.entries.get(r, [])
                 if e.plenum == (term, n) and e.date]
        return min(dates) if dates else "0000"

    def _plenum_doc(self, term: str, n: int) -> str:
        """The 'Nghị quyết Trung ương n khóa term' node, with the catalogue's resolutions as parts."""
        entries = [e for rid in self.catalogue.plenums.get((term, n), []) for e in self.catalogue.entries.get(rid, [])
                   if e.plenum == (term, n)]
        parts = tuple(self._catalogue_doc(e) for e in entries)
        dates = sorted({e.date for e in entries if e.date})
        return self._named_doc(f"doc/plenum_{slug(term)}_{n}", plenum=(term, n), term=term,
                               fixed_type="Nghị quyết Trung ương", subject=f"Nghị quyết Hội nghị Trung ương {n} khóa {term}",
                               given_issuer=self._body_key("ban-chap-hanh-trung-uong", None), parts=parts,
                               fixed_date=dates[0] if len(dates) == 1 else None)

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
            self.body(numbering, entry.province)
            if issuer:
                self._body_key(issuer, entry.province)
            rec.hold("origin", at, origin)
            rec.add("cite_keys", (entry.id,))
            rec.add("bases", (base,))
        return local

    def _catalogue_plan(self, entry: CatalogueEntry) -> tuple:
        """What :meth:`_catalogue_doc` makes of an entry, all of it a function of the entry and the catalogue.

        (entry, local, term, numbering body, issuer body, origin values, base).  The entry comes
        first so that the memo, keyed by ``id(entry)``, can tell a reused id from its own entry.
        """
        k, province = entry.key, entry.province
        symbol = slug(f"{k.type_code}-{k.issuer_code}")
        local = catalogue_local(entry)
        numbering = self.catalogue.body_for_code(k.issuer_code) or "ban-chap-hanh-trung-uong"
        origin = self._origin(
            kind="party", catalogued=True, number=k.cited_as, type_code=k.type_code,
            issuer_code=k.issuer_code, fixed_date=entry.date, year=int(entry.date[:4]), term=entry.term,
            province=province, fixed_type=entry.doc_type, subject=entry.subject, source=entry.source,
            numbering_body=body_local(body_key(numbering, province)),
            given_issuer=body_key(entry.issuer, province) if entry.issuer else None, plenum=entry.plenum)
        base = f"{symbol}_{slug(province)}_{k.number}" if province else f"{symbol}_{k.number}"
        return entry, local, entry.term, numbering, entry.issuer, origin, base

    def _catalogue_candidates(self, doc_id: str, term: str | None, province: str | None = None,
                              year: str | None = None) -> list[CatalogueEntry]:
        """Catalogue entries for an id, in the given term (central) or province and year (provincial)."""
        out = []
        for e in self.catalogue.entries.get(doc_id, []):
            if (term and e.term != term) or e.province != province:
                continue
            if year and (e.date or "")[:4] != year:
                continue
            out.append(e)
        return out


    def _catalogue_side(self, q: Query, makers: dict[str, Callable[[], str]]) -> list[Candidate]:
        """The catalogue's documents that may answer ``q``, each with how to make its node (added to ``makers``)."""
        candidates, made_by = self._side(q)
        makers.update(made_by)
        return candidates

    def _side(self, q: Query) -> tuple[list[Candidate], dict[str, Callable[[], str]]]:
        """:meth:`_catalogue_side` of a number (or plenum), worked out once: pending mentions of one number are
        many, the catalogue does not change, and making the candidates was a twentieth of a build's main process."""
        key = (q.kind, q.plenum if q.kind == "named" else q.number)
        found = self._sides.get(key)
        if found is not None:
            return found
        out: list[Candidate] = []
        makers: dict[str, Callable[[], str]] = {}
        if q.kind == "named":
            for t, n in sorted(self.catalogue.plenums):
                if n == q.plenum:
                    local = f"doc/plenum_{slug(t)}_{n}"
                    makers[local] = partial(self._plenum_doc, t, n)
                    date = self._plenum_date(t, n)
                    out.append(Candidate(local, "named", None, None, None, None, t,
                                         None if date == "0000" else date, None, True, None, plenum=(t, n)))
        elif q.kind != "state":
            for e in self.catalogue.by_number.get(q.number, ()):
                local = catalogue_local(e)
                makers[local] = partial(self._catalogue_doc, e)
                out.append(entry_candidate(local, e))
        if len(self._sides) >= MEMO_SIZE:
            self._sides.clear()
        found = self._sides[key] = (out, makers)
        return found

    def _citekey_for(self, m: Mention, options: list[str]) -> str:
        """An undated repeat of an id the article used for several documents: keep all of them."""
        base = slug(m.key.cited_as if m.key is not None else "") or "x"
        return self._citekey(base, m, options)

    def _citekey(self, base: str, m: Mention | None, candidates: list[str], province: str | None = None) -> str:
        rec = self._doc(f"citekey/{base}", "citekey")
        at = self._at
        if province and rec.wants("province", at):
            rec.hold("province", at, (province,))
        if candidates:
            rec.add("candidates", candidates)
        if m is not None and m.kind in ("party", "state") and m.key is not None and rec.wants("number", at):
            rec.hold("number", at, (m.key.cited_as,))
        return rec.local

    def documents(self) -> list[DocRecord]:
        """The records held in memory, by local (all of them unless the resolver spilled: see settled_documents)."""
        return [self.docs[k] for k in sorted(self.docs)]

    # ---- spilling: memory bounded in the number of documents (see graphbuild.resolve.spill)

    def spill(self) -> None:
        """Write the document records held to a new run (sorted by local) and forget them.

        Safe between articles at any point: where a mention resolves never depends on records of
        earlier articles, and a record created afresh for a document already in a run only holds
        evidence that :meth:`DocRecord.merge` adds to the run's when the runs are merged.
        """
        if self.on_disk is None:
            raise ValueError("Resolver.spill needs a spill_dir")
        self.on_disk.add(self.documents())
        self.docs = {}

    def _runs(self) -> SpilledDocuments | None:
        """The spilled runs, with the records held in memory added as one more (None when nothing was spilled).

        Records held in memory are merged as copies (through a run) so that reading twice gives the
        same records twice.
        """
        if self.on_disk is None or not self.on_disk.runs:
            return None
        if self.docs:
            self.spill()
        return self.on_disk

    def merged_records(self) -> Iterator[DocRecord]:
        """Every document record of the runs and of memory, one per local, in local order (no candidates given)."""
        runs = self._runs()
        return iter(self.documents()) if runs is None else runs.merged()


def is_written(rec: DocRecord) -> bool:
    """Whether a settled record is a node of the graph: not a citation key that no mention ended on (a pending
    mention's provisional key, see Resolver._provisional)."""
    return rec.citations > 0 or not rec.is_citekey


def catalogue_local(entry: CatalogueEntry) -> str:
    """The local name of a catalogue entry's document node (a provincial one carries its province)."""
    k = entry.key
    symbol = slug(f"{k.type_code}-{k.issuer_code}")
    year = (entry.date or "")[:4]
    return f"doc/{symbol}_{slug(entry.province)}_{year}_{k.number}" if entry.province else \
        f"doc/{symbol}_{year}_{k.number}"
