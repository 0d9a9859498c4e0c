"""A reader's reference turned into a query: the parts of X in ``graphbuild cites X``.

X may be an IRI or local id of the graph (``doc:qd-tw_2019_205``), an extractor id
(``party:205-QĐ/TW``), anything the extractor reads (``Quy định 205-QĐ/TW``, ``Chỉ thị 05``,
``Nghị quyết Trung ương 6 khóa XII``), or a loose form it rejects (``qd 205 tw``: codes and
number in any order, no separators, no diacritics).  What X names in a graph is decided by
:mod:`graphbuild.ask.matching`; this module only reads X.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from graphbuild.domain.ids import DocumentKey
from graphbuild.text.fold import fold_words, strip_marks
from graphbuild.write.store import ID

# Parsers that read X as a document reference (the others are 'iri', 'text' and 'key')
REFERENCE_PARSES = ("extractor", "loose", "extractor-equivalent", "meeting")


@dataclass
class Query:
    """The parts of a reader's reference (any may be None)."""

    text: str
    how: str  # extractor | extractor-equivalent | loose | iri | text | key
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


def leading_int(s: str | None) -> int | None:
    """The integer a number starts with, leading zeros ignored ('06-ĐA/TU' → 6); None without one."""
    m = re.match(r"\s*0*(\d+)", s or "")
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- extractor ids


def query_from_id(q: Query, key: DocumentKey) -> Query:
    """Fill ``q`` from an extractor key (party:205-QĐ/TW, state:108/2014/NĐ-CP, named:..., bare:...)."""
    q.cite_key = str(key)
    kind = key.kind
    if kind == "party":
        q.kind, q.number = "party", leading_int(key.number)
        q.type_code, q.issuer_code = key.type_code, key.issuer_code
    elif kind == "state":
        q.kind, q.number, q.year = "state", leading_int(key.number), key.year
        q.type_code, q.issuer_code = _split_state_symbol(key.symbol or "")
    elif kind == "bare":
        q.number = leading_int(key.number)
        q.type_code = _bare_type_code(key.symbol or "")
    elif kind == "named":
        q.kind = "named"
        q.charter = key.is_charter
        q.plenum, q.term, q.congress = key.plenum, key.term, key.congress
    return q


def _split_state_symbol(symbol: str) -> tuple[str | None, str | None]:
    """(type code, issuer code) of a state symbol: 'NĐ-CP' → ('NĐ', 'CP'), 'UBND' → (None, 'UBND')."""
    from graphbuild.text.lexicon import lexicon

    toks = [t for t in symbol.split("-") if t]
    if toks and lexicon().type_code(toks[0]) and len(toks) > 1:
        return toks[0], "-".join(toks[1:])
    return None, ("-".join(toks) if toks else None)


def _bare_type_code(code: str) -> str | None:
    """The type code of a bare id's type ('CT', or a type word's key), party before state."""
    from graphbuild.text.lexicon import lexicon

    lex = lexicon()
    codes = lex.word_codes.get(code, {})
    return lex.type_code(code) or codes.get("party") or codes.get("state")


# --------------------------------------------------------------------------- loose forms


def parse_loose(text: str) -> Query | None:
    """The loose forms the extractor rejects: 'qd 205 tw', 'TW 205 QD', 'quy dinh 205', 'nd cp 108 2014'.

    Tokens in any order, no separators, no diacritics: a number (a 4-digit 19xx/20xx next to
    another number is the year), type words or codes, issuer codes.  None when there is no number.
    """
    tokens = re.findall(r"\d+|[^\W\d_]+", strip_marks(text))
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
    used = _read_type_words(q, words)
    unknown = _read_codes(q, [w for w, u in zip(words, used, strict=True) if not u])
    q.complete = unknown == 0 and len(rest) == 1 and len(nums) <= 2
    return q


def _read_type_words(q: Query, words: list[str]) -> list[bool]:
    """Set q's type code from the first type word, longest run first ('quy dinh', 'nghi quyet'); which words it took."""
    from graphbuild.text.lexicon import lexicon

    lex = lexicon()
    used = [False] * len(words)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(used[i:i + n]):
                continue
            word = lex.type_words.get(" ".join(words[i:i + n]).lower())
            if word and q.type_code is None:
                codes = lex.word_codes.get(word, {})
                q.type_code = codes.get("party") or codes.get("state")
                used[i:i + n] = [True] * n
    return used


def _read_codes(q: Query, words: list[str]) -> int:
    """Set q's type and issuer codes from the words left; how many words were not understood."""
    from graphbuild.text.lexicon import lexicon

    lex = lexicon()
    unknown = 0
    for w in words:
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
    return unknown


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


# --------------------------------------------------------------------------- congresses and plenums

_ROMAN_VALUES = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
# A term or congress as people write it after the words: XIII, 13 (folded, lower case)
_ORDINAL = r"(?:lan thu |thu )?([ivxl]+|\d{1,2})"
# The words before a congress's ordinal: 'Văn kiện Đại hội Đảng lần thứ XIII', 'Nghị quyết Đại hội đại biểu
# toàn quốc lần thứ XIII của Đảng', 'Đại hội XIII' (never 'Đại hội Đảng bộ tỉnh ...': a local congress)
_CONGRESS = re.compile(r"(?:(?:van kien|nghi quyet|bao cao chinh tri) )?(?:cua )?dai hoi (?:dai bieu )?(?:toan quoc )?"
                       r"(?:dang (?:cong san viet nam )?)?" + _ORDINAL + r"(?: cua dang(?: cong san viet nam)?)?")
