"""Lists of references that share what is written once: 'Nghị quyết số 26, 27-NQ/TW' (one symbol
for both numbers), 'Nghị quyết số 18-NQ/TW, số 19-NQ/TW của BCH Trung ương' (one type word, body, term, date).
"""

from __future__ import annotations

import re

from graphbuild.extract import grammar as g
from graphbuild.extract.ref import Ref, implied_doc_type
from graphbuild.extract.typewords import WORD_REACH, find_type_word
from graphbuild.text.lexicon import lexicon

_JOINERS = (",", "&", "và", "số", "so", "số:", "so:")


def shared_symbol_list(folded: str, ref: Ref) -> list[Ref]:
    """'Nghị quyết số 26, 27-NQ/TW': the bare numbers listed before a coded number with no type
    word of its own share its symbol (and the type word before the list).

    Only numbers joined by ',', '&' or 'và' directly before the coded number count, and only after
    a type word: a type word or another code in between ends the list.  Returns the new references
    (the first one starts at the type word) and gives ``ref`` the word.
    """
    tail = folded[max(0, ref.start - 6):ref.start].rstrip(" ").lower()
    if not tail.endswith(_JOINERS):
        return []
    lo = max(0, ref.start - WORD_REACH)
    m = g.SHARED_SYMBOL_HEAD.search(folded, lo, ref.start)
    if m is None:
        return []
    head = m.start("nums")
    found = find_type_word(folded, head)
    if found is None:
        return []
    start, word = found
    refs = []
    for num in g.LIST_NUMBER.finditer(folded, head, m.end("nums")):
        item = Ref(start if not refs else num.start(), num.end(), ref.kind, doc_type=word, number=num.group(0),
                   type_code=ref.type_code, issuer_code=ref.issuer_code, year=ref.year, raw_issuer=ref.raw_issuer,
                   form="full" if not refs else "list")
        refs.append(item)
    ref.doc_type, ref.form = word, "list"
    return refs


_LIST_GAP = re.compile(r"[ ]*(?:,|;|và|,[ ]*và|-)?[ ]*(?:(?:số|so)[ ]*:?)?[ ]*", re.I)
_SHARED_GAP = re.compile(r"[ ]*(?:,|;|và|,[ ]*và)?[ ]*(?:(?:số|so)[ ]*:?)?[ ]*", re.I)


def share_across_lists(folded: str, refs: list[Ref]) -> None:
    """'Nghị quyết số 18-NQ/TW, số 19-NQ/TW của BCH Trung ương': listed items share word, body, term.

    The type word goes forwards to an item with no word of its own, unless that item's type code
    says another type ('Kế hoạch số 298 KH/TWĐTN và 22HD/TWĐTN': a Hướng dẫn).  What follows the
    last item goes backwards: the issuing body (to an item whose number it can have issued: 'Quy
    định số 57-QĐ/TW ... và Quyết định số 512-QĐNS/TW ... của Bộ Chính trị', but not 'Nghị định số
    15/2020/NĐ-CP và Thông tư số 12/2021/TT-BTC của Bộ Tài chính'), the term of a central number, and the date only
    where the text says so ('cùng ngày') or the items are one series issued together (same type
    and issuer code, numbers a few apart: 'số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017').  A date after
    a list of unrelated numbers ('Chỉ thị 05-CT/TW, Kết luận 01-KL/TW ngày 18/5/2021') is the last one's.
    A subject after a body that the list shares is the list's theme, so no item's own.
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
        if a.issuer is None and b.issuer and _issues_in_series(b.body_id, a, b):
            a.issuer = b.issuer
            a.body_id = b.body_id
            # what follows the body is the list's too: its subject ('Kết luận 21, Kế hoạch 03 và Quy định 37
            # của Trung ương về công tác xây dựng Đảng') is the theme of them all, none's own title
            b.subject = None
        if a.term is None and b.term and a.issuer_code == b.issuer_code == "TW":
            a.term = b.term
        if a.date is None and b.date and a.issuer == b.issuer and (b.date_shared or _one_series(a, b)):
            a.date = b.date
            a.date_shared = b.date_shared


def _issues_in_series(body_id: str | None, item: Ref, last: Ref) -> bool:
    """Whether the body named after a list's last item can have issued an earlier ``item``: an item with
    no issuer code, or the last item's code, always; otherwise only the body its code names (for a
    Party code also one within it: Bộ Chính trị issues in the /TW series; for a state code a local
    body within it: UBND huyện numbers with /UBND)."""
    if item.issuer_code is None or item.issuer_code == last.issuer_code or body_id is None:
        return True
    lex = lexicon()
    series = lex.issuer_body.get(item.issuer_code.split("-")[0].rstrip("0123456789"))
    if series is None:
        return False
    if item.kind == "state" and body_id != series and lex.bodies[body_id].level == "central":
        return False
    body: str | None = body_id
    for _ in range(20):
        if body is None:
            break
        if body == series:
            return True
        body = lex.bodies[body].parent
    return False


def _word_fits(head: Ref, item: Ref) -> bool:
    """Whether the type word of a list's head can be the word of a later item: its type code
    (if any) is the head's or one the word is written with."""
    if item.type_code is None or item.type_code == head.type_code:
        return True
    implied = implied_doc_type(item)
    if implied is not None:
        return implied == head.doc_type
    return item.type_code in lexicon().word_codes.get(head.doc_type or "", {}).values()


_SERIES_GAP = 4  # documents of one series issued on one day are numbered a few apart


def _one_series(a: Ref, b: Ref) -> bool:
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
