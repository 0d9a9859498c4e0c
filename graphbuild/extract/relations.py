"""Relations a text states between its references: which document implements, rests on, amends,
repeals or guides which.

Only what the text says with a relating phrase counts; two documents in one sentence are no
relation.  The phrases and their directions are data (``graphbuild/data/relations.json``):

* forward, the left reference is the source: ``Kế hoạch số 146-KH/TU thực hiện Chỉ thị số 35-CT/TW``;
* backward, the left reference is the target: ``… được sửa đổi, bổ sung bởi Luật số 35/2018/QH14``;
* fronted, the phrase opens a clause and the source comes later, as what the clause issues
  (``Căn cứ …, UBND tỉnh ban hành Quyết định số …``) or the text's own document;
* left_self, the text's own document repeals the left reference (``… hết hiệu lực``).

The text's **own document** is the number of its header (``Số: 03/NQ-CP``, ``Số 146-KH/TU``, at the
start of a line near the top): its title and preamble (up to ``Điều 1`` or ``I.``) relate it, and
so does ``Nghị định này`` anywhere; it takes the header's date when its number carries none.

On the left of a phrase the source (or target) is the nearest reference with only its title between
(its date and issuer, a few words; no sentence break, no clause opened by a comma); on the right the
targets are the reference a few words on and the ones listed after it (``Chỉ thị 35 và Kết luận
21``).  Phrases are looked for only near references, so a text without any costs nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref
from graphbuild.text.lexicon import load_json

RelationNote = tuple[str, Ref, int, int]  # (relation, target, start, end of the words that state it)


@dataclass(frozen=True)
class Phrase:
    relation: str
    direction: str  # forward | backward | fronted | left_self
    fronted: bool  # may also open a clause (a forward phrase)


@dataclass(frozen=True)
class Grammar:
    """The relation grammar of relations.json, compiled."""

    pattern: re.Pattern[str]
    phrases: dict[str, Phrase]  # key: the spelling folded by _key
    title_links: dict[str, str]
    openers: frozenset[str]
    chain: frozenset[str]
    negations: tuple[str, ...]
    coordinators: frozenset[str]
    instructing: tuple[str, ...]  # each with a blank on both sides, to find as words
    stop_words: frozenset[str]
    enact: re.Pattern[str]
    self_words: frozenset[str]
    own_subject: re.Pattern[str]  # 'Quyết định này …' opening a clause
    own_tail: re.Pattern[str]  # '… Nghị định này' ending one
    body_start: re.Pattern[str]
    limits: dict[str, int]


def _key(words: str) -> str:
    """A phrase as a dictionary key: lower case, single spaces, no blank before a comma."""
    return re.sub(r"\s*,\s*", ", ", " ".join(words.lower().split()))


def _spelling(words: str) -> str:
    """A phrase as a pattern: blanks match any run of blanks, a comma any blanks around it."""
    parts = [re.escape(w) for w in _key(words).replace(",", " , ").split()]
    return r"[ ]+".join(parts).replace(r"[ ]+,[ ]+", r"[ ]*,[ ]*")


@cache
def grammar() -> Grammar:
    data = load_json("relations.json")
    phrases: dict[str, Phrase] = {}
    for entry in data["phrases"]:
        phrase = Phrase(entry["relation"], entry["direction"], bool(entry.get("fronted")))
        for words in entry["words"]:
            phrases[_key(words)] = phrase
    alternation = "|".join(_spelling(w) for w in sorted(phrases, key=len, reverse=True))
    enact = "|".join(_spelling(w) for w in sorted(data["enact_words"], key=len, reverse=True))
    body = "|".join(re.escape(w) for w in data["body_starts"])
    return Grammar(
        pattern=re.compile(r"(?<![\w])(?:" + alternation + r")(?![\w])", re.I),
        phrases=phrases,
        title_links={_key(k): v for k, v in data["title_links"].items() if not k.startswith("_")},
        openers=frozenset(data["clause_openers"]),
        chain=frozenset(w for p in data["chain_words"] for w in p.split()),
        negations=tuple(data["negations"]),
        coordinators=frozenset(data["coordinators"]),
        instructing=tuple(f" {w} " for w in data["instructing"]),
        stop_words=frozenset(data["target_stop_words"]),
        enact=re.compile(r"(?<![\w])(?:" + enact + r")[ ]+(?:các[ ]+|kèm[ ]+theo[ ]+)?$", re.I),
        self_words=frozenset(data["self_number_words"]),
        own_subject=re.compile(r"[ ]*(?P<word>[^\W\d]+(?:[ ]+[^\W\d]+)?)[ ]+" + re.escape(data["self_pronoun"])
                               + r"(?![\w])", re.I),
        own_tail=re.compile(r"(?P<word>[^\W\d]+(?:[ ]+[^\W\d]+)?)[ ]+" + re.escape(data["self_pronoun"])
                            + r"[ ]*(?:đã[ ]+|sẽ[ ]+)?\Z", re.I),
        body_start=re.compile(r"^[ ]*(?:" + body + r")(?![\w])", re.I | re.M),
        limits=data["limits"],
    )


def relations() -> tuple[str, ...]:
    """The relation kinds, in the order of the data file."""
    return tuple(load_json("relations.json")["relations"])


def title_relation(link: str) -> str:
    """The relation a title's link word states ('thi hành' -> guides; 'về' -> cites)."""
    return grammar().title_links.get(_key(link), "implements")