# 'Hội nghị Trung ương 4 khóa XII', 'Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương khóa XII' (digits),
# 'Trung ương 4 (khóa XII)', 'HNTW 4 khoa 12'
_PLENUM = re.compile(r"(?:(?:van kien|nghi quyet) )?(?:(?:hoi nghi|hntw) )?(?:lan thu (\d{1,2}) )?"
                     r"(?:ban chap hanh )?(?:trung uong |tw )?(?:dang )?(?:lan thu )?(\d{1,2})? ?khoa " + _ORDINAL)


def roman(n: int) -> str:
    """An integer as the Roman numeral terms and congresses are written with (13 → XIII)."""
    out = ""
    for value, letters in _ROMAN_VALUES:
        while n >= value:
            out, n = out + letters, n - value
    return out


def term_of(x: str) -> str:
    """A term or congress as the graph writes it: 'khóa XII', 'khoa xii', 'XII', '12' → 'XII'."""
    words = fold_words(x).split()
    word = words[-1] if words else ""
    return roman(int(word)) if word.isdigit() else word.upper()


def parse_meeting(text: str) -> Query | None:
    """A Party congress or Central Committee plenum as people name it; None for anything else.

    'Đại hội Đảng lần thứ XIII', 'Văn kiện Đại hội XIII', 'Đại hội 13' name the XIIIth
    congress's resolution; 'Hội nghị Trung ương 4 khóa XII', 'HNTW 4 khóa 12' plenum 4 of term XII.
    The whole of X must be the name (a longer text goes to the extractor).
    """
    x = fold_words(text)
    m = _CONGRESS.fullmatch(x)
    if m:
        return Query(text, "meeting", kind="named", congress=term_of(m.group(1)))
    m = _PLENUM.fullmatch(x)
    if m and (m.group(1) or m.group(2)) and ("trung uong" in x or "tw" in x.split() or "hntw" in x.split()):
        return Query(text, "meeting", kind="named", plenum=int(m.group(1) or m.group(2)), term=term_of(m.group(3)))
    return None


# --------------------------------------------------------------------------- X


def parse_reference(text: str) -> Query:
    """The parts of X: an IRI, an extractor reference, a loose reference, or free text."""
    x = text.strip()
    if x.startswith("<") and x.endswith(">"):
        x = x[1:-1].strip()
    q = (_as_graph_iri(text, x) or _as_extractor_id(text, x) or parse_meeting(x) or _plain_full_number(x)
         or _extracted(text, x))
    return q or parse_loose(x) or Query(text, "text")


def _as_graph_iri(text: str, x: str) -> Query | None:
    """An IRI, or a local id of the graph ('doc:qd-tw_2019_205', 'id/citekey/ct-tw_45')."""
    if re.match(r"https?://", x):
        return Query(text, "iri", iri=x)
    m = re.fullmatch(r"(doc|citekey):(\S+)", x)
    if m:
        return Query(text, "iri", iri=f"{ID}{m.group(1)}/{m.group(2)}")
    m = re.fullmatch(r"(?:id/)?((?:doc|citekey)/\S+)", x)
    if m:
        return Query(text, "iri", iri=ID + m.group(1))
    return None


def _as_extractor_id(text: str, x: str) -> Query | None:
    """An extractor id as written in mentions.jsonl ('party:205-QĐ/TW'); None when it does not parse."""
    if re.fullmatch(r"(party|state|named|bare):\S.*", x):
        try:
            return query_from_id(Query(text, "extractor"), DocumentKey.parse(x))
        except (ValueError, KeyError):
            pass
    return None


def _extracted(text: str, x: str) -> Query | None:
    """X read by the real extractor: the parts of its longest reference; None when it finds none."""
    from graphbuild.extract.find import extract

    mentions = [m for m in extract(x) if m.id]
    if not mentions:
        return None
    best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
    assert best.key is not None  # its id is the key's text
    q = query_from_id(Query(text, "extractor"), best.key)
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


# --------------------------------------------------------------------------- an article's source


def names_source(x: str, source: str) -> bool:
    """Whether X names the file or URL an article was read from (its ``dct:source`` or ``sdo:url``).

    X may be the path as given to ``build``, that path made absolute (or relative to where
    ``refs`` runs), the file's name or its stem (``000_22ab1fdcbd145b34``), or the URL with or
    without its scheme, ``www.`` or trailing slash.  A record of a JSON Lines or CSV file
    (``PATH:LINE``) is named by its file's path too.
    """
    x = x.strip()
    if not x or not source:
        return False
    if _is_url(x) or _is_url(source):
        return _is_url(source) and _bare_url(x) == _bare_url(source)
    path = re.sub(r":\d+$", "", source)
    if "/" not in x and os.sep not in x:
        name = PurePosixPath(path.replace(os.sep, "/")).name
        return x in (name, name.split(".", 1)[0])
    if os.path.normpath(x) == os.path.normpath(path):
        return True
    ax, ap = os.path.abspath(x), os.path.abspath(path)
    if ax == ap:
        return True
    tail = os.path.normpath(path if not os.path.isabs(path) else x)
    whole = ax if not os.path.isabs(path) else path
    return not tail.startswith("..") and whole.endswith(os.sep + tail.lstrip(os.sep))


def _is_url(s: str) -> bool:
    return re.match(r"(?i)https?://", s) is not None


def _bare_url(s: str) -> str:
    """A URL as compared: no scheme, no 'www.', no trailing slash, host in lower case."""
    s = re.sub(r"(?i)^https?://(www\.)?", "", s.strip()).rstrip("/")
    host, _, rest = s.partition("/")
    return host.lower() + ("/" + rest if rest else "")
