"""Asking the graph: which articles cite a document, what an article cites, one document, totals.

The library behind ``graphbuild cites | refs | show | stats`` (the commands only format what
these functions return, so the notebook and scripts get the same answers).

How a reader's reference becomes documents of the graph:

1. parse it with the real extractor (:func:`graphbuild.extract.find.extract`), which knows every
   spelling of a full number, a bare ``Quy định 205`` and named references; what it rejects
   (``qd 205 tw``: codes and number in any order, no separators, no diacritics) goes through
   the small :func:`parse_loose`;
2. compare the parts with each document's number, type code, issuer code and year, folded
   (no diacritics, case-insensitive, leading zeros ignored), since a graph built from news
   holds many spellings of one number; a citeKey, label, eli:number or IRI also matches.

User input never enters a SPARQL string: documents and articles are passed to queries as
``substitutions`` (bound variables), so quotes, braces or ``>`` in X are data, not syntax.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graphbuild.domain.ids import DocumentKey
from graphbuild.text.fold import fold_code, fold_words, strip_marks
from graphbuild.text.sentences import sentence_around
from graphbuild.write.store import DCT, ELI, GB, ID, PREFIXES, RDFS, open_store

# --------------------------------------------------------------------------- records


@dataclass
class Document:
    """A document (or unresolved citation key) node of the graph, with what matching needs."""

    iri: str
    id: str  # local id under id/: doc/qd-tw_2019_205, citekey/ct-tw_45
    label: str
    kind: str  # party | state | named | citekey
    number: str | None = None  # as written in eli:number (205-QĐ/TW)
    num: int | None = None  # leading integer of the number, for folded comparison
    type_code: str | None = None
    issuer_code: str | None = None
    year: int | None = None
    term: str | None = None
    plenum: int | None = None
    congress: str | None = None
    cite_keys: list[str] = field(default_factory=list)
    citations: int = 0
    candidates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Query:
    """The parts of a reader's reference (any may be None)."""

    text: str
    how: str  # extractor | loose | iri | text
    kind: str | None = None
    number: int | None = None
    type_code: str | None = None
    issuer_code: str | None = None
    year: int | None = None
    term: str | None = None
    plenum: int | None = None
    congress: str | None = None
    charter: bool = False
    cite_key: str | None = None
    iri: str | None = None
    complete: bool = False  # loose parse: every token understood (a plain full number)


@dataclass
class Match:
    """What X names in the graph: the documents (several when a number is reused) or suggestions."""

    query: Query
    documents: list[Document]
    suggestions: list[Document] = field(default_factory=list)


@dataclass
class Citation:
    """One (document, article) pair: the article citing the document, its first mention marked.

    The keys of :meth:`to_dict` up to ``sentence`` are the ``cites --format json`` contract.
    """

    document: str
    label: str
    article: str
    source: str | None
    title: str | None
    date: str | None
    surface: str
    sentence: str
    url: str | None = None
    article_iri: str = ""
    document_iri: str = ""
    mentions: int = 1
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        # Every field is a plain value, so no deep copy: asdict's made writing 110k rows 8 s slower.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


CONTRACT_KEYS = ("document", "label", "article", "source", "title", "date", "surface", "sentence")

# --------------------------------------------------------------------------- folding


def _int(s: str | None) -> int | None:
    m = re.match(r"\s*0*(\d+)", s or "")
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- parsing X


def _from_id(q: Query, key: DocumentKey) -> Query:
    """Fill ``q`` from an extractor key (party:205-QĐ/TW, state:108/2014/NĐ-CP, named:..., bare:...)."""
    from graphbuild.text.lexicon import lexicon

    q.cite_key = str(key)
    kind = key.kind
    if kind == "party":
        q.kind, q.number = "party", _int(key.number)
        q.type_code, q.issuer_code = key.type_code, key.issuer_code
    elif kind == "state":
        q.kind, q.number, q.year = "state", _int(key.number), key.year
        symbol = key.symbol or ""
        toks = [t for t in symbol.split("-") if t]
        if toks and lexicon().type_code(toks[0]) and len(toks) > 1:
            q.type_code, q.issuer_code = toks[0], "-".join(toks[1:])
        elif toks:
            q.issuer_code = "-".join(toks)
    elif kind == "bare":
        q.number = _int(key.number)
        code = key.symbol or ""
        lex = lexicon()
        q.type_code = lex.type_code(code) or (lex.word_codes.get(code, {}).get("party")
                                              or lex.word_codes.get(code, {}).get("state"))
    elif kind == "named":
        q.kind = "named"
        if key.is_charter:
            q.charter = True
        q.plenum, q.term, q.congress = key.plenum, key.term, key.congress
    return q


