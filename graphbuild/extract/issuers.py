"""The issuing body a text names around a reference, read as far as the text completes it: after the
reference ('... của Thành ủy Hải Phòng', 'của Bộ trưởng Bộ Công Thương'), before it ('UBND tỉnh Quảng
Ninh đã ban hành ...') or in the document's own header ('BỘ TƯ PHÁP ... Số: 2150/BTP-PBGDPL').

A body's name is matched from the lexicon (its words may be broken across lines by PDF extraction);
what completes it is read by the kind of body (:attr:`graphbuild.text.lexicon.Body.qualifier`): the
place of a body of a place, the body a Party body belongs to, or what a steering committee does.
The name reported is made in :mod:`graphbuild.domain.issuers`.
"""

from __future__ import annotations

import re
from functools import cache

from graphbuild.domain.gazetteer import unit_named
from graphbuild.domain.issuers import Issuer, canonical_admin, form_of, in_capitals, name_issuer
from graphbuild.extract import grammar as g
from graphbuild.text.lexicon import lexicon

_CAPITALS = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_NAME_WORD = r"[" + _CAPITALS + r"][^\W\d_]*"
_ADMIN = r"(?i:tp(?:\.|(?![\w]))|(?:tỉnh|thành[ ]+phố|huyện|quận|thị[ ]+xã|thị[ ]+trấn|xã|phường)(?![\w]))"
# A place after a body's name: a word for its kind, then capitalised words ('huyện Đông Anh', 'TP.HCM',
# 'TỈNH BẮC NINH', 'Bà Rịa - Vũng Tàu').  Which of the words are the place is decided in Python.
_PLACE = re.compile(
    g.NAME_BLANK + r"(?:(?P<admin>" + _ADMIN + r")(?:" + g.NAME_BLANK + r"|(?<=\.)))?"
    r"(?P<run>" + _NAME_WORD + r"(?:(?:[ ]+|[ ]*-[ ]*)" + _NAME_WORD + r"){0,4}(?![\w]))?"
)
# Capitalised words that end a place: what usually follows a body's name in a sentence or a title
# (compared with their marks: 'Năm' ends a place, 'Nam' of Lục Nam does not).
_NOT_PLACE = frozenset(
    "khóa khoá về nhiệm ban ngày số đảng tỉnh huyện quận ubnd hđnd lần quyết nghị chỉ kế thông hướng kết quy "
    "chương đề tại theo và năm tháng".split())
# Family names: three capitalised words opening with one are a person ('Bí thư Thành ủy Nguyễn Văn Quảng').
_FAMILY_NAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trịnh đào mai trương lương lâm "
    "phùng tô cao hà tạ thái văn chu lưu kiều quách đoàn vương triệu nông lò lục giang".split())
_MAX_PLACE_WORDS = 4
_WORD = re.compile(r"[^\s-]+")


@cache
def _function() -> re.Pattern[str]:
    """What a steering committee is named after: 'thực hiện Nghị quyết số 39-NQ/TW', '35 Trung ương', 'tỉnh'."""
    words = "|".join(re.escape(w).replace(r"\ ", "[ ]+") for w in sorted(lexicon().type_words, key=len, reverse=True))
    return re.compile(
        g.NAME_BLANK + r"(?P<q>(?:thực[ ]+hiện|triển[ ]+khai|tổng[ ]+kết|sơ[ ]+kết|xây[ ]+dựng)[ ]+(?:" + words + r")"
        r"(?:[ ]+(?:số[ ]*:?[ ]*)?\d[\w./-]*(?<![.,/-])|[ ]+(?:Trung[ ]+ương|TW|Hội[ ]+nghị[ ]+Trung[ ]+ương)[ ]*\d{1,2})?"
        r"|\d{1,3}(?![\w/])(?:[ ]+(?:Trung[ ]+ương|TW))?"
        r"|quốc[ ]+gia|tỉnh|thành[ ]+phố|huyện|quận|Tây[ ]+Bắc|Tây[ ]+Nguyên|Tây[ ]+Nam[ ]+Bộ)(?![\w])",
        re.I,
    )


def named_at(folded: str, start: int, end: int, limit: int | None = None) -> tuple[Issuer, int] | None:
    """The issuer named by the body name at ``folded[start:end]`` and what completes it (read no further
    than ``limit``), and where that ends."""
    written = folded[start:end]
    form = form_of(written)
    if form is None:
        return None
    body = lexicon().bodies[form.body]
    upper = in_capitals(written)
    limit = len(folded) if limit is None else limit
    if body.qualifier == "place":
        place = _place(folded, end, limit, upper, written)
        if place is not None:
            admin, qualifier, stop = place
            issuer = name_issuer(written, admin, qualifier)
            if issuer is not None and issuer.qualified:
                return issuer, stop
    elif body.qualifier == "body":
        m = re.compile(g.NAME_BLANK).match(folded, end, limit)
        inner = g.body_tree().match(folded, m.end(), limit) if m else None
        inner_form = form_of(inner.group(0)) if inner else None
        if inner and inner_form and (issuer := name_issuer(written, "", inner_form.name)):
            return issuer, inner.end()
    elif body.qualifier == "function":
        m = _function().match(folded, end, limit)
        if m and (issuer := name_issuer(written, "", " ".join(m.group("q").split()))):
            return issuer, m.end()
    issuer = name_issuer(written)
    return (issuer, end) if issuer else None


