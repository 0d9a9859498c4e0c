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
article), so a corpus can stream through it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graphbuild.ids import CHARTER_ID, parse_id
from graphbuild.lexicon import Body, load_json
from graphbuild.lexicon import lexicon as core_lexicon
from graphbuild.model import Article, Mention
from graphbuild.namespaces import slug

DATA = Path(__file__).with_name("data")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_to_int(term: str) -> int:
    """XIII -> 13; used to order terms."""
    total = 0
    for a, b in zip(term, term[1:] + " ", strict=True):
        v = ROMAN.get(a, 0)
        total += -v if ROMAN.get(b, 0) > v else v
    return total


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


def _fold(text: str) -> str:
    """Case- and space-insensitive key for body names."""
    return re.sub(r"\s+", " ", text.replace("Ð", "Đ").replace("uỷ", "ủy").replace("Uỷ", "Ủy")).strip().casefold()


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

    def body_for_name(self, name: str | None) -> str | None:
        """Body id for an issuer name as the extractor gives it ("Bộ Chính trị", "BCH Trung ương (short)")."""
        if not name:
            return None
        key = _fold(re.sub(r"\s*\([^)]*\)\s*$", "", name))
        return self.by_name.get(key) or self.by_name.get(_fold(name))

    def body_for_code(self, code: str | None) -> str | None:
        """Body id whose number series an issuer code names (TW, TU, CP, QH14 -> quoc-hoi)."""
        if not code:
            return None
        for part in code.split("-"):
            for cand in (part, re.sub(r"\d+$", "", part)):
                if cand in self.by_code:
                    return self.by_code[cand]
        return None

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
                by_name.setdefault(_fold(n), b.id)
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


@dataclass
class DocRecord:
    """A document or citation-key node, merged over every mention that resolves to it."""

    local: str  # "doc/..." or "citekey/..."
    kind: str  # party | state | named | citekey
    cite_keys: set[str] = field(default_factory=set)
    number: str | None = None
    doc_types: Counter = field(default_factory=Counter)
    type_code: str | None = None
    issuer_code: str | None = None
    dates: Counter = field(default_factory=Counter)
    year: int | None = None
    term: str | None = None
    issuer: str | None = None  # body local (eli:passed_by)
    numbering_body: str | None = None
    province: str | None = None
    subject: str | None = None
    source: str | None = None
    catalogued: bool = False
    fixed_date: str | None = None  # the catalogue's date, which wins over mentions
    fixed_type: str | None = None
    candidates: set[str] = field(default_factory=set)
    parts: list[str] = field(default_factory=list)
    plenum: tuple[str, int] | None = None
    conflicts: set[str] = field(default_factory=set)
    citations: int = 0

    @property
    def is_citekey(self) -> bool:
        return self.kind == "citekey"

    @property
    def date(self) -> str | None:
        """The catalogue's date, else the most cited full date (ties: earliest)."""
        if self.fixed_date:
            return self.fixed_date
        full = [(-n, d) for d, n in self.dates.items() if len(d) == 10]
        return min(full)[1] if full else None

    @property
    def doc_type(self) -> str | None:
        if self.fixed_type:
            return self.fixed_type
        return min(((-n, t) for t, n in self.doc_types.items()), default=(0, None))[1]

    def all_conflicts(self) -> list[str]:
        """Stored conflicts plus disagreeing dates and type words among the mentions."""
        out = set(self.conflicts)
        kept = self.date
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


# --------------------------------------------------------------------------- resolver


