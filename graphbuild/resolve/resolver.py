"""Mentions -> documents and bodies: the identity rules of the graph.

A cited number names a document only together with its issuer, its period and, for
provincial bodies, its province: Party numbers restart in each committee term, state
numbers each year, and every Tỉnh ủy writes ``/TU``.  So a mention is resolved to

* a **document** (``doc/{symbol}[_{province}]_{year}_{number}``) when the text, the
  article's other mentions or the sourced catalogue (``data/catalogue.json``) fix its year;
* a **citation key** (``citekey/{symbol}[_{province}]_{number}``) otherwise, with the
  documents it may be as candidates.  Ambiguity is kept, never merged silently.

Disagreements (a date the catalogue contradicts, two type words for one document) are
kept on the document as conflicts and counted, not dropped.  A central number the catalogue lacks
is one document per term whatever dates its mentions give (rule 1): its node is named by the year
of its most cited date, decided once every article is read (:meth:`Resolver._settle_keyed`).

The resolver reads each mention's :class:`~graphbuild.domain.ids.DocumentKey` (the parts the
extractor read) and the :class:`~graphbuild.resolve.catalogue.Catalogue`; it keeps one compact
record per *document* and per *body* (not per article), so a corpus can stream through it, and
given a work folder it spills the document records to disk (:mod:`graphbuild.resolve.spill`).

Corpus-level identity (:mod:`graphbuild.resolve.identity`): a mention lacking part of its key is
*pending*; :meth:`Resolver.resolve_article` gives it the catalogue-only answer, and
:meth:`Resolver.settle_pending`, once every article is read, decides it against the documents of
the whole corpus and the catalogue and counts it there.

Order-free merging (so Spark, or any split of the corpus, gives the one-machine graph): where a
mention resolves depends only on its article, the catalogue and the set of the corpus's documents.  The one hint that used to read
earlier articles' records, the term an undated list item borrows from the item before it, now
reads the term as this article's own mentions give it.  Records hold evidence with the order it
was seen at (:mod:`graphbuild.resolve.records`), and :meth:`Resolver.merge` is commutative and
associative.  Output is the same as the former first-wins code, with two deliberate
exceptions met only when one document is both catalogued and created from a mention
first: the catalogue's fields win whole (before, a mention-made issuer could survive), and
mention dates are never weighed against a catalogued date (before, dates read before the
catalogue entry was first used gave "date X (kept Y)" conflicts, later ones did not).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.issuers import issuer_of
from graphbuild.domain.model import Article, Mention
from graphbuild.resolve.bodies import BodyRecord
from graphbuild.resolve.catalogue import MEMO_SIZE, term_of
from graphbuild.resolve.identity import (
    NEAR_MISS,
    SAME_ARTICLE,
    STATED,
    TYPE_VARIANTS,
    WORD_CODES,
    Candidate,
    Decision,
    Query,
    decide,
    graph_candidates,
    graph_side,
    subjects_agree,
    topical_dates,
    weaker,
)
from graphbuild.resolve.lists import ListHints
from graphbuild.resolve.nodes import Nodes, is_written
from graphbuild.resolve.records import (
    MENTION,
    Citation,
    DocRecord,
    Order,
    Pending,
    give_candidates,
)
from graphbuild.text.fold import slug

_span = attrgetter("start", "end")  # the order mentions are read in
_UNKEYED = DocumentKey("")  # the parts of a mention the extractor gave no key: none
PENDING = "pending/"  # prefix of a pending mention's target until Resolver.settle_pending
KEYED = "keyed"  # Query.kind of a Party number whose mention carries the whole key (rule 1)
_KHOA = re.compile(r"\bkh(?:óa|oá|oa)\s+([IVXL]+)\b", re.IGNORECASE)  # "… của BCH TW khóa XII" after a mention


class Resolver(Nodes):
    """Resolve the mentions of a stream of articles; keep the compact document and body indexes.

    Which node a mention resolves to depends only on its article and the catalogue, never on
    articles resolved before: so articles can be resolved on any machine, in any order, and
    the per-node records merged (:meth:`merge`) into the sequential build's result.
    """

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
        self._article, self._queries = article, []
        targets, by_start, how = self._targets(article, mentions, akey)
        out = self._cite(article, mentions, targets, by_start, how, akey)
        self._article = None
        if self.on_disk is not None and len(self.docs) > self.spill_records:
            self.spill()
        return out

    def _targets(self, article: Article, mentions: list[Mention],
                 akey: Order) -> tuple[dict[int, str], dict[int, str], dict[int, str | None]]:
        """The node each mention (by index, in text order) resolves to, the node of each start offset, and how
        each was decided.

        Dated and self-sufficient mentions first, so undated repeats can lean on them: a stable
        partition by (has an antecedent, undated), i.e. sorted by (those two, position).  A mention
        lacking part of its key gets a ``pending/…`` target, which its short forms share.
        """
        self._terms = {}
        by_start: dict[int, str] = {}
        by_id: dict[str, set[str]] = {}
        buckets: tuple[list[int], ...] = ([], [], [], [])
        for i, m in enumerate(mentions):
            buckets[(m.antecedent is not None) * 2 + (not m.date)].append(i)
        order = [*buckets[0], *buckets[1], *buckets[2], *buckets[3]]
        targets: dict[int, str] = {}
        how: dict[int, str | None] = {}
        hints = ListHints(mentions, targets, self._terms)
        resolve_one = self._resolve_one
        for k, i in enumerate(order):
            m = mentions[i]
            self._at = (*akey, k)
            self._next_start = mentions[i + 1].start if i + 1 < len(mentions) else len(article.text)
            target = None
            self._how = SAME_ARTICLE
            if m.antecedent is not None and m.antecedent in by_start:
                target = by_start[m.antecedent]
            elif not m.date and (same := by_id.get(m.id)):
                if len(same) == 1:
                    target = next(iter(same))
                else:
                    target = self._citekey_for(m, sorted(self._shown(t) for t in same))
            if target is None:
                self._how = STATED
                # the hint only ever applies to undated list items (see ListHints.term)
                target = resolve_one(m, article, hints.term(i) if m.form == "list" and not m.date else None)
            targets[i] = target
            how[i] = None if target.startswith("citekey/") else self._how
            if target.startswith(PENDING) and target not in self._terms:
                # the list items after it read the term of the document it is as far as the catalogue goes
                self._terms[target] = self._terms.get(self._provisional(*self._queries[int(target[len(PENDING):])])[0])
            if m.start not in by_start:
                by_start[m.start] = target
            if not target.startswith(("citekey/", PENDING)) or self._is_keyed(target):
                if (same := by_id.get(m.id)) is None:
                    by_id[m.id] = {target}
                elif self._shown(target) not in {self._shown(t) for t in same}:  # two mentions of one node
                    same.add(target)
        return targets, by_start, how

    def _cite(self, article: Article, mentions: list[Mention], targets: dict[int, str], by_start: dict[int, str],
              how: dict[int, str | None], akey: Order) -> list[Citation]:
        """Count each mention on its node and record what it says there; a pending one is kept for later."""
        out: list[Citation] = []
        for i, m in enumerate(mentions):
            target = targets[i]
            antecedent = m.antecedent if m.antecedent in by_start else None
            if target.startswith(PENDING):
                query, fallback = self._queries[int(target[len(PENDING):])]
                p = Pending((*akey, i), query, m, article.province, fallback, follows=how[i] == SAME_ARTICLE)
                self.pending.append(p)
                target, way = self._provisional(query, fallback)
                if p.follows:
                    way = weaker(SAME_ARTICLE, way)
                out.append(Citation(m, target, antecedent, way, p))
                continue
            self._count(self.docs[target], m, article.province, (*akey, i), how[i])
            out.append(Citation(m, target, antecedent, how[i]))
        self.stats.citations += len(out)
        return out

    def _count(self, rec: DocRecord, m: Mention, province: str | None, at: Order, how: str | None) -> None:
        """One mention's citation of its node: counted, its cite key and evidence recorded, its way counted."""
        rec.citations += 1
        if m.id not in rec.cite_keys:
            rec.cite_keys = rec.cite_keys.union((m.id,))
        self._absorb(rec, m, province, at)
        if rec.kind == "citekey":
            self.stats.ambiguous += 1
        elif how is not None:
            self.stats.resolved_by[how] += 1

    def _absorb(self, rec: DocRecord, m: Mention, province: str | None, at: Order) -> None:
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
        if m.date and rec.year and (m.date[:4] == str(rec.year) or rec.term is not None):
            rec.dates[m.date] += 1  # a central number's node is its term's: a date of another year is a conflict
        if m.issuer and (named := issuer_of(m.issuer)):  # scoped to the place the name gives, else the article's
            rec.name_issuer(self._body_key(named[0], named[1] or province), at)

    # ---- one mention

    def _resolve_one(self, m: Mention, article: Article, term_hint: str | None = None) -> str:
        key = m.key or _UNKEYED
        kind = key.kind or m.kind
        if kind == "party":
            return self._resolve_party(m, key, article, term_hint)
        if kind == "state":
            return self._resolve_state(m, key, article)
        if kind == "named":
            return self._resolve_named(m, key, article)
        return self._resolve_bare(m, key, article)

    def _resolve_party(self, m: Mention, key: DocumentKey, article: Article, term_hint: str | None = None) -> str:
        number = key.number or m.number or "?"
        type_code, issuer_code = key.type_code or m.type_code, key.issuer_code or m.issuer_code
        symbol, code_body, central, scoped, never_unique = self.catalogue.party_series(type_code, issuer_code)
        province, ok = _province(scoped, never_unique, article)
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        date = m.date
        if date and issuer_code and ok and (central or scoped):
            found = self._catalogued(m, number, type_code, issuer_code, None if central else province)
            if found is not None:
                return found
        year = int(date[:4]) if date else None
        if not ok or year is None or not issuer_code:
            # a written issuer code says the series; the body a text names only where no code is written
            codes = _codes(type_code, m.doc_type)
            query = Query("party", number, codes, type_code, issuer_code,
                          None if issuer_code else self._series(m.issuer), article.province,
                          self._stated_term(m, central, term_hint),
                          date, article.date, m.subject, topics=self._topics(m, number, article, codes, type_code))
            return self._pending(query, base, province)
        term = term_of(date) if central else None
        if central and self._keyed_later:
            # rule 1: inside one term the key is one document, whatever dates its mentions give; which year
            # names its node (the most cited date's) is decided once every article is read (_settle_keyed)
            query = Query(KEYED, number, (type_code,) if type_code else (), type_code, issuer_code, None,
                          article.province, term, date, article.date, m.subject, symbol=symbol)
            self._terms.setdefault(_keyed_local(query), term)
            return self._pending(query, base, province)
        return self._party_node(m, key, year, province, term, (MENTION, *self._at))

    def keep_node(self, p: Pending) -> None:
        """The node a keyed mention is while its article is read (its own date's year's), made now: a relation
        stated on it is written before the corpus decides (the same node unless a year typo moves it)."""
        q = p.query
        if q.kind == KEYED and q.date:
            self._party_node(p.mention, p.mention.key or _UNKEYED, int(q.date[:4]), None, q.term, (MENTION, *p.order))
        elif _partial_state(q) and q.date:
            self._state_node(p.mention, p.mention.key or _UNKEYED, int(q.date[:4]), None, (MENTION, *p.order))

    def resolve_uncited(self, m: Mention, article: Article) -> str:
        """The node of a reference that is no citation (a relation's target): made now, as the mention's own
        would be when read, not counted; a number lacking part of its key stays its provisional answer."""
        self._keyed_later = False
        try:
            target = self._resolve_one(m, article)
        finally:
            self._keyed_later = True
        if target.startswith(PENDING):
            target = self._provisional(*self._queries[int(target[len(PENDING):])])[0]
        return target

    def _resolve_state(self, m: Mention, key: DocumentKey, article: Article) -> str:
        number = key.number or m.number or "?"
        symbol, code_body, scoped, never_unique = self.catalogue.state_series(key.symbol, m.type_code,
                                                                              m.issuer_code, m.doc_type)
        province, ok = _province(scoped, never_unique, article)
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        year = key.year or m.year or (int(m.date[:4]) if m.date else None)
        if not year:  # numbers restart every year: nothing in the corpus can tell which year's it is
            return self._citekey(base, m, [], province)
        if not ok:  # a provincial body's number in an article of no province: the year's one of some province
            query = Query("state", number, (), None, None, None, article.province, None, m.date or str(year),
                          article.date, m.subject, symbol=symbol)
            return self._pending(query, base, province)
        if self._keyed_later and not m.issuer_code and m.type_code and province is None:
            # 'Thông tư 36/2017': a number, year and type with no issuer is the one document of the corpus that
            # fits (rule 2), else a document of its own as written (decided in _decided)
            query = Query("state", number, (m.type_code,), m.type_code, None, None, article.province, None,
                          m.date or str(year), article.date, m.subject, symbol=symbol)
            self._terms.setdefault(_keyed_local(query), None)
            return self._pending(query, base, province)
        return self._state_node(m, key, int(year), province, (MENTION, *self._at))

    def _resolve_named(self, m: Mention, key: DocumentKey, article: Article) -> str:
        if key.is_charter:
            return self._named_doc("doc/charter", str(key), fixed_type="Điều lệ Đảng",
                                   subject="Điều lệ Đảng Cộng sản Việt Nam",
                                   given_issuer=self._body_key("dang-cong-san-viet-nam", None))
        if key.name == "congress":
            term = key.congress if key.congress is not None else "?"
            c = self.catalogue.congresses.get(term)
            return self._named_doc(f"doc/congress_{slug(term)}", term=term, fixed_type="Nghị quyết",
                                   subject=f"Nghị quyết Đại hội đại biểu toàn quốc lần thứ {term} của Đảng",
                                   fixed_date=c["closed"] if c else None,
                                   given_issuer=self._body_key("dang-cong-san-viet-nam", None))
        plenum, term = key.plenum, key.term or m.term
        if term is None:
            query = Query("named", None, (), None, None, None, None, None, None, article.date, None, plenum=plenum)
            return self._pending(query, f"plenum_{plenum}", None)
        return self._plenum_doc(term, plenum)

    def _resolve_bare(self, m: Mention, key: DocumentKey, article: Article) -> str:
        code, number = key.symbol or m.type_code or "x", key.number or m.number or "?"
        series = self._series(m.issuer)
        central = series is not None and self.catalogue.is_within(series, "ban-chap-hanh-trung-uong")
        codes = _codes(code, m.doc_type, written=False)
        query = Query("bare", number, codes, None, None, series, article.province,
                      self._stated_term(m, central, None), m.date, article.date, m.subject,
                      topics=self._topics(m, number, article, codes, None))
        return self._pending(query, f"{slug(code)}_{number}", None)

    # ---- what a mention lacking part of its key says (see resolve.identity)

    def _pending(self, query: Query, base: str, province: str | None) -> str:
        """A placeholder target for a mention decided after the read, with the citation key it falls back to."""
        self._queries.append((query, (base, province)))
        return f"{PENDING}{len(self._queries) - 1}"

    def _is_keyed(self, target: str) -> bool:
        """Whether a target is a pending mention that carries its whole key (rule 1: only its node's year waits)."""
        return target.startswith(PENDING) and self._queries[int(target[len(PENDING):])][0].kind == KEYED

    def _shown(self, target: str) -> str:
        """A keyed pending target as the node it is while the article is read (its own year's)."""
        return _keyed_local(self._queries[int(target[len(PENDING):])][0]) if self._is_keyed(target) else target

    def _topics(self, m: Mention, number: str, article: Article, codes: tuple[str, ...],
                written: str | None) -> tuple[str, ...]:
        """The catalogued documents of ``number`` whose subject the mention's sentence speaks of (their dates),
        when the catalogue holds several of the types the mention allows (``codes``, and the near-misses of the
        ``written`` code: the others are never compatible) and the mention names no subject of its own."""
        if m.subject or m.sentence is None or not article.text:
            return ()
        entries = self.catalogue.by_number.get(number, ())
        if codes and len(entries) > 1:
            variants = TYPE_VARIANTS.get(written or "", ())
            entries = [e for e in entries if e.key.type_code in codes or e.key.type_code in variants]
        if len(entries) < 2:
            return ()
        start, end = m.sentence
        return topical_dates(article.text[start:end], entries)

    def _series(self, issuer: str | None) -> str | None:
        """The body an issuer name names (Bộ Chính trị), whose number series a document must belong to."""
        return self.catalogue.body_for_name(issuer) if issuer else None

    def _stated_term(self, m: Mention, central: bool, hint: str | None) -> str | None:
        """The term the mention states, or the list's head implies, or a central issuer's "khóa XII" right after it."""
        if m.term or hint or not central or self._article is None:
            return m.term or hint
        end = min(self._next_start, m.end + 120)
        if m.sentence:
            end = min(end, m.sentence[1])
        tail = self._article.text[m.end:end]
        found = _KHOA.search(tail)
        if found is None or tail[:found.start()].count(",") > 1:
            return None
        term = found.group(1).upper()
        return term if term in self.catalogue.congresses else None

    def _catalogued(self, m: Mention, number: str, type_code: str | None, issuer_code: str,
                    province: str | None) -> str | None:
        """The catalogue document a dated number is, by its own code or a near-miss of it (rule 3), else None."""
        date = m.date or ""
        term = None if province else term_of(date)
        year = date[:4] if province else None
        cands = self._catalogue_candidates(m.id, term, province, year)
        how = STATED
        if not cands:
            how = NEAR_MISS
            cands = [e for t in (type_code, *TYPE_VARIANTS.get(type_code or "", ()))
                     for e in self._catalogue_candidates(f"party:{number}-{t}/{issuer_code}", term, province, year)
                     if t != type_code and (e.date == date or subjects_agree(m.subject, e.subject))]
        if len(cands) != 1:
            return None
        local = self._catalogue_doc(cands[0])
        self._how = how
        if date != cands[0].date:
            self.docs[local].add("conflicts", (f"date {date} (catalogue {cands[0].date})",))
        return local

    # ---- after the read: the pending mentions (resolve.identity)

    def wanted(self) -> tuple[set[tuple[str, str | None, str | None]], set[int]]:
        """What the pending mentions may be: (kind, number, type code or symbol) and plenum numbers.

        :func:`graph_candidates` keeps only the documents that fit one of these.
        """
        keys: set[tuple[str, str | None, str | None]] = set()
        plenums: set[int] = set()
        for p in self.pending:
            q = p.query
            if q.kind == KEYED:
                continue
            if q.kind == "named":
                plenums.add(q.plenum or 0)
            elif q.kind == "state":
                keys.add(("state", q.number, None if _partial_state(q) else q.symbol))
            else:
                codes = (*q.codes, *TYPE_VARIANTS.get(q.written or "", ()))
                keys.update(("party", q.number, c) for c in (codes or (None,)))
        return keys, plenums

    def settle_pending(self, graph: Iterable[Candidate]) -> list[Pending]:
        """Decide every pending mention against the graph's documents and the catalogue, count it on its node.

        ``graph``: the documents the read made (:func:`graph_candidates`).  Each pending mention gets
        its ``target`` and ``resolved_by``; the list is returned (in order) and emptied.
        """
        by_number: dict[object, list[Candidate]] = {}
        pending, self.pending = sorted(self.pending, key=attrgetter("order")), []
        for c in (*graph, *self._settle_keyed([p for p in pending if p.query.kind == KEYED])):
            by_number.setdefault(c.plenum[1] if c.plenum else c.number, []).append(c)
        decisions: dict[Query, Decision] = {}
        makers: dict[str, Callable[[], str]] = {}
        graph_kind = {c.local: c for cands in by_number.values() for c in cands}
        sides: dict[tuple, list[Candidate]] = {}
        for p in pending:
            if p.query.kind == KEYED:
                continue
            q = p.query
            decision = decisions.get(q)
            if decision is None:
                decision = decisions[q] = decide(q, graph_side(q, by_number, sides), self._catalogue_side(q, makers),
                                                 self.catalogue)
            p.target, p.resolved_by = self._decided(p, decision, makers, graph_kind)
            self._count(self.docs[p.target], p.mention, p.province, p.order, p.resolved_by)
            if self.on_disk is not None and len(self.docs) > self.spill_records:
                self.spill()
        return pending

    def _settle_keyed(self, keyed: list[Pending]) -> list[Candidate]:
        """Rule 1 for the Party numbers whose mentions carry the whole key: one node per (series, number, term),
        named by the year of its most cited date (ties: the earliest), whatever dates the mentions give (a
        year typo is a conflict on it, not a second node).  Each mention is counted there; the nodes are
        returned as candidates for the mentions decided next.  Pure in the set of mentions: order-free."""
        groups: dict[tuple[str | None, str | None, str], list[Pending]] = {}
        for p in keyed:
            q = p.query
            groups.setdefault((q.symbol, q.number, q.term or (q.date or "")[:4]), []).append(p)
        out = []
        for members in groups.values():
            dates = Counter(p.mention.date for p in members if p.mention.date and len(p.mention.date) == 10)
            best = min((-n, d) for d, n in dates.items())[1] if dates else min(p.query.date or "" for p in members)
            year = int(best[:4])
            local = ""
            for p in members:
                self._at = p.order
                key = p.mention.key or _UNKEYED
                local = self._party_node(p.mention, key, year, None, p.query.term, (MENTION, *p.order))
                p.target, p.resolved_by = local, weaker(SAME_ARTICLE, STATED) if p.follows else STATED
                self._count(self.docs[local], p.mention, p.province, p.order, p.resolved_by)
            q = members[0].query
            out.append(Candidate(local, "party", q.number, q.written, q.issuer_code, None, q.term, best, year, False,
                                 None, symbol=q.symbol))
        if self.on_disk is not None and len(self.docs) > self.spill_records:
            self.spill()
        return out

    def _provisional(self, query: Query, fallback: tuple[str, str | None]) -> tuple[str, str | None]:
        """(target, way) of a pending mention as far as its article and the catalogue go, nodes made but nothing
        counted: what :meth:`resolve_article` shows until :meth:`settle_pending` decides with the whole graph.

        A catalogue document made here is always among the final answer's (the graph only adds
        candidates); a citation key made here that the final answer leaves uncited is not written.
        The key's first values are held at the article's own order, as the final answer's are.
        """
        if query.kind == KEYED:  # the node of its own date's year, made when decided (_settle_keyed)
            return _keyed_local(query), STATED
        if _partial_state(query):  # its own node as written until the corpus is read (_decided)
            return _keyed_local(query), None
        side, makers = self._side(query)
        decision = self._memo_provisional.get(query)
        if decision is None:  # a pure answer of the query and the catalogue; queries repeat across articles
            if len(self._memo_provisional) >= MEMO_SIZE:
                self._memo_provisional.clear()
            decision = self._memo_provisional[query] = decide(query, (), side, self.catalogue)
        docs = [self._made(local, makers, {}) for local in decision.documents]
        if len(docs) == 1:
            return docs[0], decision.how
        return self._citekey(fallback[0], None, docs, fallback[1]), None

    def _decided(self, p: Pending, decision: Decision, makers: dict[str, Callable[[], str]],
                 graph: dict[str, Candidate]) -> tuple[str, str | None]:
        """The node and way a decision gives a pending mention (its fallback citation key when not one document)."""
        self._at = p.order
        docs = [self._made(local, makers, graph) for local in decision.documents]
        if len(docs) == 1:
            return docs[0], weaker(SAME_ARTICLE, decision.how) if p.follows else decision.how
        if not docs and _partial_state(p.query) and p.query.date:  # no document fits: its own, as written
            own = self._state_node(p.mention, p.mention.key or _UNKEYED, int(p.query.date[:4]), None,
                                   (MENTION, *p.order))
            return own, weaker(SAME_ARTICLE, STATED) if p.follows else STATED
        base, province = p.fallback
        return self._citekey(base, p.mention, docs, province), None

    def _made(self, local: str, makers: dict[str, Callable[[], str]], graph: dict[str, Candidate]) -> str:
        """The node of a chosen document: a catalogue one is made as the catalogue says, a graph one is there."""
        maker = makers.get(local)
        if maker is not None:
            return maker()
        c = graph[local]
        rec = self._doc(local, c.kind)
        if rec.year is None:  # evidence only: the record that made the node holds its fields
            rec.year = c.year
        return local

    # ---- end of stream

    def finish(self) -> None:
        """Decide the pending mentions (if the build did not), and give citation keys the documents resolved
        elsewhere in the corpus as candidates."""
        if self.pending:
            self.settle_pending(graph_candidates(self.merged_records(), self.wanted()))
        give_candidates(self.docs.values())

    def settled_documents(self) -> Iterator[DocRecord]:
        """The final records, in local order: :meth:`finish` then :meth:`documents`, streamed from the runs if any.

        Re-iterable: call again for another pass.
        """
        if self.pending:
            self.settle_pending(graph_candidates(self.merged_records(), self.wanted()))
        runs = self._runs()
        if runs is None:
            self.finish()
            yield from (d for d in self.documents() if is_written(d))
            return
        yield from (d for d in runs.settled() if is_written(d))

    def body_records(self) -> list[BodyRecord]:
        return [self.bodies[k] for k in sorted(self.bodies)]

    def conflicts(self) -> list[tuple[str, str]]:
        """(document local, conflict) pairs, sorted: the report the build prints and writes."""
        return [(d.local, c) for d in self.documents() for c in d.all_conflicts()]


def _keyed_local(q: Query) -> str:
    """The node a keyed mention is while its article is read: its own date's year's."""
    return f"doc/{q.symbol}_{(q.date or '')[:4]}_{q.number}"


def _partial_state(q: Query) -> bool:
    """A state number with its year and type but no issuer ('Thông tư 36/2017'): rule 2 decides it."""
    return q.kind == "state" and q.written is not None and q.issuer_code is None


def _codes(code: str | None, word: str | None, written: bool = True) -> tuple[str, ...]:
    """The type codes a mention allows: its written code (a near-miss of it is weighed apart), else those its type
    word stands for ("Quy định": QĐ or QĐi)."""
    if written and code:
        return (code,)
    return WORD_CODES.get(word or "", (code,) if code else ())


def _province(scoped: bool, never_unique: bool, article: Article) -> tuple[str | None, bool]:
    """(province of the key, resolvable) of a number: a scoped series (/TU) is one per province and needs the
    article's; a district's or commune's is never unique."""
    if not scoped:
        return None, True
    return article.province, bool(article.province) and not never_unique