def parse_loose(text: str) -> Query | None:
    """The loose forms the extractor rejects: 'qd 205 tw', 'TW 205 QD', 'quy dinh 205', 'nd cp 108 2014'.

    Tokens in any order, no separators, no diacritics: a number (a 4-digit 19xx/20xx next to
    another number is the year), type words or codes, issuer codes.  None when there is no number.
    """
    from graphbuild.text.lexicon import lexicon

    lex = lexicon()
    plain = strip_marks(text)
    tokens = re.findall(r"\d+|[^\W\d_]+", plain)
    nums = [t for t in tokens if t.isdigit()]
    if not nums:
        return None
    q = Query(text, "loose")
    years = [n for n in nums if len(n) == 4 and 1945 <= int(n) <= 2100]
    rest = [n for n in nums if n not in years] or nums[:1]
    q.number = int(rest[0])
    if years and (len(nums) > 1 and years[0] != rest[0]):
        q.year = int(years[0])
    words = [t for t in tokens if not t.isdigit()]
    used = [False] * len(words)
    # type words first, longest run of words first ('quy dinh', 'nghi quyet')
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(used[i:i + n]):
                continue
            word = lex.type_words.get(" ".join(words[i:i + n]).lower())
            if word and q.type_code is None:
                codes = lex.word_codes.get(word, {})
                q.type_code = codes.get("party") or codes.get("state")
                used[i:i + n] = [True] * n
    unknown = 0
    for i, w in enumerate(words):
        if used[i]:
            continue
        tc, ic = lex.type_code(w), lex.issuer_code(w)
        if tc and q.type_code is None and not (ic and q.type_code is not None):
            q.type_code = tc
        elif ic and q.issuer_code is None:
            q.issuer_code = ic
        elif tc and q.type_code is None:
            q.type_code = tc
        elif tc and tc == q.type_code:
            pass  # the code of the type word already read ('Quy định 205-QĐ/TW')
        elif w.lower() != "so":
            unknown += 1
    q.complete = unknown == 0 and len(rest) == 1 and len(nums) <= 2
    return q


def _plain_full_number(x: str) -> Query | None:
    """'Quy định 205-QĐ/TW', '205-QD/TW', 'Nghị định 108/2014/NĐ-CP': the common shape, parsed without the extractor.

    Why: the extractor compiles its whole grammar on first use (≈0.3 s per process), which
    is most of what ``graphbuild cites`` costs.  Only a number with a known type code and a
    known issuer code, every other word a known type word, takes this path;
    ``tests/test_query.py`` checks it agrees with the extractor.  Anything else goes to the extractor.
    """
    if len(x) > 80:
        return None
    q = parse_loose(x)
    if q is None or not q.complete or not (q.type_code and q.issuer_code) or not re.search(r"\d[-/]", x):
        return None
    q.how = "extractor-equivalent"
    return q


def parse_reference(text: str) -> Query:
    """The parts of X: an IRI, an extractor reference, a loose reference, or free text."""
    x = text.strip()
    if x.startswith("<") and x.endswith(">"):
        x = x[1:-1].strip()
    if re.match(r"https?://", x):
        return Query(text, "iri", iri=x)
    m = re.fullmatch(r"(doc|citekey):(\S+)", x)
    if m:
        return Query(text, "iri", iri=f"{ID}{m.group(1)}/{m.group(2)}")
    m = re.fullmatch(r"(?:id/)?((?:doc|citekey)/\S+)", x)
    if m:
        return Query(text, "iri", iri=ID + m.group(1))
    if re.fullmatch(r"(party|state|named|bare):\S.*", x):
        try:
            return _from_id(Query(text, "extractor"), DocumentKey.parse(x))
        except (ValueError, KeyError):
            pass
    fast = _plain_full_number(x)
    if fast is not None:
        return fast
    from graphbuild.extract.find import extract

    mentions = [m for m in extract(x) if m.id]
    if mentions:
        best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
        q = _from_id(Query(text, "extractor"), best.key)
        if best.year and q.year is None and best.kind == "state":
            q.year = best.year
        if best.term and q.term is None:
            q.term = best.term
        if best.kind and q.kind is None:
            q.kind = best.kind if best.kind != "party" or q.issuer_code else None
        if q.number is not None and q.type_code and not q.issuer_code and best.kind != "named":
            loose = parse_loose(x)  # 'Quy định 205 TW': the extractor keeps the bare part only
            if loose and loose.number == q.number and loose.issuer_code:
                q.issuer_code = loose.issuer_code
        return q
    loose = parse_loose(x)
    if loose is not None:
        return loose
    return Query(text, "text")


# --------------------------------------------------------------------------- the document index


