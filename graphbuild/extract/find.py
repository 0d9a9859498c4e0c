"""Find every document reference in a text: numbered, named, and short forms.

Steps, each a small function:
  1. fold the text for matching (:mod:`graphbuild.text.normalize`, offsets preserved);
  2. one candidate scan (:func:`_scan`): every number + symbol shape, split into tokens and
     classified with the lexicon (party N-TYPE/ISSUER, state N/[YYYY/]TYPE-ISSUER), and
     every capitalised type word;
  3. named references: plenum and congress resolutions, the Party Charter;
  4. bare references: a type word + number with no code, and lists sharing one type word;
  5. context: type word, date, issuing body and subject around each reference;
  6. short forms point back to the nearest earlier full reference of the same document.

Speed (issue #2: within 3x of one bare ``re`` scan for the Party-number shape) comes from
scanning the whole text as few times as possible and looking at context only around hits:
the candidate scan is the only whole-text pattern beyond the fold, two one-letter scans for
the 'q' of lower-case 'nghị quyết'/'nq', and a substring search for 'điều lệ'.  The type word
before a number is found by matching type words backwards from the number; sentence breaks by
searches between mentions.  What depends only on a repeated string (a symbol's shape, a body
name, a type-word segment, a date) is memoised.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from graphbuild.domain import ids
from graphbuild.domain.model import Mention
from graphbuild.extract import grammar as g
from graphbuild.text.fold import fold_code_keep_d, strip_marks
from graphbuild.text.lexicon import ARABIC_TO_ROMAN, issuer_system, lexicon, term_number
from graphbuild.text.normalize import fold_for_matching, to_original
from graphbuild.text.sentences import sentence_spans


@dataclass(slots=True)
class _Ref:
    """A reference found in the folded text (offsets in folded coordinates)."""

    start: int
    end: int
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
    form: str = "full"
    key: ids.DocumentKey | None = None
    antecedent: _Ref | None = None
    ctx_end: int = 0  # end of the reference plus its date/issuer/subject
    raw_issuer: str = ""
    needs_word: bool = False  # a number that is a reference only after a type word ('số 12-NQ' with no code)
    body_id: str | None = None  # the lexicon id of the issuing body named in the text
    relations: list[tuple[str, _Ref]] | None = None  # (relation, target) named in its title; rare, so made on demand
    date_shared: bool = False  # the date phrase says it is every listed item's ('cùng ngày')


# ---------------------------------------------------------------------------------------------
# 2. numbered references


def _looks_like_code(token: str) -> bool:
    """An unknown token is a code only if written mostly in capitals (SNV, TĐKT — not 'Chính')."""
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 >= len(letters) + 1


def _split_symbol(codes: str) -> tuple[list[str], list[str]]:
    """'NQ-\\nCP' -> (['NQ', 'CP'], ['-']): tokens and the separators between them."""
    parts = g.SYMBOL_PART.split(codes)
    return parts[0::2], parts[1::2]


def _canonical_issuer(token: str) -> str:
    lex = lexicon()
    return lex.issuer_code(token) or fold_code_keep_d(token)


def _known_code(token: str) -> bool:
    lex = lexicon()
    return bool(lex.type_code(token) or lex.issuer_code(token))


def _trim(tokens: list[str], seps: list[str]) -> tuple[list[str], list[str]]:
    """Cut the symbol where a spaced separator is followed by a token that is no code."""
    for i, sep in enumerate(seps):
        nxt = tokens[i + 1]
        spaced = sep.strip() != sep
        caps = nxt.isupper() and len(nxt) >= 2
        if (spaced and not _known_code(nxt) and not caps) or (not _known_code(nxt) and not _looks_like_code(nxt)):
            return tokens[: i + 1], seps[:i]
    return tokens, seps


def _fuse_split(token: str) -> tuple[str, str] | None:
    """'NQHĐND' -> ('NQ', 'HĐND'): a type code and an issuer written without the hyphen."""
    lex = lexicon()
    for i in range(len(token) - 1, 0, -1):
        head, tail = token[:i], token[i:]
        if lex.type_code(head) and lex.issuer_code(tail):
            return head, tail
    return None


# (kind, type code, issuer code, raw issuer, end offset in the symbol, keeps the year, needs a type word)
_Shape = tuple[str, str | None, str | None, str, int, bool, bool]
# A shape, and where in the symbol its last code starts if that code may open a capitalised word
# (:func:`_word_in_symbol`): both depend only on the key, so one memo holds both.
_SHAPES: dict[tuple[str, bool, str], tuple[_Shape | None, int | None]] = {}
_SHAPES_MAX = 200_000  # the memo is cleared when it grows past this (bounded memory on hostile input)


def _classify(m: re.Match[str]) -> _Ref | None:
    """Turn a number + symbol match into a party or state reference, or reject it."""
    return _classify_at(m)[0]


def _classify_at(m: re.Match[str]) -> tuple[_Ref | None, int | None]:
    """:func:`_classify`, and the offset in the text where the symbol's last code starts if that code
    may open a capitalised type word (where the scan goes on from), else None.

    What a match is depends only on its separator, whether it has a year, and its symbol
    ('-', False, 'NQ/TW'), never on the number: symbols repeat endlessly across a corpus, so
    the analysis is done once per distinct shape and memoised.
    """
    sep0, year, codes = m.group("sep0", "year", "codes")
    key = (sep0.strip(), year is not None, codes)
    try:
        shape, at = _SHAPES[key]
    except KeyError:
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        shape, at = _SHAPES[key] = (_classify_shape(*key), _word_in_symbol(codes))
    cstart = m.start("codes")
    if at is not None:
        at += cstart
    if shape is None:
        return None, at
    kind, type_code, issuer, raw, rel_end, keeps_year, needs_word = shape
    start = m.start()
    # Positional (the first eight fields): keywords cost twice as much, and this runs for every number.
    ref = _Ref(start, cstart + rel_end, kind, None, m.string[start:m.end("digits")], type_code, issuer,
               int(year) if keeps_year and year is not None else None)
    if raw:
        ref.raw_issuer = raw
    if needs_word:
        ref.needs_word = True
    return ref, at


def _classify_shape(sep0: str, has_year: bool, codes: str) -> _Shape | None:
    """The analysis behind :func:`_classify` for one shape; offsets are relative to the symbol's start."""
    lex = lexicon()
    all_tokens = _split_symbol(codes)[0]
    tokens, seps = _trim(*_split_symbol(codes))
    type_code = lex.type_code(tokens[0])
    if type_code is None and len(tokens) >= 1:
        fused = _fuse_split(tokens[0])
        if fused:
            tokens = [fused[0], fused[1], *tokens[1:]]
            seps = ["-", *seps]
            type_code = lex.type_code(fused[0])
    end = len(codes)
    if len(tokens) < len(all_tokens):
        end = _symbol_end(codes, tokens)
    if type_code is not None:
        if lex.codes[type_code].copy:
            return None
        issuer_tokens = tokens[1:]
        if not issuer_tokens:
            if sep0 == "-" and lex.codes[type_code].in_party and not has_year:
                return ("party", type_code, None, "", end, False, True)
            if sep0 == "/" and lex.codes[type_code].alone:  # 'Nghị định 121/NgĐ' (1946): needs its type word
                return ("state", type_code, None, "", end, True, True)
            return None
        if sep0 == "" and (not seps or seps[0].strip() != "/"):
            return None  # '84 QĐ/TWĐTN' needs its slash; '2 Quy định' is no number
        issuer = "-".join(_canonical_issuer(t) for t in issuer_tokens)
        raw = issuer_tokens[0]
        system = issuer_system(issuer)
        party_shape = sep0 in ("-", "") and (not seps or seps[0].strip() == "/")
        if system == "party" or (system == "union" and party_shape) or (system is None and party_shape):
            # A Party number written state-style keeps its Party identity; the year is not part of it.
            return ("party", type_code, issuer, raw, end, False, False)
        tc = lex.codes[type_code]
        if not tc.in_state and tc.in_party and sep0 == "-":
            return ("party", type_code, issuer, raw, end, False, False)
        return ("state", type_code, issuer, raw, end, True, False)
    # No type code: laws (22/2018/QH14), letters (19046/BTC-TCHQ), old numbers (61-CP, 299/TTg).
    first = lex.issuer_code(tokens[0])
    if sep0 == "":
        return None
    if first is None:
        if not _looks_like_code(tokens[0]) or len(tokens) < 2 or sep0 != "/":
            return None
        issuer = "-".join(_canonical_issuer(t) for t in tokens)
        return ("state", None, issuer, "", end, True, True)
    if issuer_system(first) == "party":
        return None
    issuer = "-".join(_canonical_issuer(t) for t in tokens)
    return ("state", None, issuer, "", end, True, False)


