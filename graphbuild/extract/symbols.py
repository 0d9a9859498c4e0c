"""A number and its symbol split into parts: type code, issuer code, year, Party or state.

What a number + symbol match of the candidate scan is depends only on its separator, whether it
has a year, and its symbol ('-', False, 'NQ/TW'): the analysis is made once per distinct shape and
memoised (:data:`_SHAPES`).  Also the fused forms: 'TT36/2017' (a type code before a state number)
and '06/QC-TT.HĐND-UBND' (a '.' inside a joint symbol).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref
from graphbuild.text.fold import fold_code_keep_d, slug, strip_marks
from graphbuild.text.lexicon import issuer_system, lexicon


def _looks_like_code(token: str) -> bool:
    """An unknown token is a code only if written mostly in capitals (SNV, TĐKT — not 'Chính'), or in
    lower case with no vowel ('kgvx' of '1234/ttg-kgvx'): every Vietnamese word has one, abbreviations rarely."""
    letters = [c for c in token if c.isalpha()]
    if letters and token.islower() and not any(strip_marks(c) in _VOWELS for c in letters):
        return True
    return bool(letters) and sum(c.isupper() for c in letters) * 2 >= len(letters) + 1


_VOWELS = frozenset("aeiouy")


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


_FOOTNOTE = re.compile(r"(?P<code>.*[^\W\d_])(?P<mark>\d{1,3})")


def _without_footnote(tokens: list[str]) -> list[str]:
    """'NQ/TW1', 'NĐ-CP4': a footnote marker that PDF text glued to the last code.  The digits are a
    footnote when the code without them is a known issuer and with them is none (QH14, UBTVQH15 keep theirs).
    The marker stays inside the reference's span (what is written there), out of its codes."""
    last = tokens[-1]
    m = _FOOTNOTE.fullmatch(last)
    if m is None or len(tokens) < 2:
        return tokens
    lex = lexicon()
    if lex.issuer_code(last) or lex.type_code(last) or not lex.issuer_code(m.group("code")):
        return tokens
    return [*tokens[:-1], m.group("code")]


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


def _classify(m: re.Match[str]) -> Ref | None:
    """Turn a number + symbol match into a party or state reference, or reject it."""
    return classify_at(m)[0]


