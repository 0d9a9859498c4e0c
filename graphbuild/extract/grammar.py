"""The regular expressions of the extractor, built from the lexicon (never written out per type).

All patterns run on the folded copy of a text (see :mod:`graphbuild.text.normalize`): dashes are
'-', non-breaking spaces and tabs are ' ', '_' is ' ', '\\r' is '\\n'.
"""

from __future__ import annotations

import re
from functools import cache

from graphbuild.text.fold import strip_marks
from graphbuild.text.lexicon import lexicon

# Blanks inside a reference: spaces, and at most one line break (PDF extraction breaks lines).
S = r"[ ]*(?:\n[ ]*)?"
# A code token: a letter, then letters or digits (QĐi, CTr, TTg, QH14, TWĐTN, HĐND).
CODE = r"[^\W\d_][^\W_]{0,11}"
YEAR = r"(?:19[4-9]\d|20[0-4]\d)"

# A number + symbol after the number's first digit.  The number is ``text[m.start():m.end("digits")]``; it
# may carry a dot and one or two digits ('12.5/2025/NQ-CP'), and a dot may stand before it only after a
# letter ('No.10-NQ/TW'; '1.500', '12.5' go on a number).
# The number's left boundary is checked *after* its first digit ('(?<!...\d)'), not before it: a
# pattern that starts with a digit lets the engine skip straight to the digits of the text (a
# leading look-behind made it try every position, twice as slow).
_NUMBER_TAIL = (
    r"(?<![\w,/&-]\d)(?<![\d.]\.\d)(?P<digits>\d{0,4}(?:\.\d{1,2}(?![\d.]))?(?:[a-zA-Z](?![^\W\d_]))?)(?!\d)"
    # A number followed by blanks is a reference only as '84 QĐ/TWĐTN' (a code, then a slash): the
    # look-ahead turns away '3 năm', '15 đồng chí' ... in the engine instead of in Python.
    r"(?P<sep0>" + S + r"[-/]" + S + r"|[ ]{1,2}(?=(?:" + YEAR + S + r"[-/]" + S + r")?" + CODE + S + r"/)"
    r"|(?=[^\W\d_]{1,4}" + S + r"/))"
    r"(?:(?P<year>" + YEAR + r")(?P<sepy>" + S + r"[-/]" + S + r"))?"
    r"(?P<codes>" + CODE + r"(?:" + S + r"[-/]" + S + CODE + r"){0,4})"
    r"(?![\w])"
)

# What a symbol goes on with past a '.' inside it ('06/QC-TT.HĐND-UBND'): codes, the first right after the dot.
DOTTED_TAIL = re.compile(r"\.(?P<codes>" + CODE + r"(?:" + S + r"[-/]" + S + CODE + r"){0,3})(?![\w])")

# One code-separator step inside the symbol, for splitting it into tokens.
SYMBOL_PART = re.compile(r"(" + S + r"[-/]" + S + r")")