def _symbol_end(codes: str, kept: list[str]) -> int:
    """End offset in ``codes`` of its first ``len(kept)`` tokens."""
    pos = 0
    for i, tok in enumerate(kept):
        pos = codes.index(tok, pos) + len(tok)
        if i == len(kept) - 1:
            break
    return pos


_Word = tuple[int, int, str]  # (start, end, canonical type word)


def _scan(folded: str) -> tuple[list[_Ref], list[_Word], list[int], list[int]]:
    """The one whole-text scan: numbered references, capitalised type words, capitalised 'Điều lệ',
    and capital 'Q's that may belong to a lower-case lead ('nghị Quyết').

    Everything else is looked for around what this finds (see :func:`grammar.candidates`).
    """
    numbered: list[_Ref] = []
    caps: list[_Word] = []
    charters: list[int] = []
    qs: list[int] = []
    n = len(folded)
    finditer = g.candidates().finditer
    it = finditer(folded)
    while (m := next(it, None)) is not None:
        group = m.lastgroup
        if group == "q":
            qs.append(m.start())
            continue
        if group == "compact":
            ref = _compact(folded, m)
            if ref is not None:
                numbered.append(ref)
            continue
        if group != "word":
            ref, at = _classify_at(m)
            if ref is not None:
                if folded[ref.end:ref.end + 1] == "." and ref.end == m.end():
                    _dotted_symbol(folded, ref)
                numbered.append(ref)
            # The last code of the symbol may open a capitalised word ('2019-Kế hoạch 5', '5/Điều lệ
            # Đảng'): scan on from it.  (No number can start inside a symbol: its digits follow letters.
            # A word inside it that a separator follows, like the NQ of '36-NQ/TW', can open nothing.)
            if at is not None:
                it = finditer(folded, at)
            continue
        a, b = m.span()
        word = _capital_word(m.group(0))
        if word is None:  # the rest of another initial's word: this initial's own, if any
            own = g.type_word_capital().match(folded, a)
            it = finditer(folded, a + 1 if own is None else own.end())
            if own is None:
                continue
            b = own.end()
            word = _canonical_word(own.group(0))
        elif word == _CHARTER:
            charters.append(a)
            continue
        if b < n and folded[b].isalnum():
            continue
        caps.append((a, b, word))
    return numbered, caps, charters, qs


def _compact(folded: str, m: re.Match[str]) -> _Ref | None:
    """'TT36/2017': a type code fused before a state number and its year (B.5), as 'Thông tư 36/2017'."""
    lex = lexicon()
    code = lex.type_code(m.group(0))  # the initial and the rest of the code (group ``compact``)
    if code is None or lex.codes[code].state is None:
        return None
    hit = g.COMPACT_NUMBER.match(folded, m.end())
    if hit is None:
        return _compact_full(folded, m, code)
    return _Ref(m.start(), hit.end(), "state", doc_type=lex.codes[code].state, number=hit.group("num"),
                type_code=code, year=int(hit.group("year")), form="short")


def _compact_full(folded: str, m: re.Match[str], code: str) -> _Ref | None:
    """'TT09/2009/TT-BGDĐT': the fused code repeats the symbol's own type code, so the rest is a
    whole number (B.5).  Any other symbol after the fused code ('TT09/2009/QĐ-UBND') is not taken."""
    # The scan's number branch wants no letter before the digits: match it on a window that
    # starts with a blank, then move the offsets back (the longest symbol is far shorter).
    window = " " + folded[m.end():m.end() + 120]
    full = g.candidates().match(window, 1)
    if full is None or full.lastgroup in ("word", "q", "compact"):
        return None
    ref = _classify(full)
    if ref is None or ref.kind != "state" or ref.type_code != code:
        return None
    ref.start, ref.end = m.start(), ref.end - 1 + m.end()
    return ref