class Graph:
    """An opened graph plus its document index (small: one record per document, not per article)."""

    def __init__(self, graph_dir: str | os.PathLike[str] | None = None, store: ox.Store | None = None) -> None:
        self.dir = Path(graph_dir) if graph_dir is not None else Path("out")
        self.store = store if store is not None else open_store(graph_dir)
        self._docs: dict[str, Document] | None = None
        self._sentences: dict[tuple[str, int, int], tuple[int, str] | None] = {}

    # objects of one predicate over every subject, as {subject: [values]}
    def _scan(self, predicate: str) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            out.setdefault(quad.subject.value, []).append(quad.object)
        return out

    def query(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> Any:
        """Run SPARQL with the standard prefixes and values bound (never pasted) to ``?name``.

        Oxigraph substitutes only variables the SELECT projects, so every bound one is projected.
        """
        subs = {ox.Variable(k): v for k, v in bindings.items()}
        return self.store.query(sparql, prefixes=PREFIXES, substitutions=subs or None)

    def document(self, iri: str) -> Document | None:
        """One document node, read from its own triples (no full index needed)."""
        if self._docs is not None:
            return self._docs.get(iri)
        if not (iri.startswith(ID + "doc/") or iri.startswith(ID + "citekey/")):
            return None
        try:
            node = ox.NamedNode(iri)
        except ValueError:  # not a valid IRI (spaces, '>', ...): names nothing
            return None
        props: dict[str, list[Any]] = {}
        for q in self.store.quads_for_pattern(node, None, None):
            props.setdefault(q.predicate.value, []).append(q.object)
        if GB + "citationCount" not in props:
            return None
        return self._make(iri, props)

    def _make(self, s: str, props: dict[str, list[Any]]) -> Document:
        def first(p: str) -> str | None:
            v = props.get(p)
            return v[0].value if v else None

        local = s[len(ID):]
        d = Document(iri=s, id=local, label=first(RDFS + "label") or local,
                     kind="citekey" if local.startswith("citekey/") else "",
                     citations=_int(first(GB + "citationCount")) or 0)
        d.cite_keys = sorted(v.value for v in props.get(GB + "citeKey", []))
        d.candidates = sorted(v.value[len(ID):] for v in props.get(GB + "candidate", []))
        d.number = first(ELI + "number")
        d.num = _int(d.number) if d.number else None
        d.type_code, d.issuer_code = first(GB + "typeCode"), first(GB + "issuerCode")
        d.year, d.term = _int(first(DCT + "date")), first(GB + "term")
        self._fill_from_keys(d)
        return d

    def candidates(self, q: Query) -> list[Document]:
        """Documents that may match ``q``: those whose number (or citeKey number) has q's integer.

        Two predicate scans (eli:number, gb:citeKey) instead of the whole index, so ``cites``
        stays fast on a large graph; named references look their citeKeys up the same way.
        """
        if self._docs is not None:
            return list(self._docs.values())
        exact = self._exact_candidates(q)
        if exact:
            return exact
        hits: set[str] = set()
        if q.number is not None:
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(ELI + "number"), None):
                if _int(quad.object.value) == q.number:
                    hits.add(quad.subject.value)
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(GB + "citeKey"), None):
            key = quad.object.value
            if q.number is not None and re.match(r"(party|state|bare):", key):
                if _int(key.split(":", 1)[1]) == q.number:
                    hits.add(quad.subject.value)
            elif key.startswith("named:") and (q.plenum or q.congress or q.charter):
                hits.add(quad.subject.value)
        if q.plenum and q.term:
            hits.add(f"{ID}doc/plenum_{q.term.lower()}_{q.plenum}")
        docs = (self.document(h) for h in sorted(hits))
        return [d for d in docs if d is not None]

    def _exact_candidates(self, q: Query) -> list[Document]:
        """Documents whose citeKey or eli:number is exactly one spelling of a full number (index lookups).

        A full number (type and issuer codes known) is looked up as the extractor's id
        (gb:citeKey, which every cited document carries) and as eli:number written with 1-3
        digits; every document with citing articles has the citeKey, so for ``cites`` this is
        complete.  Empty when X is not a full number: the caller then scans.
        """
        if q.number is None or not (q.type_code and q.issuer_code) or q.plenum or q.congress:
            return []
        from graphbuild.domain import ids

        keys = {ids.party_id(str(q.number), q.type_code, q.issuer_code),
                ids.state_id(str(q.number), q.year, q.type_code, q.issuer_code)}
        numbers = set()
        for n in {str(q.number), f"{q.number:02d}", f"{q.number:03d}"}:
            numbers.add(f"{n}-{q.type_code}/{q.issuer_code}")
            numbers.add(f"{n}/{q.year}/{q.type_code}-{q.issuer_code}" if q.year else f"{n}/{q.type_code}-{q.issuer_code}")
        hits: set[str] = set()
        for pred, values in ((GB + "citeKey", keys), (ELI + "number", numbers)):
            p = ox.NamedNode(pred)
            for v in values:
                hits.update(quad.subject.value for quad in self.store.quads_for_pattern(None, p, ox.Literal(v)))
        docs = (self.document(h) for h in sorted(hits))
        return [d for d in docs if d is not None]

    @property
    def documents(self) -> dict[str, Document]:
        """Every document and citation key, by IRI (every DocRecord carries gb:citationCount)."""
        if self._docs is None:
            self._docs = self._load_documents()
        return self._docs

    def _load_documents(self) -> dict[str, Document]:
        counts = self._scan(GB + "citationCount")
        docs: dict[str, Document] = {}
        doc_prefix, key_prefix = ID + "doc/", ID + "citekey/"
        numbers, tcs, ics = self._scan(ELI + "number"), self._scan(GB + "typeCode"), self._scan(GB + "issuerCode")
        years, terms, keys = self._scan(DCT + "date"), self._scan(GB + "term"), self._scan(GB + "citeKey")
        cands = self._scan(GB + "candidate")
        label_p = ox.NamedNode(RDFS + "label")
        for s, values in counts.items():
            if not (s.startswith(doc_prefix) or s.startswith(key_prefix)):
                continue
            local = s[len(ID):]
            label = next((q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(s), label_p, None)), local)
            d = Document(iri=s, id=local, label=label, kind="citekey" if s.startswith(key_prefix) else "",
                         citations=_int(values[0].value) or 0)
            d.cite_keys = sorted(v.value for v in keys.get(s, []))
            d.candidates = sorted(v.value[len(ID):] for v in cands.get(s, []))
            if s in numbers:
                d.number = numbers[s][0].value
                d.num = _int(d.number)
            d.type_code = tcs[s][0].value if s in tcs else None
            d.issuer_code = ics[s][0].value if s in ics else None
            d.year = _int(years[s][0].value) if s in years else None
            d.term = terms[s][0].value if s in terms else None
            self._fill_from_keys(d)
            docs[s] = d
        return docs

    @staticmethod
    def _fill_from_keys(d: Document) -> None:
        """Kind, number and codes from the citeKey or the IRI when the node lacks eli:number (keys, named)."""
        local = d.id.split("/", 1)[1]
        m = re.fullmatch(r"plenum_([a-z]+)_(\d+)", local)
        if m:
            d.kind, d.plenum, d.term = "named", int(m.group(2)), d.term or m.group(1).upper()
            return
        m = re.fullmatch(r"congress_([a-z]+)", local)
        if m:
            d.kind, d.congress = "named", m.group(1).upper()
            return
        if local == "charter":
            d.kind = "named"
            return
        for key in d.cite_keys:
            q = _from_id(Query(key, "key"), DocumentKey.parse(key)) if re.match(r"(party|state):", key) else None
            if q is None:
                continue
            if not d.kind:
                d.kind = q.kind or ""
            d.num = d.num if d.num is not None else q.number
            d.type_code = d.type_code or q.type_code
            d.issuer_code = d.issuer_code or q.issuer_code
            if d.number is None and d.kind == "citekey":
                d.number = key.split(":", 1)[1]
            break
        if not d.kind:
            d.kind = "state" if d.number and "/" in d.number.split("-")[0] else "party"

    # ----------------------------------------------------------------------- sentences

    def article_text(self, source: str | None, article_id: str) -> str | None:
        """The article's text, re-read from its source when that is a readable local file (else None).

        The graph stores offsets and the anchor, not the text: the sentence around a mention
        comes from the source itself.  For many articles use :meth:`visit_texts` (each file read once).
        """
        found: list[str] = []
        if source:
            self.visit_texts([(source, article_id)], lambda _s, _a, text: found.append(text))
        return found[0] if found else None

    def _source_file(self, source: str) -> tuple[Path | None, int | None]:
        """(file, line) of an article's ``dct:source``: ``PATH`` or ``PATH:LINE`` (a JSON Lines or CSV record)."""
        name, line = source, None
        if m := _SOURCE_LINE.fullmatch(source):
            if not self._readable(source):
                name, line = m.group(1), int(m.group(2))
        path = self._readable(name)
        return path, (line if path is not None else None)

    def _readable(self, name: str) -> Path | None:
        path = Path(name)
        for p in ([path] if path.is_absolute() else [path, self.dir.parent / path]):
            if p.is_file():
                return p
        return None

    def visit_texts(self, wanted: Iterable[tuple[str, str]], keep: Callable[[str, str, str], None]) -> None:
        """Call ``keep(source, article id, text)`` for each pair whose source can be re-read; each file is read once.

        A record's line is read alone ('articles.jsonl:9246' → line 9246, and the file is read no
        further than the last line asked for), and only what ``keep`` keeps stays in memory: a
        million-article archive is not loaded to show a few sentences.  A source that is gone,
        moved or changed only loses its context.
        """
        by_file: dict[Path, dict[int | None, list[tuple[str, str]]]] = {}
        for source, article_id in wanted:
            path, line = self._source_file(source)
            if path is not None:
                by_file.setdefault(path, {}).setdefault(line, []).append((source, article_id))
        for path, lines in by_file.items():
            try:
                self._read_texts(path, lines, keep)
            except Exception:  # noqa: BLE001 - a moved or changed source only loses context
                continue

    def _read_texts(self, path: Path, lines: dict[int | None, list[tuple[str, str]]],
                    keep: Callable[[str, str, str], None]) -> None:
        from graphbuild.read.articles import read_articles, read_record

        whole = lines.pop(None, None)
        if whole:  # a file of its own (text, HTML) or a source without line numbers: read it all
            ids = {aid for _, aid in whole}
            texts = {a.id: a.text for a in read_articles([str(path)]) if getattr(a, "id", None) in ids}
            for source, aid in whole:
                if aid in texts:
                    keep(source, aid, texts[aid])
        if not lines:
            return
        if path.suffix.lower() not in (".jsonl", ".ndjson", ".jsonlines"):
            # CSV and other record files: the reader knows their rows
            ids = {aid for pairs in lines.values() for _, aid in pairs}
            for a in read_articles([str(path)]):
                if getattr(a, "id", None) in ids and a.line in lines:
                    for source, aid in lines[a.line]:
                        if aid == a.id:
                            keep(source, aid, a.text)
            return
        last = max(lines)
        with open(path, "rb") as fh:
            for n, raw in enumerate(fh, start=1):
                if n in lines:
                    text = raw.decode("utf-8")
                    if n == 1:
                        text = text.lstrip("\ufeff")
                    for a in read_record(json.loads(text), str(path), n):
                        for source, aid in lines[n]:
                            if getattr(a, "id", None) == aid:
                                keep(source, aid, a.text)
                if n >= last:
                    break

    def stored_sentence(self, article_id: str, start: int | None, end: int | None, surface: str) -> str | None:
        """The marked sentence from the build's mentions.jsonl, for sources that cannot be re-read."""
        if start is None or end is None:
            return None
        key = (article_id, start, end)
        if key not in self._sentences:
            self.prefetch_sentences([key])
        hit = self._sentences.get(key)
        if hit is None:
            return None
        s0, sent = hit
        a, b = start - s0, end - s0
        if not (0 <= a <= b <= len(sent)) or sent[a:b] != surface:
            return None
        return sentence_around(sent, a, b)

    def prefetch_sentences(self, keys: Iterable[tuple[str, int, int]]) -> None:
        """Look up many (article, start, end) sentences in mentions.jsonl in one pass.

        Only rows of the articles asked for are decoded (their id is picked out of the raw line
        first), and only those rows are kept: the file of a million articles is ~4 GB.
        """
        want = {k for k in keys if k not in self._sentences}
        if not want:
            return
        for k in want:
            self._sentences[k] = None
        path = self.dir / "mentions.jsonl"
        if not path.is_file():
            return
        articles = {k[0] for k in want}
        left = len(want)
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                m = _ROW_ARTICLE.search(line)
                if m is None or m.group(1) not in articles:
                    continue
                row = json.loads(line)
                key = (row.get("article"), row.get("start"), row.get("end"))
                if key in want and self._sentences.get(key) is None and row.get("sentence") is not None \
                        and row.get("sentence_start") is not None:
                    self._sentences[key] = (row["sentence_start"], row["sentence"])
                    left -= 1
                    if not left:
                        break