def note(source: Ref, relation: str, target: Ref, start: int, end: int) -> None:
    """Record on ``source`` that the words at ``start:end`` state ``relation`` to ``target`` (once)."""
    if target is source or (target.start, target.end) == (source.start, source.end):
        return
    if source.relations is None:
        source.relations = []
    for rel, t, _s, _e in source.relations:
        if rel == relation and (t.start, t.end) == (target.start, target.end):
            return
    source.relations.append((relation, target, start, end))


_BREAK = re.compile(r"[;!?\n]|\.(?:\s|$)|:\s")
_TARGET_GAP_BAD = re.compile(r"[.;:!?\n()“”\"]")
_CLAUSE_START = re.compile(r"(?:\n|\.\s|;\s|:\s|,\s|^)[ \-–•+*]*(?P<lead>[^\n.;:,]*)\Z")
_LIST_GAP = re.compile(r"(?:[ ]*,[ ]*|[ ]+và[ ]+|[ ]*;[ ]*)(?:các[ ]+)?$", re.I)
_DATE_ISO = re.compile(g.DATE_ANY.pattern, re.I)
# 'Số: 03/NQ-CP' at the end of a header line: the word and the number (any symbol) and nothing after.
_NUMBER_WORD = re.compile(r"(?:^|[ ])số[ ]*:?[ ]*\d[^\s]*\Z", re.I)
# A clause whose subject is the text's own document: 'Quyết định này có hiệu lực … và thay thế …'.
_CLAUSE_BREAK = re.compile(r"[.;:!?]\s|\n")