def _dotted_symbol(folded: str, ref: _Ref) -> None:
    """'06/QC-TT.HĐND-UBND': a joint symbol with a '.' inside an issuer token (B.5) goes on past the dot.

    The part after the dot must be a code, followed by another code or itself a known issuer:
    '12/QĐ-UBND.Các' is a missing space, not a symbol."""
    if ref.issuer_code is None:
        return
    m = g.DOTTED_TAIL.match(folded, ref.end)
    if m is None:
        return
    tokens = _split_symbol(m.group("codes"))[0]
    first = tokens[0]
    if not (_known_code(first) or _looks_like_code(first)) or not all(map(_looks_like_code, tokens)):
        return
    if len(tokens) == 1 and lexicon().issuer_code(first) is None:
        return
    rest = "-".join(_canonical_issuer(t) for t in tokens)
    ref.issuer_code = f"{ref.issuer_code}.{rest}"
    ref.end = m.end()


@lru_cache(maxsize=4096)
def _word_in_symbol(codes: str) -> int | None:
    """Where in a symbol its last code starts, if that code may open a capitalised type word or
    'Điều lệ' ('Kế' of 'Kế hoạch', 'Luật'); else None."""
    last = _split_symbol(codes)[0][-1]
    initials, openings = _opening_words()
    if last[:1] not in initials or last.lower() not in openings:
        return None
    return len(codes) - len(last)


@cache
def _opening_words() -> tuple[frozenset[str], frozenset[str]]:
    """The capital initials of the scan's word branch, and the words a capitalised type word (or
    'điều lệ') can open with, in lower case: whole single-word ones and first words of the others."""
    words = set(lexicon().type_words) | {g.CHARTER_WORD}
    return frozenset(w[0].upper() for w in words), frozenset(words | {w.split(" ")[0] for w in words})


_CHARTER = "Điều lệ"


@lru_cache(maxsize=4096)
def _capital_word(word: str) -> str | None:
    """The canonical type word for a word-branch match of the scan (:data:`_CHARTER` for 'Điều lệ'),
    or None when the initial and the rest do not make a type word."""
    key = " ".join(word.split()).lower()
    if key == g.CHARTER_WORD:
        return _CHARTER
    return _canonical_word(word) if key in lexicon().type_words else None


# ---------------------------------------------------------------------------------------------
# 3. named references


def _roman(token: str) -> str | None:
    n = term_number(token)
    return ARABIC_TO_ROMAN.get(n) if n else None


def _terms_after(folded: str, pos: int) -> tuple[list[str], int]:
    """'(khóa XI, XII)' right after ``pos`` -> (['XI', 'XII'], end)."""
    m = g.TERM_LIST.match(folded, pos)
    if not m:
        return [], pos
    lex = lexicon()
    terms = []
    for tok in re.split(r"[ ]*(?:,|và|-)[ ]*", m.group("terms") or m.group("terms2")):
        n = term_number(tok.rsplit(" ", 1)[-1])  # 'khóa XII' -> 'XII'
        if n and n <= lex.max_central_term:
            terms.append(ARABIC_TO_ROMAN[n])
    return terms, m.end() if terms else pos


def _plenum_number(m: re.Match[str]) -> int | None:
    lex = lexicon()
    raw = m.group("num") or m.group("ord") or m.group("ord2")
    if raw is None:
        return None
    raw = raw.strip().lower()
    if raw.isdigit():
        return int(raw)
    key = " ".join(raw.split())
    return lex.ordinals.get(key) or lex.ordinals.get(strip_marks(key)) or term_number(raw.upper())


def _is_local(folded: str, pos: int) -> bool:
    """Whether what follows a plenum/congress phrase names a local committee (not the centre)."""
    return bool(g.LOCAL_AFTER.match(folded, pos))


def _leads(folded: str, caps: list[tuple[int, int, str]], qs: list[int]) -> list[int]:
    """Where the type word 'Nghị quyết' (or 'NQ') stands as a word: capitalised ones from ``caps``,
    lower-case ones ('theo nghị quyết Trung ương 4') from the scans for their 'q' (:data:`grammar.LEAD_Q`)."""
    starts = {a for a, b, word in caps if word == "Nghị quyết" and _may_lead(folded, b)}
    n = len(folded)
    for q in itertools.chain((hit.start() for hit in g.LEAD_Q.finditer(folded)), qs):
        if folded[q - 1:q] == "n":  # 'nq', 'nQ'  ('NQ' is a capitalised type word)
            i = q - 1
        else:  # 'quyết': blanks and 'nghị' before it
            j = q
            while j and folded[j - 1] == " ":
                j -= 1
            i = j - 4
            if j == q or i < 0 or folded[i] != "n":
                continue
        m = g.LEAD_LOWER.match(folded, i)
        if m and not (i and folded[i - 1].isalnum()) and not (m.end() < n and folded[m.end()].isalnum()) \
                and _may_lead(folded, m.end()):
            starts.add(i)
    return sorted(starts)


def _may_lead(folded: str, end: int) -> bool:
    """Whether what follows a lead word ending at ``end`` can make it a plenum or congress resolution:
    a blank, then 'Hội nghị', a name of the Central Committee (B…, T…) or 'Đại hội'.  (The word
    stands as a word, so what follows it directly is no letter; the patterns allow only blanks.)
    Most leads are the 'NQ' of a number ('36-NQ/TW') or 'Nghị quyết số …', and fail here."""
    if folded[end:end + 1] != " ":
        return False
    head = folded[end:end + 8]
    c = head.lstrip(" ")[:1]
    return c in _LEAD_NEXT if c else len(head) == 8


_LEAD_NEXT = frozenset("HhBbTtĐđ")