# 'PATH:LINE', the source name of a record in a JSON Lines or CSV file
_SOURCE_LINE = re.compile(r"(.+):(\d+)")
# The article id in a mentions.jsonl row as the build writes it (json's default separators)
_ROW_ARTICLE = re.compile(r'"article":\s*"([^"\\]*)"')


# --------------------------------------------------------------------------- matching


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold_code(a) == fold_code(b)


def _matches(d: Document, q: Query) -> bool:
    if q.kind == "named" or q.plenum or q.congress or q.charter:
        if q.charter:
            return d.id == "doc/charter"
        if q.plenum:
            return d.plenum == q.plenum and (q.term is None or _same(d.term, q.term))
        if q.congress:
            return _same(d.congress, q.congress)
        return False
    if q.number is None or d.num != q.number or d.plenum or d.congress:
        return False
    if q.type_code and not _same(d.type_code, q.type_code):
        return False
    if q.issuer_code and not _same(d.issuer_code, q.issuer_code):
        return False
    if q.year and d.year and d.year != q.year:
        return False
    return not (q.term and d.term and not _same(d.term, q.term))


def find_documents(graph: Graph | str | os.PathLike[str] | None, x: str) -> Match:
    """The documents X names (newest first), or none plus the nearest known documents as suggestions."""
    g = graph if isinstance(graph, Graph) else Graph(graph)
    q = parse_reference(x)
    found: list[Document] = []
    if q.iri is not None:
        d = g.document(q.iri)
        found = [d] if d is not None else []
    elif q.how in ("extractor", "loose", "extractor-equivalent"):
        found = [d for d in g.candidates(q) if _matches(d, q)]
    docs = g.documents if not found else {}
    if not found and q.iri is None:
        fx, tx = fold_code(x), fold_words(x)
        for d in docs.values():
            if (any(fold_code(k) == fx or fold_code(k.split(":", 1)[-1]) == fx for k in d.cite_keys)
                    or (d.number and fold_code(d.number) == fx) or fold_code(d.id) == fx or fold_code(d.id.split("/")[-1]) == fx
                    or (len(tx) >= 6 and tx in fold_words(d.label))):
                found.append(d)
    found.sort(key=_newest_first)
    return Match(q, found, [] if found else suggest(docs.values(), q, x))