class _Text:
    """One text's references and where its own document's title and preamble lie."""

    def __init__(self, folded: str, refs: list[Ref]) -> None:
        self.folded, self.refs = folded, refs
        self.starts = [r.start for r in refs]
        self.gr = grammar()
        self.own = self._own_document()
        self.preamble = self._preamble() if self.own is not None else (0, 0)

    # ---- the text's own document

    def _own_document(self) -> Ref | None:
        """The reference standing after 'Số' / 'Số:' at the start of a header line."""
        limit = self.gr.limits["header_chars"]
        for r in self.refs:
            if r.start > limit:
                break
            if r.kind == "named":
                continue
            if (r.type_code or r.issuer_code) and self._after_number_word(r):
                if r.date is None:
                    r.date = self._header_date(r)
                return r
        return None

    def _after_number_word(self, r: Ref) -> bool:
        """Whether 'Số' / 'Số:' stands before the number on its line, after nothing but capitals (the issuer
        of a header table row) or a type word and a colon ('Luật số: 77/2015/QH13'), or on the line before
        ('Số:' and the number broken over two lines by a header table); after it on the line, at most a place
        and date ('Hà Nội, ngày 09 tháng 01 năm 2025')."""
        folded = self.folded
        lo = folded.rfind("\n", 0, r.start) + 1
        line = folded[lo:r.end].strip(" |\t")
        m = _NUMBER_WORD.search(line)
        lines_back = 0
        while m is None and line == folded[r.start:r.end].strip(" |\t") and lo > 0 and lines_back < 2:
            hi, lo = lo - 1, folded.rfind("\n", 0, lo - 1) + 1  # the number alone on its line: join the one before
            before = folded[lo:hi].strip(" |\t")
            if before:
                line = f"{before} {line}"
                m = _NUMBER_WORD.search(line)
            lines_back += 1
        if m is None:
            return False
        rest = folded[r.end:folded.find("\n", r.end) % (len(folded) + 1)].strip(" |\t")
        if rest and not _DATE_ISO.search(rest):  # only a place and date may follow on a header line
            return False
        head = line[:m.start()].strip(" |\t")
        return head == head.upper() or (":" in m.group(0) and g.type_word_pattern().fullmatch(head) is not None)

    def _header_date(self, own: Ref) -> str | None:
        """The date of the header line(s) after the number ('Hà Nội, ngày 09 tháng 01 năm 2025')."""
        hi = own.ctx_end or own.end
        window = self.folded[hi:hi + self.gr.limits["header_date_chars"]]
        i = bisect.bisect_left(self.starts, hi)
        if i < len(self.refs):
            window = window[:max(0, self.refs[i].start - hi)]
        m = _DATE_ISO.search(window)
        if not m:
            return None
        d, mo, y = (m.group("d", "m", "y") if m.group("d") else m.group("d2", "m2", "y2"))
        d, mo = int(d), int(mo)
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        return f"{y}-{mo:02d}-{d:02d}"

    def _preamble(self) -> tuple[int, int]:
        """From the own number to the first line of the body ('Điều 1', 'I.'), within a bound."""
        assert self.own is not None
        lo = self.own.end
        hi = lo + self.gr.limits["preamble_chars"]
        for m in self.gr.body_start.finditer(self.folded, lo, hi):
            if not m.group(0).strip().lower().startswith("căn cứ"):
                return lo, m.start()
        return lo, min(hi, len(self.folded))

    def in_preamble(self, pos: int) -> bool:
        return self.preamble[0] <= pos < self.preamble[1]

    # ---- neighbours of a phrase

    def _from(self, i: int) -> Iterator[Ref]:
        """The references from index ``i`` on, without copying the list (a slice per phrase was quadratic)."""
        refs = self.refs
        for j in range(i, len(refs)):
            yield refs[j]

    def overlaps(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_right(self.starts, lo) - 1
        for r in self._from(max(0, i)):
            if r.start >= hi:
                return False
            if r.end > lo:
                return True
        return False

    def left(self, pos: int, passive: bool = False) -> Ref | None:
        """The reference whose title runs up to ``pos`` (see the module docstring), or the own document
        named by 'Nghị định này'; ``passive``: a comma may close the title ('…, được sửa đổi bởi')."""
        folded, gr = self.folded, self.gr
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0 and self.refs[i].end > pos:
            i -= 1
        lo = max(0, pos - gr.limits["left_gap_chars"])
        tail = folded[lo:pos]
        if self.own is not None and _names_own_document(gr, tail):
            return self.own
        if i < 0:
            return None
        r = self.refs[i]
        gap = folded[r.end:pos]
        if len(gap) > gr.limits["left_gap_chars"] or _BREAK.search(gap):
            return None
        rest = gap
        m = g.DATE_AFTER.match(rest)
        if m:
            rest = rest[m.end():]
        m = g.issuer_after().match(rest)
        if m:
            rest = rest[m.end():]
            m = g.DATE_AFTER.match(rest)
            if m:
                rest = rest[m.end():]
        rest = rest.strip(" ").lower()
        if passive:
            rest = rest.removesuffix(",").rstrip(" ")
        if rest.startswith(","):
            return None
        words = rest.replace(",", " , ").split()
        if len(words) > gr.limits["left_gap_words"]:
            return None
        if any(w in f" {' '.join(words)} " for w in gr.instructing):
            return None
        if words and (words[-1] in gr.coordinators or rest.endswith(gr.negations)):
            if not all(w in gr.chain or w == "," for w in words) or self._is_object(r):
                return None
        return r

    def _is_object(self, r: Ref) -> bool:
        """Whether the words right before ``r`` are a verb it is the object of ('quán triệt Nghị quyết …')."""
        before = self.folded[max(0, r.start - 24):r.start].lower().split()
        return bool(before) and (before[-1] in self.gr.chain or before[-1] in ("hiện", "khai"))

    def right(self, pos: int) -> list[Ref]:
        """The reference a few words after ``pos`` and those listed after it."""
        i = bisect.bisect_left(self.starts, pos)
        if i >= len(self.refs):
            return []
        first = self.refs[i]
        gap = self.folded[pos:first.start]
        words = gap.replace(",", " ").lower().split()
        if (_TARGET_GAP_BAD.search(gap) or len(words) > self.gr.limits["target_gap_words"]
                or any(w in self.gr.stop_words for w in words)):
            return []
        out = [first]
        for r in self._from(i + 1):
            prev = out[-1]
            gap = self.folded[prev.end:r.start]
            if (len(gap) > self.gr.limits["list_gap_chars"] or r.start < prev.end or _TARGET_GAP_BAD.search(gap)
                    or not _LIST_GAP.search(gap) or re.search(r"(?<![\w])về(?![\w])", gap, re.I)
                    or self.gr.pattern.search(gap)):
                break
            out.append(r)
        return out

    def clause_opening(self, pos: int) -> bool:
        """Whether the phrase at ``pos`` opens its clause (after a break, a comma, or 'để', 'nhằm' ...)."""
        m = _CLAUSE_START.search(self.folded, max(0, pos - 40), pos)
        if m is None:
            return pos < 40 and not self.folded[:pos].strip(" -–•+*")
        lead = m.group("lead").strip().lower()
        return not lead or all(w in self.gr.openers for w in lead.split())

    def issued_later(self, pos: int) -> Ref | None:
        """The reference the clause goes on to issue ('…, Tỉnh ủy ban hành Kế hoạch số 146-KH/TU'), before the
        sentence ends (a ';' ends it too: what follows is another statement)."""
        end = _sentence_end(self.folded, pos, "; ")
        i = bisect.bisect_left(self.starts, pos)
        for r in self._from(i):
            if r.start >= end:
                break
            if self.gr.enact.search(self.folded, max(pos, r.start - 40), r.start):
                return r
        return None

    def enacts_unnumbered(self, pos: int) -> bool:
        """Whether the sentence goes on to issue a document with no number ('… ban hành Kế hoạch thực hiện')."""
        end = _sentence_end(self.folded, pos)
        return re.search(r"(?<![\w])(?:ban[ ]+hành|xây[ ]+dựng)(?![\w])", self.folded[pos:end], re.I) is not None


# How far a sentence may run: a relation is stated inside one, and a bound keeps each look-ahead short
# on text with no sentence breaks (one long line), where unbounded searches made extraction quadratic.
SENTENCE_REACH = 2000


def _sentence_end(folded: str, pos: int, *more: str) -> int:
    """Where the sentence going on at ``pos`` ends: a line break, '. ' (or one of ``more``), at most SENTENCE_REACH on."""
    limit = min(len(folded), pos + SENTENCE_REACH)
    ends = [i for i in (folded.find(b, pos, limit) for b in ("\n", ". ", *more)) if i >= 0]
    return min(ends) if ends else limit


def _names_own_document(gr: Grammar, tail: str) -> bool:
    """Whether the clause ending ``tail`` has 'Nghị định này' (a type word and 'này') as its subject, or
    ends with it."""
    clause = tail[max((m.end() for m in _CLAUSE_BREAK.finditer(tail)), default=0):]
    m = gr.own_subject.match(clause) or gr.own_tail.search(clause)
    return m is not None and g.type_word_pattern().fullmatch(m.group("word")) is not None


def _case_ok(words: str, opening: bool) -> bool:
    """Lower case, all capitals (a title line), or capitalised where it opens a clause."""
    return words == words.lower() or words == words.upper() or (opening and words[1:] == words[1:].lower())


def _windows(refs: list[Ref], size: int) -> list[tuple[int, int]]:
    """Where phrases can be: around each reference, merged."""
    out: list[tuple[int, int]] = []
    for r in refs:
        lo, hi = max(0, r.start - 80), r.end + size
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def relate(folded: str, original: str, refs: list[Ref]) -> None:
    """Note on each source reference the relations the text states (see the module docstring)."""
    if not refs:
        return
    text = _Text(folded, refs)
    gr = text.gr
    for lo, hi in _windows(refs, gr.limits["left_gap_chars"] + 40):
        for m in gr.pattern.finditer(folded, lo, hi):
            start, end = m.span()
            if text.overlaps(start, end):
                continue
            phrase = gr.phrases[_key(m.group(0))]
            opening = text.clause_opening(start)
            if not _case_ok(original[start:end], opening):
                continue
            _apply(text, phrase, start, end, opening)


def _apply(text: _Text, phrase: Phrase, start: int, end: int, opening: bool) -> None:
    """Note the relation one phrase states, if its neighbours are references."""
    rel, direction = phrase.relation, phrase.direction
    if direction == "backward":
        target = text.left(start, passive=True)
        if target is not None:
            for source in text.right(end):
                note(source, rel, target, start, end)
        return
    if direction == "left_self":
        own_target = text.left(start, passive=True)
        if own_target is not None and text.own is not None:
            note(text.own, rel, own_target, start, end)
        return
    if direction == "fronted":
        if opening:
            _fronted(text, rel, start, end, _clause_targets(text, end))
        return
    targets = text.right(end)
    if not targets:
        return
    subject = text.left(start)
    if subject is not None:
        for t in targets:
            note(subject, rel, t, start, end)
    elif opening and phrase.fronted:
        _fronted(text, rel, start, end, targets)
    elif text.own is not None and text.in_preamble(start):
        for t in targets:
            note(text.own, rel, t, start, end)


def _clause_targets(text: _Text, pos: int) -> list[Ref]:
    """Every reference of a 'Căn cứ' clause: to the end of its line or sentence, or to what it issues."""
    end = _sentence_end(text.folded, pos)
    issued = text.issued_later(pos)
    if issued is not None:
        end = min(end, issued.start)
    i = bisect.bisect_left(text.starts, pos)
    return [r for r in text.refs[i:] if r.end <= end]


def _fronted(text: _Text, rel: str, start: int, end: int, targets: list[Ref]) -> None:
    """A clause-opening phrase: its source is what the sentence issues, else the text's own document."""
    if not targets:
        return
    source = text.issued_later(targets[-1].end)
    if source is None and text.own is not None and (
            text.in_preamble(start) or (rel == "based_on" and _line_start(text.folded, start))
            or text.enacts_unnumbered(targets[-1].end)):
        source = text.own
    if source is None:
        return
    for t in targets:
        if t is not source:
            note(source, rel, t, start, end)


def _line_start(folded: str, pos: int) -> bool:
    return not folded[folded.rfind("\n", 0, pos) + 1:pos].strip(" -–•+*")