# Between the words of a date written out: spaces, or a line end of PDF text ('ngày 23 tháng\n4 năm 2018').
_WORD_GAP = r"(?:[ ]+|[ ]*\n[ ]*)"
DAY_MONTH_YEAR = (
    r"(?P<d>\d{1,2})[ ]*[/.-][ ]*(?P<m>\d{1,2})[ ]*[/.-][ ]*(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})" + _WORD_GAP + r"tháng" + _WORD_GAP + r"(?P<m2>\d{1,2})" + _WORD_GAP + r"năm" + _WORD_GAP
    + r"(?P<y2>(?:19|20)\d\d)"
)
# Groups ``all``, ``all2``: the phrase says the date is every listed document's ('cùng ngày', 'đều ban hành ngày').
DATE_AFTER = re.compile(
    S + r"[,(]?" + S + r"(?P<all>(?:cùng|đều)[ ]+)?(?:được[ ]+)?(?:ban[ ]+hành[ ]+|ký[ ]+)?(?:vào[ ]+)?"
    r"(?P<all2>cùng[ ]+)?(?:ngày|ngay)" + S + r":?[ ]*(?:" + DAY_MONTH_YEAR + r")\)?",
    re.I,
)
# A full date written straight after a number, with no 'ngày' ('NGHỊ QUYẾT 20 NQ/TW 25/10/2017'); the same
# separator twice, a four-digit year, and nothing number-like after it.
DATE_FUSED = re.compile(
    r"[ ]*,?[ ]*(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d/.-]?\w)"
)
DATE_ANY = re.compile(r"(?:ngày|ngay)[ ]*(?:" + DAY_MONTH_YEAR + r")", re.I)
ENACT = re.compile(
    r"(?:đã[ ]+|vừa[ ]+|chính[ ]+thức[ ]+)?(?:ký[ ]+)?(?:ban[ ]+hành|ra|thông[ ]+qua|ký|xây[ ]+dựng|phát[ ]+hành|có)[ ]*$",
    re.I,
)
# Words that make a named reference part of another document's title ('Hướng dẫn thi hành Điều lệ Đảng').
TITLE_GAP = re.compile(
    r"[ ]*(?:,?[ ]*(?:ngày|ngay)[ ]*(?:" + DAY_MONTH_YEAR + r")[ ]*)?(?:[^\W\d]+[ ]+){0,7}?"
    r"(?P<link>về[ ]+việc|về|thi[ ]+hành|thực[ ]+hiện|triển[ ]+khai|sửa[ ]+đổi|bổ[ ]+sung|cụ[ ]+thể[ ]+hóa)[ ]+$",
    re.I,
)
SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n")