def _newest_first(d: Document) -> tuple:
    return (d.kind == "citekey", -(d.year or 0), d.id)


def suggest(docs: Any, q: Query, x: str, limit: int = 5) -> list[Document]:
    """The nearest known documents to a reference that matched none.

    Same number with other codes first, then the same codes with a near number, then the
    closest labels and numbers by string similarity.
    """
    scored: dict[str, tuple[float, Document]] = {}

    def add(d: Document, score: float) -> None:
        if score > scored.get(d.iri, (0.0, d))[0]:
            scored[d.iri] = (score, d)

    fx = fold_code(x)
    for d in docs:
        if q.number is not None and d.num == q.number:
            add(d, 3.0 + (_same(d.type_code, q.type_code) + _same(d.issuer_code, q.issuer_code)) * 0.3)
        if (q.number is not None and d.num is not None and q.type_code and _same(d.type_code, q.type_code)
                and (not q.issuer_code or _same(d.issuer_code, q.issuer_code))):
            gap = abs(d.num - q.number)
            if 0 < gap <= 20:
                add(d, 2.0 + (20 - gap) / 40)
        if q.plenum and d.plenum:
            add(d, 2.5 if d.plenum == q.plenum else 1.5 if _same(d.term, q.term) else 0.0)
        candidates = [fold_code(d.number or ""), fold_code(d.label), *(fold_code(k.split(":", 1)[-1]) for k in d.cite_keys)]
        ratio = max(difflib.SequenceMatcher(None, fx, c).ratio() for c in candidates if c) if any(candidates) else 0
        if ratio >= 0.6:
            add(d, ratio)
    ranked = sorted(scored.values(), key=lambda t: (-t[0], -d_year(t[1]), t[1].id))
    return [d for _, d in ranked[:limit]]