def classify_at(m: re.Match[str]) -> tuple[Ref | None, int | None]:
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
    ref = Ref(start, cstart + rel_end, kind, None, m.string[start:m.end("digits")], type_code, issuer,
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
    end = len(codes)
    if len(tokens) < len(all_tokens):  # (before a fused code is split in two: the span is what is written)
        end = _symbol_end(codes, tokens)
    tokens = _without_footnote(tokens)
    type_code = lex.type_code(tokens[0])
    if type_code is None and len(tokens) >= 1:
        fused = _fuse_split(tokens[0])
        if fused:
            tokens = [fused[0], fused[1], *tokens[1:]]
            seps = ["-", *seps]
            type_code = lex.type_code(fused[0])
    if type_code is not None:
        return _typed_shape(sep0, has_year, type_code, tokens[1:], seps, end)
    return _untyped_shape(sep0, tokens, end)


def _typed_shape(sep0: str, has_year: bool, type_code: str, issuer_tokens: list[str], seps: list[str],
                 end: int) -> _Shape | None:
    """A symbol that opens with a type code ('NQ/TW', 'QĐ-UBND'): Party or state by its issuer and separators."""
    lex = lexicon()
    if lex.codes[type_code].copy:
        return None
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


def _untyped_shape(sep0: str, tokens: list[str], end: int) -> _Shape | None:
    """No type code: laws (22/2018/QH14), letters (19046/BTC-TCHQ), old numbers (61-CP, 299/TTg)."""
    lex = lexicon()
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


def compact_reference(folded: str, m: re.Match[str]) -> Ref | None:
    """'TT36/2017': a type code fused before a state number and its year (B.5), as 'Thông tư 36/2017'."""
    lex = lexicon()
    code = lex.type_code(m.group(0))  # the initial and the rest of the code (group ``compact``)
    if code is None or lex.codes[code].state is None:
        return None
    hit = g.COMPACT_NUMBER.match(folded, m.end())
    if hit is None:
        return _compact_full(folded, m, code)
    return Ref(m.start(), hit.end(), "state", doc_type=lex.codes[code].state, number=hit.group("num"),
               type_code=code, year=int(hit.group("year")), form="short")


def _compact_full(folded: str, m: re.Match[str], code: str) -> Ref | None:
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


def dotted_symbol(folded: str, ref: Ref) -> None:
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


_YEAR_AFTER = re.compile(r"-(?P<year>" + g.YEAR + r")(?![\w/]|[.,]\d)")


def year_after_symbol(folded: str, ref: Ref) -> None:
    """'02/BXD-ĐT-1995': old state numbers wrote the year after the symbol (B.5); it is the number's year."""
    if ref.kind != "state" or ref.year is not None:
        return
    m = _YEAR_AFTER.match(folded, ref.end)
    if m is not None:
        ref.year = int(m.group("year"))
        ref.end = m.end()


# Slugs of URLs and file names ('nghi-quyet-so-30-nq-cp', 'nghi-dinh-113-2018-nd-cp', 'nghi-quyet-so-24-nqtw-ngay-…'):
# found from their '-so-', a URL ('://') or a file name's extension, then read in the whole blank-free token
# around it.
SLUG_NEEDLES = ("-so-", "://", ".pdf", ".doc", ".htm")
_SLUG_REACH = 300


@cache
def _slug_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """The slug of a type word, 'so', the number, the year, and the codes; and slug -> canonical word."""
    words: dict[str, str] = {}
    for key, word in lexicon().type_words.items():
        words.setdefault(slug(key), word)
    alternation = "|".join(sorted((re.escape(w) for w in words if w), key=len, reverse=True))
    token = r"[a-z][a-z0-9]{0,11}"
    return re.compile(
        r"(?<![a-z0-9])(?P<word>" + alternation + r")-(?:so-)?(?P<num>\d{1,5})(?:-(?P<year>" + g.YEAR + r"))?"
        r"-(?P<codes>" + token + r"(?:-" + token + r"){0,4})(?![a-z0-9])"
    ), words


def slug_references(folded: str) -> list[Ref]:
    """The references written as slugs in the text's URLs and file names, as the numbers they spell."""
    hits = sorted(i for needle in SLUG_NEEDLES for i in _find(folded, needle))
    pattern, words = _slug_pattern()
    refs: list[Ref] = []
    done = -1
    for i in hits:
        if i < done:
            continue
        lo = max(0, i - _SLUG_REACH)
        lo = max(folded.rfind(" ", lo, i), folded.rfind("\n", lo, i)) + 1 or lo
        hi = min(len(folded), i + _SLUG_REACH)
        blank = min((j for j in (folded.find(" ", i, hi), folded.find("\n", i, hi)) if j != -1), default=hi)
        for m in pattern.finditer(folded, lo, blank):
            ref = _slug_reference(m, words)
            if ref is not None:
                refs.append(ref)
        done = blank
    return refs


def _slug_reference(m: re.Match[str], words: dict[str, str]) -> Ref | None:
    codes = m.group("codes")
    shape = _classify_shape("/", m.group("year") is not None, codes)
    if shape is None:
        return None
    kind, type_code, issuer, _raw, rel_end, keeps_year, _needs_word = shape
    year = m.group("year")
    return Ref(m.start(), m.start("codes") + rel_end, kind, words[m.group("word")], m.group("num"), type_code,
               issuer, int(year) if keeps_year and year else None)


def _find(text: str, needle: str) -> list[int]:
    found, i = [], text.find(needle)
    while i != -1:
        found.append(i)
        i = text.find(needle, i + 1)
    return found