def _alternation(spellings: set[str], blank: str = "[ ]+") -> str:
    """Longest-first alternation, each space matching any run of blanks (or ``blank``)."""
    parts = sorted(spellings, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", blank) for p in parts)


def trie_regex(words: set[str], blank: str = "[ ]+") -> str:
    """An alternation of ``words`` folded into a prefix tree, so the engine rejects most positions at once.

    A flat alternation of sixty words tries each word at every position; the tree
    tries one branch per first letter.  Spaces in a word match any run of blanks.
    """
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts, end = [], "" in node
        for ch in sorted(k for k in node if k):
            alts.append((blank if ch == " " else re.escape(ch)) + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        return body + ("?" if end else "")

    return emit(tree)


@cache
def type_word_reversed() -> re.Pattern[str]:
    """Any type word in lower case, spelt backwards: matched on a reversed window of text, the first
    match is the type word that ends nearest to where the window ends (the longest one ending there)."""
    return re.compile(trie_regex({w[::-1] for w in lexicon().type_words}))


@cache
def type_word_capital() -> re.Pattern[str]:
    """Any type word whose first letter is a capital (the rest in any case); boundaries checked by the caller.

    Only a capitalised type word can open a bare reference or a title ('Kế hoạch 64', 'Hướng
    dẫn thi hành ...'); lower-case ones only matter right before a number or as the lead of a
    plenum resolution, and the extractor looks for those locally.  The candidate scan
    (:func:`candidates`) matches any initial with the rest of any type word; this pattern, each
    initial with its own words, settles the rare match where the two disagree.
    """
    by_initial: dict[str, set[str]] = {}
    for w in lexicon().type_words:
        by_initial.setdefault(w[0].upper(), set()).add(w[1:])
    return re.compile("(?:" + "|".join(
        re.escape(initial) + "(?i:" + trie_regex(rests) + ")" for initial, rests in sorted(by_initial.items())
    ) + ")")


# Written with a capital, 'Điều lệ' (the Party Charter) is found by the candidate scan as if it were a
# type word: this is the canonical word it is reported under there.
CHARTER_WORD = "điều lệ"


@cache
def candidates() -> re.Pattern[str]:
    """One scan for everything a reference can start from: a number + symbol, or a capitalised type word.

    Why one pattern: each whole-text scan costs about a third of the bare ``re`` scan the
    benchmark compares with, however little it finds.  The pattern opens with one character
    class (a digit or the capital initial of a type word) so the engine skips every other
    position, then looks behind at that character to take the number branch (groups ``digits``,
    ``sep0``, ``year``, ``sepy``, ``codes``) or the word branch (group ``word``).  The word branch
    matches the rest of any type word after any initial; the caller checks the pair (see
    :func:`type_word_capital` for an initial's own words).  A word must start a word; the
    caller checks that it ends one.  'Điều lệ' (:data:`CHARTER_WORD`) is among the words.  A
    capital 'Q' that is no type word but may be the 'q' of a lower-case lead ('nghị Quyết', 'nQ';
    see :data:`LEAD_Q`) is reported as the empty group ``q``.
    """
    words = set(lexicon().type_words) | {CHARTER_WORD}
    initials = "".join(sorted({re.escape(w[0].upper()) for w in words}))
    rests = {w[1:] for w in words}
    # Most capitals open no type word ('Tỉnh', 'Đảng', 'Ban'): one class test of the letter after the
    # initial turns most of them away before the trie's case-insensitive branches are tried one by one
    # (0.9 -> 0.85 CPU s over the 10k corpus).  Every rest starts with a letter of the class, so the
    # look-ahead changes no match; it is left out if some word is one letter (its rest is empty).
    firsts = "" if "" in rests else "(?=(?i:[" + "".join(sorted({re.escape(r[0]) for r in rests})) + "]))"
    # The rest of the code first (a literal: most positions fail there), then the look-behinds.
    compact = "|".join(re.escape(c[1:]) + r"(?<=" + re.escape(c) + r")(?<![^\W_]" + re.escape(c) + r")"
                       for c in compact_codes())
    return re.compile(
        r"[0-9" + initials + r"](?:(?<=\d)" + _NUMBER_TAIL
        + r"|(?<=[" + initials + r"])(?<![^\W_].)" + firsts + r"(?P<word>(?i:" + trie_regex(rests) + r"))"
        + (r"|(?P<compact>" + compact + r")(?=\d)" if compact else "")
        + r"|(?<=Q)(?:(?<=nQ)|(?=(?i:uy[eế]t)))(?P<q>))"
    )


@cache
def compact_codes() -> tuple[str, ...]:
    """Type codes that may be written fused before a state number ('TT36/2017'), as written (capitals);
    the candidate scan reports one before a digit as group ``compact`` when its initial opens a type word."""
    words = set(lexicon().type_words) | {CHARTER_WORD}
    initials = {w[0].upper() for w in words}
    return tuple(sorted(c.code for c in lexicon().codes.values() if c.compact and c.code[0] in initials))


# 'TT36/2017': the number and year after a compact type code.
COMPACT_NUMBER = re.compile(r"(?P<num>\d{1,4})[ ]*/[ ]*(?P<year>" + YEAR + r")(?![\w/-]|[.,]\d)")


# The lead of a plenum or congress resolution written in lower case ('theo nghị quyết Trung ương 4').
LEAD_LOWER = re.compile(r"(?i:ngh[iị][ ]+quy[eếê]t|nq)")
# Its candidates are found from its 'q' ('nq', 'nghị quyết'): a pattern that opens with one literal
# letter is scanned for at memchr-like speed, and 'q' is rare in Vietnamese ('n' is in every other
# word, and substring searches for 'nghị', 'nq' ... cost a scan each).  A capital 'Q' ('nghị
# Quyết', 'nQ') is found by the candidate scan (group ``q``).  The caller looks back from the 'q'
# for 'nghị'/'nghi' and blanks, and wants a lower-case 'n' four letters before a single blank: the
# look-behind asks for it too, so the 'q' of every capitalised 'Nghị quyết' (nearly all the hits)
# is not handed to Python only to be turned away there.
LEAD_Q = re.compile(r"q(?:(?<=nq)|(?<=n.[hH][iịIỊ][ ]q)(?=(?i:uy[eế]t))|(?<=[ ][ ]q)(?=(?i:uy[eế]t)))")
# 'điều lệ' (the Party Charter) in lower case: a plain substring search, far cheaper than lower-casing
# the whole text.  Written with a capital, the candidate scan finds it.
CHARTER_NEEDLES = ("điều lệ",)


@cache
def type_word_pattern() -> re.Pattern[str]:
    """Any type word (with or without diacritics, any case) standing as a word."""
    lex = lexicon()
    return re.compile(r"(?<![\w])(?:" + _alternation(set(lex.type_words)) + r")(?![\w])", re.I)


@cache
def type_word_at_end() -> re.Pattern[str]:
    """A type word, then at most a few words and `số`/`Số:`, at the end of a window of text."""
    lex = lexicon()
    return re.compile(
        r"(?<![\w])(?P<word>" + _alternation(set(lex.type_words)) + r")"
        r"(?:(?P<gap>(?:[ ,]+(?!số\b|so\b)[^\W\d]+){1,8}?)" + S + r"(?:số|so)\b|" + S + r"(?:số|so)\b|)"
        + S + r":?" + S + r"$",
        re.I,
    )


def _body_spellings() -> set[str]:
    lex = lexicon()
    spellings: set[str] = set()
    for name in lex.body_names:
        spellings.add(name)
        spellings.add(strip_marks(name))
        spellings.add(name.replace("ủy", "uỷ").replace("Ủy", "Uỷ"))
    return spellings


def trie_regex_ignorecase(words: set[str], blank: str = "[ ]+") -> str:
    """:func:`trie_regex` for a pattern compiled with ``re.IGNORECASE``, matching what the longest-first
    alternation of the same words matches.

    Letters that ``re.IGNORECASE`` takes as one ('Ủ', 'ủ') share a branch, so at most one branch
    fits the text at each step, and the tree tries the longer words first: of the words that match
    (all along that one path), the longest.  Equality is tested with the engine itself, so it is
    exactly the engine's notion of case.
    """
    reps: list[tuple[str, re.Pattern[str]]] = []
    canon: dict[str, str] = {}
    for ch in sorted({c for w in words for c in w}):
        canon[ch] = next((rep for rep, same in reps if same.fullmatch(ch)), ch)
        if canon[ch] == ch:
            reps.append((ch, re.compile("(?i:" + re.escape(ch) + ")")))
    return trie_regex({"".join(map(canon.__getitem__, w)) for w in words}, blank)


# Blanks inside a body's name: spaces, or a line or page end of PDF text ('của Bộ Chính \ntrị',
# 'của Ban Chấp hành\nTrung ương'); a page break may leave an empty line.
NAME_BLANK = r"(?:(?:[ ]*[\n\f]){1,2}[ ]*|[ ]+)"
# The office of the body's head, written before the body as the issuer of its texts ('Thông tư ...
# của Bộ trưởng Bộ Công Thương', 'của Chủ tịch UBND tỉnh'); the body is what is reported.
ISSUER_ROLE = (
    r"(?:(?:Bộ|Thứ|Viện|Tổng[ ]+cục|Cục)[ ]+trưởng|(?:Phó[ ]+)?Chủ[ ]+tịch|Thống[ ]+đốc|Chánh[ ]+án|"
    r"Tổng[ ]+Kiểm[ ]+toán|Tổng[ ]+Thanh[ ]+tra|(?:Phó[ ]+)?Trưởng|Chủ[ ]+nhiệm|Giám[ ]+đốc|Thường[ ]+trực)"
)
ROLES_BEFORE_BODY = r"(?:" + ISSUER_ROLE + r"(?:[ ]*,[ ]*" + ISSUER_ROLE + r")?" + NAME_BLANK + r")?"


@cache
def body_pattern() -> re.Pattern[str]:
    """Any name of an issuing body in the lexicon (its words broken across lines or not)."""
    return re.compile(r"(?<![\w])(?:" + _alternation(_body_spellings(), NAME_BLANK) + r")(?![\w])", re.I)


@cache
def body_tree() -> re.Pattern[str]:
    """:func:`body_pattern` as a tree (:func:`trie_regex_ignorecase`): the same matches, for searching a window."""
    return re.compile(r"(?<![\w])(?:" + trie_regex_ignorecase(_body_spellings(), NAME_BLANK) + r")(?![\w])", re.I)


@cache
def issuer_after() -> re.Pattern[str]:
    """`của Bộ Chính trị`, `do Ban Bí thư ban hành`, `của Bộ trưởng Bộ Tài chính` right after a reference
    (and its date).

    The body names as a tree (:func:`trie_regex_ignorecase`), not the longest-first alternation of
    :func:`body_pattern`: under ``re.IGNORECASE`` the engine tries each of its 275 branches in turn
    after every 'của' (0.07 -> 0.02 CPU s over the 10k corpus).  Both match the same text.
    """
    return re.compile(S + r",?" + S + r"(?:của|do|cua)" + NAME_BLANK + ROLES_BEFORE_BODY + r"(?P<body>"
                      + body_tree().pattern + r")", re.I)


SUBJECT_AFTER = re.compile(
    r"[ ]*,?[ ]*(?:về[ ]+việc|về|ve)[ ]+(?P<subject>[“\"][^”\"\n]{3,250}[”\"]|[^.;:()\n“”\"]{3,250})",
)
QUOTED_TITLE = re.compile(r"[ ]*,?[ ]*(?P<subject>[“\"][^”\"\n]{3,250}[”\"])")

TERM = r"(?:XIV|XIII|XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I|1[0-4]|[1-9])"
KHOA = r"(?:khóa|khoá|khoa|nhiệm[ ]+kỳ)"
# 'khóa XI, XII', 'khóa XI, khóa XII và khóa XIII': the word may be repeated before each term.
_TERMS = r"(?P<terms>" + TERM + r"(?:[ ]*(?:,|và|-)[ ]*(?:" + KHOA + r"[ ]+)?" + TERM + r")*)(?![\w])"
# '(khóa X)', '(khóa XI, nhiệm kỳ 2011 - 2016)', ', khóa XII', 'khóa (XI)' (the brackets round the term alone).
TERM_LIST = re.compile(
    r"[ ]*(?:\([ ]*" + KHOA + r"[ ]+" + _TERMS + r"(?:[ ]*[,;-][^()\n]{0,40})?[ ]*\)"
    r"|,?[ ]*" + KHOA + r"[ ]+" + _TERMS.replace("?P<terms>", "?P<terms2>")
    + r"|,?[ ]*" + KHOA + r"[ ]*\([ ]*" + _TERMS.replace("?P<terms>", "?P<terms3>") + r"[ ]*\))", re.I)
TERM_ANY = re.compile(r"(?<![\w])" + KHOA + r"[ ]+(?P<term>" + TERM + r")(?![\w])", re.I)
CENTRAL = r"(?:Ban[ ]+Chấp[ ]+hành[ ]+Trung[ ]+ương(?:[ ]+Đảng)?|BCH[ ]*(?:Trung[ ]+ương|TW|T\.Ư|TƯ)(?:[ ]+Đảng)?|Trung[ ]+ương(?:[ ]+Đảng)?|T\.[ ]?Ư|TƯ|TW|T\.W|Trung[ ]+uong)"
# The lead of a plenum or congress resolution, marks missing or partly missing ('Nghi quyết', 'Nghi quyet').
LEAD = r"(?:Ngh[iị][ ]+quy[eếê]t|NQ)"
# A plenum's number in Roman figures ('Nghị quyết Trung ương IV'): capitals only, so no word is taken for one.
PLENUM_ROMAN = r"(?-i:XXX|XXIX|XXVIII|XXVII|XXVI|XXV|XXIV|XXIII|XXII|XXI|XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|" \
               r"IX|X|VIII|VII|VI|IV|V|III|II|I)"
# A spelled plenum number right after the committee ('Hội nghị Trung ương bảy') ends the phrase: punctuation,
# the term, or a joining word follows ('Trung ương năm 2019', 'Trung ương một số' are no plenums).
SPELLED_END = r"(?=[ ]*(?:[,;:.()\n]|$|(?:khóa|khoá|khoa|về|và|của|đã|nhiệm)(?![\w])))"
# A plenum number written as a figure is not the number of a coded resolution ('Trung ương 09-NQ/TW').
_NOT_CODED = r"(?![\d/])(?![ ]*-\s*[^\W\d_]{1,6}\s*/)"


def _plenum_numbers(suffix: str) -> tuple[str, str]:
    """The plenum number after the committee ('6', 'IV', 'bảy') and after 'lần thứ' ('6', 'sáu', 'VI'),
    with their groups named ``num``/``rom``/``word`` and ``ord`` plus ``suffix``."""
    ords = _alternation(set(lexicon().ordinals))
    after_central = (r"(?:(?P<num" + suffix + r">\d{1,2}" + _NOT_CODED + r")|(?P<rom" + suffix + r">" + PLENUM_ROMAN
                     + r")|(?P<word" + suffix + r">" + ords + r")" + SPELLED_END + ")")
    ordinal = r"(?:lần[ ]+thứ[ ]+(?P<ord" + suffix + r">\d{1,2}|" + ords + r"|" + TERM + r"))"
    return after_central, ordinal


@cache
def plenum_body() -> re.Pattern[str]:
    """What names a plenum after the lead: 'Trung ương 6', 'TW4', 'Hội nghị Trung ương bảy', 'Hội nghị lần
    thứ sáu Ban Chấp hành Trung ương', 'lần thứ 7 BCH Trung ương' (group ``hn``: 'Hội nghị' is written;
    ``central``: the committee is named after the ordinal; the caller wants one of them there)."""
    number, ordinal = _plenum_numbers("")
    number2, ordinal2 = _plenum_numbers("2")
    return re.compile(
        r"(?:"
        r"(?:Hội[ ]+nghị[ ]+)?" + CENTRAL + r"[ ]*(?:" + number + r"|" + ordinal + r")"
        r"|(?P<hn>Hội[ ]+nghị[ ]+)?" + ordinal2 + r"(?:[ ]*,?[ ]*(?:của[ ]+)?(?P<central>" + CENTRAL + r"))?"
        r")(?![\w])",
        re.I,
    )


@cache
def plenum_pattern() -> re.Pattern[str]:
    """`Nghị quyết Trung ương 6`, `NQ TW4`, `Nghị quyết Hội nghị lần thứ sáu Ban Chấp hành Trung ương`:
    the lead, then :func:`plenum_body`."""
    return re.compile(r"(?<![\w])(?P<lead>" + LEAD + r")[ ]*(?:" + plenum_body().pattern + r")", re.I)


@cache
def plenum_list_next() -> re.Pattern[str]:
    """The next plenum of a list: ', 5', ' và Trung ương 8', ', lần thứ bảy' (group ``again``: the committee
    or 'lần thứ' is written again, as a spelled or Roman number needs)."""
    ords = _alternation(set(lexicon().ordinals))
    return re.compile(
        r"[ ]*(?:,|và|;)[ ]*(?P<again>(?:Hội[ ]+nghị[ ]+)?" + CENTRAL + r"[ ]*|lần[ ]+thứ[ ]+)?"
        r"(?:(?P<num>\d{1,2})" + _NOT_CODED + r"|(?P<rom>" + PLENUM_ROMAN + r")|(?P<word>" + ords + r")" + SPELLED_END
        + r")(?![\w])",
        re.I,
    )


@cache
def plenum_as_issuer() -> re.Pattern[str]:
    """', ngày 16/6/2022 Hội nghị lần thứ năm Ban Chấp hành Trung ương Đảng khóa XIII': issued by a plenum."""
    ords = _alternation(set(lexicon().ordinals))
    return re.compile(
        S + r",?" + S + r"(?:của[ ]+|tại[ ]+)?Hội[ ]+nghị[ ]+(?:lần[ ]+thứ[ ]+(?:\d{1,2}|" + ords + r"|" + TERM + r")"
        r"(?:[ ]*,?[ ]*(?:của[ ]+)?" + CENTRAL + r")|" + CENTRAL + r"[ ]*\d{1,2}(?![\d/]))",
        re.I,
    )


# ', của Trung ương' after a Party number with no other code than TW: the Central Committee, the way the
# press shortens it ('Kết luận 21 của Trung ương'); not 'Trung ương Đoàn', 'Trung ương Hội …' (other bodies).
CENTRE_AS_ISSUER = re.compile(
    S + r",?" + S + r"(?:của|do)[ ]+Trung[ ]+ương(?:[ ]+Đảng)?(?![\w])(?P<next>[ ]+\w)?")


CONGRESS = re.compile(
    r"(?<![\w])(?P<lead>" + LEAD + r"|Văn[ ]+kiện)[ ]+Đại[ ]+hội[ ]+"
    r"(?:(?:đại[ ]+biểu[ ]+)?(?:toàn[ ]+quốc[ ]+)?)?(?:Đảng(?![ ]+bộ)[ ]+)?(?:(?:đại[ ]+biểu[ ]+)?toàn[ ]+quốc[ ]+)?"
    r"(?:(?:lần[ ]+thứ|khóa|khoá|khoa)[ ]+)?(?P<congress>" + TERM + r")(?![\w])",
    re.I,
)
# 'Văn kiện Đại hội XIII': the congress's documents, found from the word (no type word leads them).
CONGRESS_DOCUMENTS_NEEDLES = ("Văn kiện", "văn kiện", "VĂN KIỆN")
CHARTER = re.compile(
    r"(?<![\w])Điều[ ]+lệ[ ]+Đảng(?![ ]+bộ)(?:[ ]+Cộng[ ]+sản[ ]+Việt[ ]+Nam)?"
    r"(?:[ ]*\([ ]*(?:khóa|khoá)[ ]+(?P<congress>" + TERM + r")[ ]*\)|[ ]*,?[ ]*(?:khóa|khoá)[ ]+(?P<congress2>"
    + TERM + r")(?![\w]))?",
    re.I,
)
LOCAL_COMMITTEE = re.compile(
    r"Đảng[ ]+bộ|Tỉnh[ ]+[uủ][ỷy]|Thành[ ]+[uủ][ỷy]|Huyện[ ]+[uủ][ỷy]|Quận[ ]+[uủ][ỷy]|Thị[ ]+[uủ][ỷy]|"
    r"HĐND|Hội[ ]+đồng|Quốc[ ]+hội|Mặt[ ]+trận|MTTQ|Đoàn|Hội[ ]+(?:Nông|Cựu|Liên|Phụ)|Công[ ]+đoàn|cấp[ ]+ủy|UBND",
    re.I,
)
# What follows a plenum or congress phrase when it belongs to a local committee, not the centre.
LOCAL_AFTER = re.compile(
    r"[ ,]*(?:của[ ]+)?(?:(?:Ban[ ]+Chấp[ ]+hành|BCH|Ban[ ]+Thường[ ]+vụ|BTV|đại[ ]+biểu)[ ]+)?(?:"
    + LOCAL_COMMITTEE.pattern + r")",
    re.I,
)

BARE_NUMBER = re.compile(
    r"(?P<gap>" + S + r"(?:(?:số|So|SỐ)" + S + r":?" + S + r")?)"
    r"(?P<num>\d{1,5}[a-zA-Z]?)(?:/(?P<year>" + YEAR + r"))?(?![\w]|[.,]\d|" + S + r"[-/]" + S + r"[\w])",
)
LIST_NEXT = re.compile(
    r"(?P<sep>[ ]*(?:,|;|và|,[ ]*và)[ ]*(?:(?:số|So)[ ]*:?[ ]*)?)"
    r"(?P<num>\d{1,5}[a-zA-Z]?)(?:/(?P<year>" + YEAR + r"))?(?![\w]|[.,]\d|[ ]*[-/][ ]*[\w])",
)
# Bare numbers listed right before a coded one share its symbol ('Nghị quyết số 26, 27-NQ/TW',
# 'Kế hoạch số 154 & 201/KH-ĐHHV'): the list, up to the coded number, at the end of a window.
LIST_JOIN = r"[ ]*(?:,[ ]*và|,|&|và)[ ]*(?:(?:số|so)[ ]*:?[ ]*)?"
SHARED_SYMBOL_HEAD = re.compile(
    r"(?<![\w/.,&-])(?P<nums>\d{1,5}[a-zA-Z]?(?:" + LIST_JOIN + r"\d{1,5}[a-zA-Z]?)*)" + LIST_JOIN + r"$", re.I)
LIST_NUMBER = re.compile(r"\d{1,5}[a-zA-Z]?")