def d_year(d: Document) -> int:
    return d.year or 0


# --------------------------------------------------------------------------- cites


_CITING = """
SELECT ?doc ?m ?a ?aid ?title ?alabel ?date ?source ?url ?surface ?begin ?end WHERE {
  ?m gb:refersTo ?doc ; nif:referenceContext ?a .
  OPTIONAL { ?m nif:anchorOf ?surface } OPTIONAL { ?m nif:beginIndex ?begin } OPTIONAL { ?m nif:endIndex ?end }
  OPTIONAL { ?a dct:identifier ?aid } OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
  OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source } OPTIONAL { ?a sdo:url ?url }
}"""


def _v(sol: Any, name: str) -> str | None:
    t = sol[name]
    return None if t is None else t.value


def citing_articles(graph: Graph, doc: Document, context: bool = True) -> list[Citation]:
    """One Citation per article citing ``doc``, newest first, its first mention's sentence marked.

    ``context=False`` skips re-reading sources (the sentence is then the anchor alone).
    """
    per_article: dict[str, Citation] = {}
    for sol in graph.query(_CITING, doc=ox.NamedNode(doc.iri)):
        a_iri = sol["a"].value
        begin = _int(_v(sol, "begin"))
        end = _int(_v(sol, "end"))
        surface = _v(sol, "surface") or ""
        c = per_article.get(a_iri)
        if c is not None:
            c.mentions += 1
            if begin is not None and (c.start is None or begin < c.start):
                c.start, c.end, c.surface = begin, end, surface
            continue
        aid = _v(sol, "aid") or a_iri.rsplit("/", 1)[-1]
        per_article[a_iri] = Citation(
            document=doc.id, label=doc.label, article=aid, source=_v(sol, "source") or _v(sol, "url"),
            title=_v(sol, "title") or _v(sol, "alabel"), date=_v(sol, "date"), surface=surface, sentence="",
            url=_v(sol, "url"), article_iri=a_iri, document_iri=doc.iri, start=begin, end=end)
    out = list(per_article.values())
    if context:  # the sentence from the source, re-read; the texts themselves are not kept
        by_key = {(c.source, c.article): c for c in out if c.source}

        def keep(source: str, aid: str, text: str) -> None:
            c = by_key[(source, aid)]
            if c.start is not None and c.end is not None and text[c.start:c.end] == c.surface:
                c.sentence = sentence_around(text, c.start, c.end)

        graph.visit_texts(by_key, keep)
    missed = [c for c in out if not c.sentence]
    if context:  # sources gone or changed: the sentences the build stored, all in one pass
        graph.prefetch_sentences((c.article, c.start, c.end) for c in missed if c.start is not None and c.end is not None)
    for c in missed:
        c.sentence = (graph.stored_sentence(c.article, c.start, c.end, c.surface) if context else None) \
            or f"»{c.surface}«"
    out.sort(key=lambda c: (c.date or "", c.title or "", c.article), reverse=True)
    out.sort(key=lambda c: c.date is None)  # undated last, stable
    return out