def _place(folded: str, end: int, limit: int, upper: bool, written: str) -> tuple[str, str, int] | None:
    """(word for the kind of place, the place, end) written after the body name ``written``; the place is
    the longest run of capitalised words that names a province, else, for a district's or commune's
    body, the words before the first that ends a place, unless they are a person's name."""
    m = _PLACE.match(folded, end, limit)
    if m is None or not (m.group("admin") or m.group("run")):
        return None
    admin = m.group("admin") or ""
    if admin and upper and canonical_admin(admin) != "thành phố":
        admin = admin.lower()  # 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH': a header in capitals
    only_admin = (admin, "", m.end("admin")) if admin else None  # 'UBND huyện', with no place named
    if not m.group("run"):
        return only_admin
    run = m.group("run")
    cuts = [w.end() for w in _WORD.finditer(run)]
    run_start = m.start("run")
    for cut in reversed(cuts[:_MAX_PLACE_WORDS]):
        text = _as_name(folded[run_start:run_start + cut], upper)
        if unit_named(text) is not None:
            return admin, text, run_start + cut
    if not _takes_any_place(written, admin):
        return only_admin
    words = [w.lower() for w in _WORD.findall(run)]
    n = min(next((i for i, w in enumerate(words) if w in _NOT_PLACE), len(words)), _MAX_PLACE_WORDS - 1)
    if n == 0 or (n >= 3 and words[0] in _FAMILY_NAMES):
        return only_admin
    return admin, _as_name(folded[run_start:run_start + cuts[n - 1]], upper), run_start + cuts[n - 1]


def _takes_any_place(written: str, admin: str) -> bool:
    """Whether a body name (with the word for a kind of place after it) may be followed by a place no
    gazetteer lists: a district's or commune's body, or a name one may be called by ('Thành ủy')."""
    kind = canonical_admin(admin) if admin else None
    form = (form_of(f"{written} {kind}") if kind else None) or form_of(written)
    if form is None:
        return False
    return form.district is not None or lexicon().bodies[form.body].level in ("district", "commune")


def _as_name(text: str, upper: bool) -> str:
    """A place as written, on one line; in a header written in capitals, in the case of a name."""
    text = " ".join(text.split())
    return text.title() if upper and text.isupper() else text


def issuer_after(folded: str, pos: int) -> tuple[Issuer, int] | None:
    """'của Bộ Chính trị', 'do UBND tỉnh Quảng Ninh ban hành' at ``pos``: the issuer and where it ends."""
    m = g.issuer_after().match(folded, pos)
    if m is None:
        return None
    return named_at(folded, m.start("body"), m.end("body"))


def issuer_before(folded: str, lo: int, hi: int) -> Issuer | None:
    """The last body named in ``folded[lo:hi]`` (the subject of 'X đã ban hành <reference>'), completed."""
    bodies = list(g.body_tree().finditer(folded, lo, hi))
    if not bodies:
        return None
    last = bodies[-1]
    found = named_at(folded, last.start(), last.end(), hi)
    return found[0] if found else None


# A number that opens a line after 'Số' ('Số: 2150/BTP-PBGDPL', '|\nSố:\n33/2025/NQ-HĐND'): a document's own header.
_HEADER_NUMBER = re.compile(r"(?:^|\n)[ |*#>]*(?:Số|SỐ|số)[ ]*:?[ ]*(?:\n[ |*]*)?$")
_HEADER_REACH = 320  # a header's lines before its number (body, place, rules, the national motto)
_HEADER_LINE = re.compile(r"(?:^|\n)[ |*#>_]*$")
_NOT_ISSUER = frozenset({"dang-cong-san-viet-nam"})  # the Party's name heads every Party document


def header_issuer(folded: str, start: int, floor: int) -> Issuer | None:
    """The body a document's header names above its own number: the last body name that opens a line
    in the few lines before 'Số: <number>' (not the Party's name, which heads every Party document)."""
    if not _HEADER_NUMBER.search(folded, max(floor, start - 16), start):
        return None
    lo = max(floor, start - _HEADER_REACH)
    best = None
    for m in g.body_tree().finditer(folded, lo, start):
        if not _HEADER_LINE.search(folded, max(lo, m.start() - 8), m.start()):
            continue
        form = form_of(m.group(0))
        if form is None or form.body in _NOT_ISSUER:
            continue
        best = m
    if best is None:
        return None
    found = named_at(folded, best.start(), best.end(), start)
    return found[0] if found else None