def _named(folded: str, caps: list[_Word], charters: list[int], qs: list[int]) -> list[_Ref]:
    """Plenum and congress resolutions (anchored on the type word 'Nghị quyết'), and the Charter
    (at ``charters``, the capitalised 'Điều lệ' of the scan, and at every lower-case one)."""
    refs: list[_Ref] = []
    starts = _leads(folded, caps, qs)
    plenum_pat = g.plenum_pattern()
    for m in filter(None, (plenum_pat.match(folded, st) for st in starts)):
        plenum = _plenum_number(m)
        if not plenum or plenum > 30:
            continue
        after = m.end()
        plenums = [plenum]
        while nxt := g.PLENUM_LIST_NEXT.match(folded, after):  # 'Nghị quyết Trung ương 4, 5, 6 khóa XII'
            plenums.append(int(nxt.group("num")))
            after = nxt.end()
        if _is_local(folded, after):
            continue
        terms, end = _terms_after(folded, after)
        for p in plenums:
            for term in terms or [None]:
                refs.append(_Ref(m.start(), end, "named", doc_type="Nghị quyết", plenum=p, term=term))
    for m in filter(None, (g.CONGRESS.match(folded, st) for st in starts)):
        n = term_number(m.group("congress"))
        if not n or n > lexicon().max_central_term or _is_local(folded, m.end()):
            continue
        refs.append(_Ref(m.start(), m.end(), "named", doc_type="Nghị quyết", congress=ARABIC_TO_ROMAN[n]))
    starts = sorted(charters + _find_all(folded, g.CHARTER_NEEDLES))
    for m in filter(None, (g.CHARTER.match(folded, st) for st in starts)):
        raw = m.group("congress") or m.group("congress2")
        congress = _roman(raw) if raw else None
        refs.append(_Ref(m.start(), m.end(), "named", doc_type="Điều lệ", congress=congress))
    return refs


def _find_all(text: str, needles: tuple[str, ...]) -> list[int]:
    """Every offset of any of ``needles`` in ``text`` (a plain substring scan, fast)."""
    found = []
    for needle in needles:
        i = text.find(needle)
        while i != -1:
            found.append(i)
            i = text.find(needle, i + 1)
    return sorted(found)


def _fill_terms(folded: str, refs: list[_Ref]) -> None:
    """A plenum resolution with no term takes the nearest central term stated before it."""
    lex = lexicon()
    todo = sorted((r for r in refs if r.kind == "named" and r.plenum is not None and not r.term),
                  key=lambda r: r.start)
    if not todo:
        return
    # One pass over the terms stated before the last such reference (rescanning the text from 0
    # for each reference was quadratic).  No term match can straddle a reference's start: that
    # start follows a non-word character and a term ends in a word character.
    terms = g.TERM_ANY.finditer(folded, 0, todo[-1].start)
    best = None
    m = next(terms, None)
    for ref in todo:
        while m is not None and m.end() <= ref.start:
            n = term_number(m.group("term"))
            before = folded[max(0, m.start() - 40):m.start()]
            if n and n <= lex.max_central_term and not (
                    g.LOCAL_COMMITTEE.search(before) and not re.search(r"Trung[ ]+ương|TW|T\.Ư", before, re.I)):
                best = ARABIC_TO_ROMAN[n]
            m = next(terms, None)
        ref.term = best


# ---------------------------------------------------------------------------------------------
# 4. bare references (type word + number, no code) and lists


@lru_cache(maxsize=4096)
def _canonical_word(word: str) -> str:
    lex = lexicon()
    key = " ".join(word.split()).lower()
    return lex.type_words.get(key) or lex.type_words.get(strip_marks(key), word)


def _is_quantity(folded: str, pos: int) -> bool:
    """'Kế hoạch 5 năm', 'Chương trình 3 nội dung': the number counts something."""
    head = folded[pos:pos + 24]
    stripped = head.lstrip(" ")
    rest = stripped.lower()
    if not rest:
        return False
    if rest.startswith("ngày") and g.DATE_ANY.match(folded, pos + len(head) - len(stripped)):
        return False
    return _quantity_pattern().match(rest) is not None