def cites(graph_dir: str | os.PathLike[str] | None, x: str, context: bool = True) -> tuple[Match, list[Citation]]:
    """The documents X names and every (document, article) citation of them."""
    g = Graph(graph_dir)
    match = find_documents(g, x)
    rows: list[Citation] = []
    for d in match.documents:
        rows.extend(citing_articles(g, d, context=context))
    return match, rows


# --------------------------------------------------------------------------- refs


@dataclass
class Reference:
    """A document one article cites, with how many times and the anchors."""

    document: str
    label: str
    kind: str
    mentions: int
    surfaces: list[str]
    document_iri: str


@dataclass
class ArticleRefs:
    article: str
    article_iri: str
    title: str | None
    date: str | None
    source: str | None
    references: list[Reference]


def find_article(graph: Graph, x: str) -> list[str]:
    """Article IRIs for an article id, IRI, ``article:local`` or source path (several when a file holds many)."""
    x = x.strip().strip("<>")
    if x.startswith(ID + "article/"):
        try:
            node = ox.NamedNode(x)
        except ValueError:
            return []
        return [x] if any(True for _ in graph.store.quads_for_pattern(node, None, None)) else []
    if x.startswith("article:"):
        x = x.split(":", 1)[1]
    hits: list[str] = []
    for pred, value in ((DCT + "identifier", ox.Literal(x)), (DCT + "source", ox.Literal(x))):
        hits += [q.subject.value for q in graph.store.quads_for_pattern(None, ox.NamedNode(pred), value)]
    if not hits and re.fullmatch(r"[A-Za-z0-9._-]+", x):
        iri = ID + "article/" + x
        if any(True for _ in graph.store.quads_for_pattern(ox.NamedNode(iri), None, None)):
            hits.append(iri)
    if not hits and (os.sep in x or "/" in x):
        norm = os.path.normpath(x)
        for q in graph.store.quads_for_pattern(None, ox.NamedNode(DCT + "source"), None):
            if os.path.normpath(q.object.value) == norm or q.object.value.endswith("/" + x.lstrip("./")):
                hits.append(q.subject.value)
    return sorted(set(hits))


_REFS = """
SELECT ?a ?doc ?surface ?begin WHERE {
  ?m nif:referenceContext ?a ; gb:refersTo ?doc .
  OPTIONAL { ?m nif:anchorOf ?surface } OPTIONAL { ?m nif:beginIndex ?begin }
} ORDER BY ?begin"""

_ARTICLE = """
SELECT ?a ?aid ?title ?alabel ?date ?source ?url WHERE {
  OPTIONAL { ?a dct:identifier ?aid } OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a rdfs:label ?alabel }
  OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source } OPTIONAL { ?a sdo:url ?url }
}"""


def refs(graph_dir: str | os.PathLike[str] | Graph | None, x: str) -> list[ArticleRefs]:
    """The documents each article X names cites, in order of first mention."""
    g = graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir)
    out = []
    for a_iri in find_article(g, x):
        a = ox.NamedNode(a_iri)
        info = next(iter(g.query(_ARTICLE, a=a)), None)
        by_doc: dict[str, Reference] = {}
        for sol in g.query(_REFS, a=a):
            d_iri = sol["doc"].value
            doc = g.documents.get(d_iri)
            r = by_doc.get(d_iri)
            if r is None:
                r = by_doc[d_iri] = Reference(d_iri[len(ID):], doc.label if doc else d_iri, doc.kind if doc else "",
                                              0, [], d_iri)
            r.mentions += 1
            s = _v(sol, "surface")
            if s and s not in r.surfaces:
                r.surfaces.append(s)
        out.append(ArticleRefs(
            article=(_v(info, "aid") if info else None) or a_iri.rsplit("/", 1)[-1], article_iri=a_iri,
            title=(_v(info, "title") or _v(info, "alabel")) if info else None,
            date=_v(info, "date") if info else None,
            source=(_v(info, "source") or _v(info, "url")) if info else None, references=list(by_doc.values())))
    return out


# --------------------------------------------------------------------------- show


@dataclass
class Related:
    relation: str  # the property's local name (hasPart, cites, candidate, ...)
    document: str
    label: str
    document_iri: str


@dataclass
class DocumentInfo:
    """Everything ``show`` prints about one document."""

    document: str
    iri: str
    label: str
    kind: str
    number: str | None
    type: str | None
    date: str | None
    year: int | None
    term: str | None
    issuer: str | None
    numbering_body: str | None
    subject: str | None
    source: str | None
    cite_keys: list[str]
    citations: int
    articles: int
    outgoing: list[Related]  # documents it cites, implements, contains, may be
    incoming: list[Related]  # documents that cite it, contain it, ...
    conflicts: list[str]


_SHOW = """
SELECT ?doc ?date ?type ?issuer ?nbody ?subject ?source WHERE {
  OPTIONAL { ?doc eli:date_document ?date }
  OPTIONAL { ?doc eli:type_document/skos:prefLabel ?type }
  OPTIONAL { ?doc eli:passed_by ?ib . ?ib rdfs:label ?issuer }
  OPTIONAL { ?doc gb:numberingBody ?nb . ?nb rdfs:label ?nbody }
  OPTIONAL { ?doc dct:subject ?subject }
  OPTIONAL { ?doc dct:source ?source }
} LIMIT 1"""