class Resolver:
    """Resolve the mentions of a stream of articles; keep the compact document and body indexes."""

    def __init__(self, lex: Lexicon | None = None) -> None:
        self.lex = lex or lexicon()
        self.docs: dict[str, DocRecord] = {}
        self.bodies: dict[str, BodyRecord] = {}
        self.provinces: set[str] = set()
        self.stats = Stats()
        # citekey base -> resolved docs seen anywhere: candidates added at the end
        self._by_base: dict[str, set[str]] = {}
        for b in self.lex.bodies.values():
            if not b.scoped:
                self.body(b.id, None)

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

    # ---- documents

    def _doc(self, local: str, kind: str) -> DocRecord:
        rec = self.docs.get(local)
        if rec is None:
            rec = self.docs[local] = DocRecord(local, kind)
        return rec

    def _catalogue_doc(self, entry: CatalogueEntry) -> str:
        """The document node of a catalogue entry (created on first use)."""
        p = parse_id(entry.id)
        symbol = slug(f"{p['type_code']}-{p['issuer_code']}")
        local = f"doc/{symbol}_{entry.date[:4]}_{p['number']}"
        rec = self._doc(local, "party")
        if not rec.catalogued:
            rec.catalogued = True
            rec.cite_keys.add(entry.id)
            rec.number = entry.id.split(":", 1)[1]
            rec.type_code, rec.issuer_code = p["type_code"], p["issuer_code"]
            rec.fixed_date, rec.year, rec.term = entry.date, int(entry.date[:4]), entry.term
            rec.fixed_type = entry.doc_type
            rec.subject, rec.source = entry.subject, entry.source
            rec.numbering_body = self.body(self.lex.body_for_code(p["issuer_code"]) or "ban-chap-hanh-trung-uong", None)
            if entry.issuer:
                rec.issuer = self.body(entry.issuer, None)
            rec.plenum = entry.plenum
            self._by_base.setdefault(f"{symbol}_{p['number']}", set()).add(local)
        return local

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

    def resolve_article(self, article: Article, mentions: Iterable[Mention]) -> list[Citation]:
        """Resolve every mention of one article; mentions without a date reuse a dated one of the same id."""
        self.stats.articles += 1
        if article.province:
            self.provinces.add(article.province)
        mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        by_start: dict[int, str] = {}
        by_id: dict[str, set[str]] = {}
        out: list[Citation] = []
        # dated / self-sufficient mentions first, so undated repeats can lean on them
        order = sorted(range(len(mentions)), key=lambda i: (mentions[i].antecedent is not None, not mentions[i].date, i))
        targets: dict[int, str] = {}
        for i in order:
            m = mentions[i]
            target = None
            if m.antecedent is not None and m.antecedent in by_start:
                target = by_start[m.antecedent]
            elif not m.date and len(by_id.get(m.id, ())) == 1:
                target = next(iter(by_id[m.id]))
            elif not m.date and len(by_id.get(m.id, ())) > 1:
                target = self._citekey_for(m, article, sorted(by_id[m.id]))
            if target is None:
                target = self._resolve_one(m, article, self._list_term(m, mentions[:i], targets, mentions))
            targets[i] = target
            by_start.setdefault(m.start, target)
            if not target.startswith("citekey/"):
                by_id.setdefault(m.id, set()).add(target)
        for i, m in enumerate(mentions):
            target = targets[i]
            rec = self.docs[target]
            rec.citations += 1
            rec.cite_keys.add(m.id)
            self._absorb(rec, m, article)
            if rec.is_citekey:
                self.stats.ambiguous += 1
            out.append(Citation(m, target, m.antecedent if m.antecedent in by_start else None))
        self.stats.citations += len(out)
        return out

    def _list_term(self, m: Mention, before: list[Mention], targets: dict[int, str], mentions: list[Mention]) -> str | None:
        """For an undated list item ("Nghị quyết số 18-NQ/TW, 19-NQ/TW"), the term of the item before it.

        Items of one list share their type word and, as a rule, their period; without
        this hint a catalogue entry of another term would capture the item.
        """
        if m.form != "list" or m.date:
            return None
        for j in range(len(before) - 1, -1, -1):
            prev = before[j]
            if prev.sentence != m.sentence or (prev.type_code, prev.issuer_code) != (m.type_code, m.issuer_code):
                continue
            rec = self.docs.get(targets.get(j, ""))
            if rec is not None and rec.term:
                return rec.term
        return None

    def _absorb(self, rec: DocRecord, m: Mention, article: Article) -> None:
        """Merge what one mention says about its document; disagreements become conflicts."""
        if rec.is_citekey:
            if m.doc_type and not rec.doc_types:
                rec.doc_types[m.doc_type] += 1
            return
        if rec.kind == "named":
            return
        if m.doc_type and m.form != "list":
            rec.doc_types[m.doc_type] += 1
        if m.date and rec.year and m.date[:4] == str(rec.year) and not rec.catalogued:
            rec.dates[m.date] += 1
        if m.issuer:
            named = self.lex.body_for_name(m.issuer)
            if named:
                local = self.body(named, article.province)
                if rec.issuer is None and (rec.numbering_body is None or self._fits(named, rec)):
                    rec.issuer = local
                elif rec.issuer != local and not self._is_parent_of(local, rec.issuer):
                    rec.conflicts.add(f"issuer {self.bodies[local].label} (kept {self.bodies[rec.issuer].label})"
                                      if rec.issuer else f"issuer {self.bodies[local].label} outside the number's series")

    def _is_parent_of(self, a: str, b: str | None) -> bool:
        """True when body node ``a`` is ``b`` or one of its ancestors (a text naming the committee for a Politburo text)."""
        while b:
            if a == b:
                return True
            b = self.bodies[b].parent
        return False

    def _fits(self, body_id: str, rec: DocRecord) -> bool:
        """Whether a named issuer may carry the document's code (Bộ Chính trị under TW)."""
        owner = self.lex.body_for_code(rec.issuer_code)
        return owner is None or self.lex.is_within(body_id, owner) or rec.kind == "state"

    # ---- one mention

    def _resolve_one(self, m: Mention, article: Article, term_hint: str | None = None) -> str:
        try:
            parsed = parse_id(m.id) if m.id else {"kind": m.kind}
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

    def _resolve_party(self, m: Mention, p: dict, article: Article, term_hint: str | None = None) -> str:
        number = p.get("number") or m.number or "?"
        type_code, issuer_code = p.get("type_code") or m.type_code, p.get("issuer_code") or m.issuer_code
        symbol = slug("-".join(x for x in (type_code, issuer_code) if x)) or "x"
        code_body = self.lex.body_for_code(issuer_code)
        province, ok = self._scope(code_body, article)
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        central = code_body is not None and not self.lex.bodies[code_body].scoped
        if central and issuer_code:
            term = term_of(m.date) or m.term or term_hint
            cands = self._catalogue_candidates(m.id, term, None if m.date else article.date)
            if len(cands) == 1:
                local = self._catalogue_doc(cands[0])
                if m.date and m.date != cands[0].date:
                    self.docs[local].conflicts.add(f"date {m.date} (catalogue {cands[0].date})")
                return local
            if len(cands) > 1 and not m.date:
                return self._citekey(base, m, [self._catalogue_doc(c) for c in cands])
        year = int(m.date[:4]) if m.date else None
        if not ok or year is None or not issuer_code:
            return self._citekey(base, m, [], province)
        local = f"doc/{symbol}_{slug(province)}_{year}_{number}" if province else f"doc/{symbol}_{year}_{number}"
        rec = self._doc(local, "party")
        if rec.number is None:
            rec.number = m.id.split(":", 1)[1] if m.id.startswith("party:") else number
            rec.type_code, rec.issuer_code, rec.year = type_code, issuer_code, year
            rec.province = province
            rec.term = term_of(m.date) if central else None
            rec.numbering_body = self.body(code_body, province) if code_body else None
            if code_body and not self.lex.is_series_owner(code_body):
                rec.issuer = rec.numbering_body
            self._by_base.setdefault(base, set()).add(local)
        return local

    def _resolve_state(self, m: Mention, p: dict, article: Article) -> str:
        number = p.get("number") or m.number or "?"
        symbol_raw = p.get("symbol") or "-".join(x for x in (m.type_code, m.issuer_code) if x)
        if symbol_raw and not m.type_code and m.doc_type and re.fullmatch(r"(QH|UBTVQH)\d*", symbol_raw):
            symbol_raw = f"{m.doc_type}-{symbol_raw}"  # laws and QH resolutions share the code, not the series
        symbol = slug(symbol_raw or m.doc_type or "x")
        code_body = self.lex.body_for_code(m.issuer_code or symbol_raw)
        province, ok = self._scope(code_body, article)
        base = f"{symbol}_{slug(province)}_{number}" if province else f"{symbol}_{number}"
        year = p.get("year") or m.year or (int(m.date[:4]) if m.date else None)
        if not ok or not year:
            return self._citekey(base, m, [], province)
        local = f"doc/{symbol}_{slug(province)}_{year}_{number}" if province else f"doc/{symbol}_{year}_{number}"
        rec = self._doc(local, "state")
        if rec.number is None:
            rec.number = m.id.split(":", 1)[1] if m.id.startswith("state:") else number
            rec.type_code, rec.issuer_code, rec.year, rec.province = m.type_code, m.issuer_code, int(year), province
            if code_body:
                rec.numbering_body = rec.issuer = self.body(code_body, province)
            self._by_base.setdefault(base, set()).add(local)
        return local

    def _resolve_named(self, m: Mention, p: dict, article: Article) -> str:
        if m.id == CHARTER_ID or p.get("doc_type") == "Điều lệ":
            rec = self._doc("doc/charter", "named")
            rec.cite_keys.add(CHARTER_ID)
            rec.fixed_type, rec.subject = "Điều lệ Đảng", "Điều lệ Đảng Cộng sản Việt Nam"
            rec.issuer = rec.issuer or self.body("dang-cong-san-viet-nam", None)
            return rec.local
        if "congress" in p:
            term = p["congress"]
            rec = self._doc(f"doc/congress_{slug(term)}", "named")
            if rec.term is None:
                rec.term, rec.fixed_type = term, "Nghị quyết"
                rec.subject = f"Nghị quyết Đại hội đại biểu toàn quốc lần thứ {term} của Đảng"
                c = self.lex.congresses.get(term)
                rec.fixed_date = c["closed"] if c else None
                rec.issuer = self.body("dang-cong-san-viet-nam", None)
            return rec.local
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
        local = f"doc/plenum_{slug(term)}_{n}"
        rec = self._doc(local, "named")
        if rec.plenum is None:
            rec.plenum, rec.term, rec.fixed_type = (term, n), term, "Nghị quyết Trung ương"
            rec.subject = f"Nghị quyết Hội nghị Trung ương {n} khóa {term}"
            rec.issuer = self.body("ban-chap-hanh-trung-uong", None)
            for rid in self.lex.plenums.get((term, n), []):
                for e in self.lex.catalogue.get(rid, []):
                    if e.plenum == (term, n):
                        rec.parts.append(self._catalogue_doc(e))
            dates = sorted({self.docs[x].date for x in rec.parts if self.docs[x].date})
            rec.fixed_date = dates[0] if len(dates) == 1 else None
        return local

    def _resolve_bare(self, m: Mention, p: dict, article: Article) -> str:
        code, number = p.get("type") or m.type_code or "x", p.get("number") or m.number or "?"
        cands = [e for key, entries in self.lex.catalogue.items() for e in entries
                 if parse_id(key).get("type_code") == code and parse_id(key).get("number") == number
                 and (not article.date or (e.date or "") <= article.date)]
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
        rec.province = rec.province or province
        rec.candidates.update(candidates)
        if rec.number is None and m.kind in ("party", "state") and m.id:
            rec.number = m.id.split(":", 1)[1]
        return rec.local

    # ---- end of stream

    def finish(self) -> None:
        """Give citation keys the documents resolved elsewhere in the corpus as candidates."""
        for rec in self.docs.values():
            if rec.is_citekey:
                base = rec.local.split("/", 1)[1]
                rec.candidates.update(self._by_base.get(base, ()))

    def documents(self) -> list[DocRecord]:
        return [self.docs[k] for k in sorted(self.docs)]

    def body_records(self) -> list[BodyRecord]:
        return [self.bodies[k] for k in sorted(self.bodies)]

    def conflicts(self) -> list[tuple[str, str]]:
        """(document local, conflict) pairs, sorted: the report the build prints and writes."""
        return [(d.local, c) for d in self.documents() for c in d.all_conflicts()]