@cache
def _quantity_pattern() -> re.Pattern[str]:
    """Any quantity word ('năm', 'nội dung', '%') standing as a word, at the start."""
    words = sorted(lexicon().quantity_words, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def _bare(folded: str, original: str, taken: list[tuple[int, int]], caps: list[tuple[int, int, str]],
          numbered: list[_Ref]) -> list[_Ref]:
    """Type word + number references that carry no code, and the numbers listed after them.

    ``numbered`` (the coded references, with their type words) vouches for a number that looks like
    a year: 'Quyết định 1901' after 'Quyết định 1901/QĐ-TTg' is that decision, not a year.
    """
    refs: list[_Ref] = []
    lex = lexicon()
    # A word that opens a reference already found ('Nghị quyết số 36-NQ/TW') has that reference's
    # number after it, which is taken: skipped before matching.
    opens = {s for s, _ in taken}
    for w_start, w_end, word in caps:
        if w_start in opens or not original[w_start].isupper():
            continue  # 'theo kế hoạch 3 năm': a lower-case type word is generic
        m = g.BARE_NUMBER.match(folded, w_end)
        if not m or any(s <= m.start("num") < e for s, e in taken):
            continue
        num, year = m.group("num"), m.group("year")
        if _bad_bare_number(folded, m, num, year) and not _cited_before(num, year, word, w_start, numbered, folded, m):
            continue
        codes = lex.word_codes.get(word, {})
        refs.append(_bare_ref(w_start, m.end(), word, num, year, codes))
        pos = m.end()
        while True:  # 'Quyết định số 217, số 218': one reference per number
            nxt = g.LIST_NEXT.match(folded, pos)
            if not nxt or not ("số" in nxt.group("sep").lower() or "và" in nxt.group("sep")):
                break
            n2, y2 = nxt.group("num"), nxt.group("year")
            if _bad_bare_number(folded, nxt, n2, y2):
                break
            ref = _bare_ref(nxt.start("num"), nxt.end(), word, n2, y2, codes)
            ref.form = "list"
            refs.append(ref)
            pos = nxt.end()
    return refs


def _cited_before(num: str, year: str | None, word: str, pos: int, numbered: list[_Ref], folded: str,
                  m: re.Match[str]) -> bool:
    """Whether a year-like number after a type word ('Quyết định 1901') is the number of a coded
    reference of that type earlier in the text (and is no quantity: 'Quyết định 1901 năm')."""
    if year or not _looks_like_year(num) or _is_quantity(folded, m.end()):
        return False
    codes = lexicon().word_codes.get(word, {}).values()
    return any(r.start < pos and r.number == num and (r.doc_type == word or (r.doc_type is None and r.type_code in codes))
               for r in numbered)


def _looks_like_year(num: str) -> bool:
    return len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2100


def _bad_bare_number(folded: str, m: re.Match[str], num: str, year: str | None) -> bool:
    if not year and _looks_like_year(num):
        return True  # 'Kế hoạch 2021' is the plan for a year
    if num.isdigit() and int(num) == 0:
        return True
    return _is_quantity(folded, m.end())


def _bare_ref(start: int, end: int, word: str, num: str, year: str | None, codes: dict[str, str]) -> _Ref:
    if year:  # 'Nghị định 108/2014': a state number with its symbol left out
        return _Ref(start, end, "state", doc_type=word, number=num, year=int(year),
                    type_code=codes.get("state"), form="short")
    kind = "state" if "state" in codes and "party" not in codes else "party"
    return _Ref(start, end, kind, doc_type=word, number=num, type_code=None, form="short")


# ---------------------------------------------------------------------------------------------
# 5. context: type word, dates, issuing bodies, subjects


def _iso(m: re.Match[str]) -> str | None:
    d, mo, y, d2, mo2, y2 = m.group("d", "m", "y", "d2", "m2", "y2")
    return _iso_date(d or d2, mo or mo2, y or y2)


@lru_cache(maxsize=4096)
def _iso_date(d: str, mo: str, y: str) -> str | None:
    """'22', '11', '2016' -> '2016-11-22'; None for an impossible day or month."""
    day, month = int(d), int(mo)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{int(y):04d}-{month:02d}-{day:02d}"


@cache
def _body_index() -> dict[str, str]:
    """Body spellings folded (no diacritics, lower case, single spaces) -> body id."""
    index: dict[str, str] = {}
    for spelling, bid in lexicon().body_names.items():
        index.setdefault(" ".join(strip_marks(spelling).lower().split()), bid)
    return index


@lru_cache(maxsize=4096)
def _body_name(text: str) -> tuple[str, str] | None:
    """(canonical name as reported, body id) for a body named in ``text``."""
    lex = lexicon()
    key = " ".join(text.split())
    body_id = _body_index().get(strip_marks(key).lower())
    if body_id is None:
        return None
    body = lex.bodies[body_id]
    short = body.short if body.short and strip_marks(body.short).lower() == strip_marks(key).lower() else None
    return (f"{body.name} ({short})" if short else body.name), body_id


_WORD_REACH = 70  # a type word more than this before a number is not its type word
_WORD_MARGIN = 32  # room for the whole of a (multi-word) type word that starts within reach


def _type_word_before(folded: str, ref: _Ref) -> None:
    """Attach the type word written before a number ('Quy định số 205-QĐ/TW'): the nearest one."""
    found = _find_type_word(folded, ref.start)
    if found is not None:
        ref.start, ref.doc_type = found


def _find_type_word(folded: str, pos: int) -> tuple[int, str] | None:
    """(start, canonical word) of the type word that leads to a number at ``pos``, if any.

    The nearest type word is found by matching the type words spelt backwards on the window before
    the number, read backwards: the search stops at the first hit, usually a few characters
    back, instead of scanning the whole window (or the whole text) for type words forwards.
    Lower case counts here ('theo quyết định số ...').
    """
    lo = max(0, pos - _WORD_REACH - _WORD_MARGIN)
    window = folded[lo:pos]
    rev = window[::-1].lower()
    n = len(folded)
    last = -1
    if len(rev) == len(window):
        search = g.type_word_reversed().search
        m = search(rev)
        while m is not None:
            a, b = pos - m.end(), pos - m.start()
            if not ((a and folded[a - 1].isalnum()) or (b < n and folded[b].isalnum())):
                last = a
                break
            m = search(rev, m.end())
    else:  # lower-casing changed the length (rare letters): the slower case-insensitive scan
        for m in g.type_word_pattern().finditer(folded, lo, pos):
            if not (m.end() < n and folded[m.end()].isalnum()):
                last = m.start()
    if last < 0 or last < pos - _WORD_REACH:
        return None
    word = _word_leading_to_number(folded[last:pos])
    return None if word is None else (last, word)


_JOINERS = (",", "&", "và", "số", "so", "số:", "so:")


def _shared_symbol_list(folded: str, ref: _Ref) -> list[_Ref]:
    """'Nghị quyết số 26, 27-NQ/TW': the bare numbers listed before a coded number with no type
    word of its own share its symbol (and the type word before the list).

    Only numbers joined by ',', '&' or 'và' directly before the coded number count, and only after
    a type word: a type word or another code in between ends the list.  Returns the new references
    (the first one starts at the type word) and gives ``ref`` the word.
    """
    tail = folded[max(0, ref.start - 6):ref.start].rstrip(" ").lower()
    if not tail.endswith(_JOINERS):
        return []
    lo = max(0, ref.start - _WORD_REACH)
    m = g.SHARED_SYMBOL_HEAD.search(folded, lo, ref.start)
    if m is None:
        return []
    head = m.start("nums")
    found = _find_type_word(folded, head)
    if found is None:
        return []
    start, word = found
    refs = []
    for num in g.LIST_NUMBER.finditer(folded, head, m.end("nums")):
        item = _Ref(start if not refs else num.start(), num.end(), ref.kind, doc_type=word, number=num.group(0),
                    type_code=ref.type_code, issuer_code=ref.issuer_code, year=ref.year, raw_issuer=ref.raw_issuer,
                    form="full" if not refs else "list")
        refs.append(item)
    ref.doc_type, ref.form = word, "list"
    return refs


@lru_cache(maxsize=8192)
def _word_leading_to_number(segment: str) -> str | None:
    """The canonical type word when ``segment`` (from a type word up to a number) is that word, a few
    words and 'số', or the word and 'số:' ('Nghị quyết số ', 'Quyết định của UBND tỉnh số '); else None.

    Memoised: the segments repeat across a corpus ('Nghị quyết số ', 'Chỉ thị ').  The segment
    starts where a word starts (the caller checked), which the pattern's look-behind cannot see.
    """
    m = g.type_word_at_end().match(segment)
    return _canonical_word(m.group("word")) if m else None


# What can start each piece of context after a reference, once blanks, commas and '(' are skipped:
# a cheap test that spares most references most of the patterns (each is still what decides).
_DATE_STARTS = frozenset("đĐbBkKvVnN")  # được, đều, ban hành, ký, vào, ngày ('cùng ngày': see _context_after)
_ISSUER_STARTS = frozenset("cCdD")  # của, do
_PLENUM_STARTS = frozenset("cCtThH")  # của, tại, Hội nghị
_TERM_STARTS = frozenset("kKnN")  # khóa, nhiệm kỳ
_SUBJECT_STARTS = frozenset("v“\"")  # về, a quoted title


def _peek(folded: str, pos: int) -> str | None:
    """The first character at or after ``pos`` that is not a blank, ',' or '('; None if unsure."""
    head = folded[pos:pos + 12]
    c = head.lstrip(" \n,(")[:1]
    return c if c or len(head) < 12 else None


_CUNG = re.compile(r"[ \n,(]*c[ùu]ng\b", re.I)  # 'cùng ngày' after a reference ('của' is far more common)


def _context_after(folded: str, ref: _Ref) -> None:
    pos = ref.end
    c = _peek(folded, pos)
    if c is None or c in _DATE_STARTS or (c in "cC" and _CUNG.match(folded, pos)):
        m = g.DATE_AFTER.match(folded, pos)
        if m and (iso := _iso(m)):
            ref.date, pos = iso, m.end()
            ref.date_shared = m.group("all", "all2") != (None, None)
            c = _peek(folded, pos)
    elif c.isdigit() and ref.form == "full" and (ref.type_code or ref.issuer_code):
        m = g.DATE_FUSED.match(folded, pos)
        if m and (iso := _iso_date(*m.group("d", "m", "y"))):
            ref.date, pos = iso, m.end()
            c = _peek(folded, pos)
    if c is None or c in _ISSUER_STARTS:
        m = g.issuer_after().match(folded, pos)
        if m:
            named = _body_name(m.group("body"))
            if named:
                ref.issuer, ref.body_id = named
                pos = m.end()
                if ref.date is None:
                    m2 = g.DATE_AFTER.match(folded, pos)
                    if m2 and (iso := _iso(m2)):
                        ref.date, pos = iso, m2.end()
                c = _peek(folded, pos)
    central = ref.kind == "party" and ref.issuer_code == "TW"
    if central and ref.issuer is None and (c is None or c in _PLENUM_STARTS):
        m = g.plenum_as_issuer().match(folded, pos)
        if m:
            ref.issuer, ref.body_id = _body_name("Ban Chấp hành Trung ương Đảng") or (None, None)
            pos = m.end()
            c = _peek(folded, pos)
    if central and (c is None or c in _TERM_STARTS):
        terms, tpos = _terms_after(folded, pos)
        if len(terms) == 1:
            ref.term, pos = terms[0], tpos  # 'của BCH Trung ương (khóa XII)': the term the number belongs to
            c = _peek(folded, pos)
    if c is None or c in _SUBJECT_STARTS:
        m = g.SUBJECT_AFTER.match(folded, pos) or g.QUOTED_TITLE.match(folded, pos)
        if m:
            subject = m.group("subject").strip().strip("“”\"").strip()
            ref.subject = subject.rstrip(" ,") or None
            pos = m.end()
    ref.ctx_end = pos


_DATE_BEFORE = re.compile(
    r"(?:ngày|ngay)[ ]*(?:" + g.DAY_MONTH_YEAR + r")[ ]*,?[ ]*[^.;!?\n]{0,90}?"
    + g.ENACT.pattern.replace("[ ]*$", "") + r"[ ]*$",
    re.I,
)


_VERB_ENDINGS = ("ban hành", "ra", "thông qua", "ký", "xây dựng", "phát hành", "có")


def _context_before(folded: str, ref: _Ref, floor: int) -> None:
    """`Ngày 30-7-2021, BCH Trung ương đã ban hành Quy định số 24-QĐ/TW`: date and body before."""
    lo = max(floor, ref.start - 220)
    # Most references follow no verb: look at the last few characters first (a verb ending is at
    # most 9 long; the whole clause is looked at when blanks fill the tail).
    tail = folded[max(lo, ref.start - 24):ref.start].rstrip(" ")
    if (len(tail) >= 10 or ref.start - 24 <= lo) and not tail.lower().endswith(_VERB_ENDINGS):
        return
    clause = folded[lo:ref.start]
    if not clause.rstrip(" ").lower().endswith(_VERB_ENDINGS):
        return  # (checked before cutting at the sentence break too: the cut clause ends the same way)
    cut = max((m.end() for m in g.SENTENCE_BREAK.finditer(clause)), default=0)
    clause = clause[cut:]
    if not clause.rstrip(" ").lower().endswith(_VERB_ENDINGS):
        return
    if ref.issuer is None:
        verb = g.ENACT.search(clause)
        if verb:  # the subject of 'X (đã) ban hành <reference>': the last body named before the verb
            bodies = list(g.body_pattern().finditer(clause, 0, verb.start()))
            named = _body_name(bodies[-1].group(0)) if bodies else None
            if named:
                ref.issuer, ref.body_id = named
    if ref.date is None:
        m = _DATE_BEFORE.search(clause)
        if m and _iso(m):
            ref.date = _iso(m)


_LIST_GAP = re.compile(r"[ ]*(?:,|;|và|,[ ]*và|-)?[ ]*(?:(?:số|so)[ ]*:?)?[ ]*", re.I)
_SHARED_GAP = re.compile(r"[ ]*(?:,|;|và|,[ ]*và)?[ ]*(?:(?:số|so)[ ]*:?)?[ ]*", re.I)


def _share_across_lists(folded: str, refs: list[_Ref]) -> None:
    """'Nghị quyết số 18-NQ/TW, số 19-NQ/TW của BCH Trung ương': listed items share word, body, term.

    The type word goes forwards to an item with no word of its own, unless that item's type code
    says another type ('Kế hoạch số 298 KH/TWĐTN và 22HD/TWĐTN': a Hướng dẫn).  What follows the
    last item goes backwards: the issuing body, the term of a central number, and the date only
    where the text says so ('cùng ngày') or the items are one series issued together (same type
    and issuer code, numbers a few apart: 'số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017').  A date after
    a list of unrelated numbers ('Chỉ thị 05-CT/TW, Kết luận 01-KL/TW ngày 18/5/2021') is the last one's.
    """
    for a, b in zip(refs, refs[1:], strict=False):
        if not _LIST_GAP.fullmatch(folded, a.end, b.start):
            continue
        if b.doc_type is None and a.doc_type and b.kind == a.kind and b.form == "full" and _word_fits(a, b):
            b.doc_type = a.doc_type
            b.form = "list"
    for a, b in zip(reversed(refs[:-1]), reversed(refs[1:]), strict=False):
        if not _SHARED_GAP.fullmatch(folded, a.ctx_end or a.end, b.start):
            continue
        if a.kind != b.kind or a.kind == "named":
            continue
        if a.issuer is None and b.issuer:
            a.issuer = b.issuer
            a.body_id = b.body_id
        if a.term is None and b.term and a.issuer_code == b.issuer_code == "TW":
            a.term = b.term
        if a.date is None and b.date and a.issuer == b.issuer and (b.date_shared or _one_series(a, b)):
            a.date = b.date
            a.date_shared = b.date_shared


def _word_fits(head: _Ref, item: _Ref) -> bool:
    """Whether the type word of a list's head can be the word of a later item: its type code
    (if any) is the head's or one the word is written with."""
    if item.type_code is None or item.type_code == head.type_code:
        return True
    implied = _implied_doc_type(item)
    if implied is not None:
        return implied == head.doc_type
    return item.type_code in lexicon().word_codes.get(head.doc_type or "", {}).values()


_SERIES_GAP = 4  # documents of one series issued on one day are numbered a few apart


def _one_series(a: _Ref, b: _Ref) -> bool:
    """Whether two listed numbers are of one series (type and issuer code) and a few numbers apart."""
    if a.type_code is None or a.type_code != b.type_code or a.issuer_code != b.issuer_code or a.year != b.year:
        return False
    na, nb = _leading_int(a.number), _leading_int(b.number)
    return na is not None and nb is not None and abs(na - nb) <= _SERIES_GAP


def _leading_int(number: str | None) -> int | None:
    digits = ""
    for c in number or "":
        if not c.isdigit():
            break
        digits += c
    return int(digits) if digits else None


def _titles(folded: str, original: str, refs: list[_Ref], caps: list[tuple[int, int, str]]) -> list[_Ref]:
    """Named references in another document's title become that document's relations.

    'Quy định số 24-QĐ/TW về thi hành Điều lệ Đảng', 'Hướng dẫn thi hành Điều lệ Đảng':
    the phrase 'thi hành Điều lệ Đảng' (or a bare 'về X') is part of the document's
    name, so the article cites the Quy định and the Charter is what the Quy định
    implements, not a citation of its own.  'Kế hoạch ... thực hiện Nghị quyết Trung
    ương 5' keeps the resolution as a citation and also records the relation.
    Numbered references are always kept as citations.
    """
    kept: list[_Ref] = []
    for ref in refs:
        if ref.kind == "named":
            head = _title_head(folded, original, kept, ref.start, caps)
            if head is not None:
                verb, doc, link = head
                if doc is not None:
                    if doc.relations is None:
                        doc.relations = []
                    doc.relations.append((verb, ref))
                if link in ("thi hành", "về", "về việc"):
                    continue
        kept.append(ref)
    return kept


def _title_head(folded: str, original: str, kept: list[_Ref], pos: int,
                caps: list[tuple[int, int, str]]) -> tuple[str, _Ref | None, str] | None:
    """(relation, document) when the words before ``pos`` are a document's title leading up to it.

    The document is the nearest earlier numbered reference, or ``None`` for a capitalised
    type word with no number ('Hướng dẫn thi hành ...').
    """
    lo = max(0, pos - 120)
    window = folded[lo:pos]
    cut = lo + max((m.end() for m in g.SENTENCE_BREAK.finditer(window)), default=0)
    for r in reversed(kept):
        if r.end < cut:
            break
        if r.kind != "named":
            m = g.TITLE_GAP.match(folded, r.end, pos)
            if m and m.end() == pos:
                link = " ".join(m.group("link").lower().split())
                return ("cites" if link.startswith("về") else "implements"), r, link
            break
    # Only the capitalised type words between the cut and pos (caps is in text order): looping
    # over every type word of the text for every named reference was quadratic.
    for i in range(bisect.bisect_left(caps, (cut,)), len(caps)):
        w_start, w_end, _ = caps[i]
        if w_start >= pos:
            break
        if w_end > pos:
            continue
        m = g.TITLE_GAP.match(folded, w_end, pos)
        if m and m.end() == pos and original[w_start].isupper():
            link = " ".join(m.group("link").lower().split())
            return ("cites" if link.startswith("về") else "implements"), None, link
    return None


# ---------------------------------------------------------------------------------------------
# 6. short forms and ids

# The key constructors are pure and their arguments repeat endlessly across a corpus (the same numbers
# and codes in article after article): memoised, they cost a dict lookup (and mentions share keys).
_canonical_number = lru_cache(maxsize=16384)(ids.canonical_number)
_party_key = lru_cache(maxsize=16384)(ids.DocumentKey.party)
_state_key = lru_cache(maxsize=16384)(ids.DocumentKey.state)
_bare_key = lru_cache(maxsize=16384)(ids.DocumentKey.bare)


def _implied_doc_type(ref: _Ref) -> str | None:
    lex = lexicon()
    if ref.type_code is None:
        return None
    tc = lex.codes[ref.type_code]
    return tc.party if ref.kind == "party" else tc.state


def _assign_id(ref: _Ref) -> None:
    if ref.kind == "named":
        if ref.plenum is not None:
            ref.key = ids.DocumentKey.of_plenum(ref.plenum, ref.term)
        elif ref.doc_type == "Điều lệ":
            ref.key = ids.CHARTER
        else:
            ref.key = ids.DocumentKey.of_congress(ref.congress or "?")
    elif ref.form == "short" or (ref.form == "list" and ref.issuer_code is None and ref.type_code is None):
        if ref.kind == "state" and ref.year:
            ref.key = _state_key(ref.number or "", ref.year, ref.type_code, None)
        else:
            codes = lexicon().word_codes.get(ref.doc_type or "", {})
            code = codes.get(ref.kind) or codes.get("party") or codes.get("state")
            ref.key = _bare_key(code or ref.doc_type or "?", ref.number or "")
    elif ref.kind == "party":
        ref.key = _party_key(ref.number or "", ref.type_code, ref.issuer_code)
    else:
        ref.key = _state_key(ref.number or "", ref.year, ref.type_code, ref.issuer_code)


def _same_document(short: _Ref, full: _Ref) -> bool:
    if full.form == "short" or full.kind == "named" or full.number is None or short.number is None:
        return False
    if _canonical_number(full.number) != _canonical_number(short.number):
        return False
    if short.year and full.year and short.year != full.year:
        return False
    if full.doc_type and short.doc_type:
        return full.doc_type == short.doc_type
    lex = lexicon()
    codes = lex.word_codes.get(short.doc_type or "", {})
    return full.type_code in codes.values()


_LINK_LOOKBACK = 64  # same-numbered earlier references a short form is compared with, nearest first


def _link_short_forms(refs: list[_Ref]) -> None:
    """'Chỉ thị 35' after 'Chỉ thị số 35-CT/TW' is that document: nearest earlier full reference."""
    # Earlier non-short references by number (only the same number can match), nearest last:
    # comparing every short form with every earlier reference was quadratic on long texts.
    by_number: dict[str, list[_Ref]] = {}
    for ref in refs:
        if ref.number is None:
            continue
        earlier = by_number.setdefault(_canonical_number(ref.number), [])
        if ref.form == "short" or (ref.form == "list" and ref.type_code is None):
            for j in range(len(earlier) - 1, max(-1, len(earlier) - 1 - _LINK_LOOKBACK), -1):
                prev = earlier[j]
                if not _same_document(ref, prev):
                    continue
                ref.antecedent = prev
                ref.kind, ref.type_code, ref.issuer_code = prev.kind, prev.type_code, prev.issuer_code
                ref.year, ref.key = prev.year, prev.key
                ref.date = ref.date or prev.date
                ref.issuer = ref.issuer or prev.issuer
                break
        if ref.form != "short":  # a short form is never an antecedent (see _same_document)
            earlier.append(ref)


# ---------------------------------------------------------------------------------------------
# the pipeline


def _drop_overlaps(refs: list[_Ref]) -> list[_Ref]:
    """Keep the first-starting, then longest, of overlapping references (named pairs may share a span)."""
    refs.sort(key=lambda r: (r.start, -(r.end - r.start)))
    kept: list[_Ref] = []
    for r in refs:
        if kept and r.start < kept[-1].end:
            last = kept[-1]
            same_span_named = r.kind == last.kind == "named" and (r.start, r.end) == (last.start, last.end)
            if not same_span_named:
                continue
        kept.append(r)
    return kept


def extract(text: str, source: str = "<text>") -> list[Mention]:
    """Every reference to a Party or state document in ``text``, in text order.

    Offsets index ``text`` as given: ``text[m.start:m.end] == m.surface`` always.
    """
    folded, offsets = fold_for_matching(text)
    original_case = text if offsets is None else folded
    numbered, caps, charters, qs = _scan(folded)
    shared: list[_Ref] = []
    for ref in numbered:
        _type_word_before(folded, ref)
        if ref.doc_type is None:
            shared += _shared_symbol_list(folded, ref)
    numbered = [r for r in numbered if not r.needs_word or r.doc_type] + shared
    found = numbered + _named(folded, caps, charters, qs)
    taken = [(r.start, r.end) for r in found]
    refs = _drop_overlaps(found + _bare(folded, original_case, taken, caps, numbered))
    _fill_terms(folded, refs)
    floor = 0
    for ref in refs:
        if ref.kind != "named":
            _context_after(folded, ref)
            _context_before(folded, ref, floor)
        floor = ref.ctx_end or ref.end
    _share_across_lists(folded, refs)
    refs = _titles(folded, original_case, refs, caps)
    for ref in refs:
        if ref.doc_type is None:
            ref.doc_type = _implied_doc_type(ref)
        if ref.raw_issuer and ref.body_id in (
                "tinh-uy", "ban-thuong-vu-tinh-uy", "ban-chap-hanh-dang-bo-tinh") and fold_code_keep_d(ref.raw_issuer) == "TƯ":
            ref.issuer_code = "TU"  # 'TƯ' written for a provincial committee
        _assign_id(ref)
    _link_short_forms(refs)
    spans = [(r.start, r.end) for r in refs] if offsets is None else [to_original(offsets, r.start, r.end) for r in refs]
    sentences = sentence_spans(text, spans)
    return [_to_mention(text, offsets, source, r, span, sentence)
            for r, span, sentence in zip(refs, spans, sentences, strict=True)]


def _to_mention(text: str, offsets: list[int] | None, source: str, r: _Ref, span: tuple[int, int],
                sentence: tuple[int, int]) -> Mention:
    start, end = span
    relations = []
    for verb, target in r.relations or ():
        if target.key is None:
            _assign_id(target)
        t0, t1 = to_original(offsets, target.start, target.end)
        relations.append({"relation": verb, "target": str(target.key), "start": t0, "end": t1, "surface": text[t0:t1]})
    # Positional, in Mention's field order (this runs once per mention; keywords cost a third more).
    return Mention(
        source, start, end, text[start:end], r.kind, r.doc_type, r.number, r.type_code, r.issuer_code,
        r.year, r.date, r.issuer, r.plenum, r.congress, r.term, r.subject, r.key, r.form,
        to_original(offsets, r.antecedent.start, r.antecedent.end)[0] if r.antecedent else None,
        sentence, relations,
    )