_COUNT_ARTICLES = "SELECT ?doc (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a dct:references ?doc } GROUP BY ?doc"


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def show(graph_dir: str | os.PathLike[str] | Graph | None, x: str) -> tuple[Match, list[DocumentInfo]]:
    """Each document X names, described (several when X is ambiguous)."""
    g = graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir)
    match = find_documents(g, x)
    infos = []
    for d in match.documents:
        node = ox.NamedNode(d.iri)
        sol = next(iter(g.query(_SHOW, doc=node)), None)
        n_articles = next(iter(g.query(_COUNT_ARTICLES, doc=node)))["n"]
        outgoing, incoming = [], []
        for q in g.store.quads_for_pattern(node, None, None):
            o = q.object
            if isinstance(o, ox.NamedNode) and o.value in g.documents and o.value != d.iri:
                od = g.documents[o.value]
                outgoing.append(Related(_local(q.predicate.value), od.id, od.label, od.iri))
        for q in g.store.quads_for_pattern(None, None, node):
            s = q.subject.value
            if s in g.documents and s != d.iri:
                sd = g.documents[s]
                incoming.append(Related(_local(q.predicate.value), sd.id, sd.label, sd.iri))
        conflicts = [q.object.value for q in g.store.quads_for_pattern(node, ox.NamedNode(GB + "conflict"), None)]
        infos.append(DocumentInfo(
            document=d.id, iri=d.iri, label=d.label, kind=d.kind, number=d.number,
            type=_v(sol, "type") if sol else None, date=_v(sol, "date") if sol else None, year=d.year, term=d.term,
            issuer=_v(sol, "issuer") if sol else None, numbering_body=_v(sol, "nbody") if sol else None,
            subject=_v(sol, "subject") if sol else None, source=_v(sol, "source") if sol else None,
            cite_keys=d.cite_keys, citations=d.citations, articles=int(n_articles.value),
            outgoing=sorted(outgoing, key=lambda r: (r.relation, r.document)),
            incoming=sorted(incoming, key=lambda r: (r.relation, r.document)), conflicts=conflicts))
    return match, infos


# --------------------------------------------------------------------------- stats


_TOP_DOCS = """
SELECT ?doc ?label (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  ?m gb:refersTo ?doc ; nif:referenceContext ?a .
  OPTIONAL { ?doc rdfs:label ?label }
} GROUP BY ?doc ?label ORDER BY DESC(?articles) DESC(?mentions) ?doc LIMIT ?limit"""

_ISSUERS = """
SELECT ?body ?label (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  ?doc eli:passed_by ?body .
  OPTIONAL { ?body rdfs:label ?label }
  OPTIONAL { ?a dct:references ?doc }
} GROUP BY ?body ?label ORDER BY DESC(?articles) DESC(?documents) ?body"""

_PER_YEAR = """
SELECT ?year (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
  ?m nif:referenceContext ?a .
  ?a dct:issued ?date .
  BIND (YEAR(?date) AS ?year)
} GROUP BY ?year ORDER BY ?year"""

_TOTALS = """
SELECT (COUNT(DISTINCT ?a) AS ?articles) (COUNT(?m) AS ?mentions) WHERE { ?m nif:referenceContext ?a }"""


def stats(graph_dir: str | os.PathLike[str] | Graph | None, limit: int = 10) -> dict[str, Any]:
    """Most-cited documents, most active issuers, citations per year (by the article's date)."""
    g = graph_dir if isinstance(graph_dir, Graph) else Graph(graph_dir)
    top = []
    # LIMIT cannot take a bound variable: the integer is formatted, never user text
    for sol in g.query(_TOP_DOCS.replace("?limit", str(int(limit)))):
        top.append({"document": sol["doc"].value[len(ID):] if sol["doc"].value.startswith(ID) else sol["doc"].value,
                    "label": _v(sol, "label"), "articles": int(sol["articles"].value),
                    "mentions": int(sol["mentions"].value)})
    issuers = [{"body": sol["body"].value[len(ID):], "label": _v(sol, "label"),
                "documents": int(sol["documents"].value), "articles": int(sol["articles"].value)}
               for sol in g.query(_ISSUERS)][: int(limit)]
    years = [{"year": int(sol["year"].value), "mentions": int(sol["mentions"].value),
              "articles": int(sol["articles"].value)} for sol in g.query(_PER_YEAR) if sol["year"] is not None]
    totals = next(iter(g.query(_TOTALS)))
    kinds = Counter(d.kind for d in g.documents.values())
    return {"articles": int(totals["articles"].value), "mentions": int(totals["mentions"].value),
            "documents": sum(v for k, v in kinds.items() if k != "citekey"), "citation_keys": kinds.get("citekey", 0),
            "top_documents": top, "top_issuers": issuers, "per_year": years}
