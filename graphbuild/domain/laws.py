"""Laws cited by name: which numbered law 'Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015' is.

Decree preambles and articles name the laws they rest on by title and the day the National
Assembly passed them, not by number.  ``data/laws.json`` lists laws, codes and the Constitution
with their numbers (n/yyyy/QHkk), titles and dates, each read from a public page; a title with a
year is one law (the same title passed in another year is another law: Luật Đất đai 2013, 2024).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graphbuild.text.fold import fold_words

_DATA = Path(__file__).resolve().parents[1] / "data" / "laws.json"
_NUMBER = re.compile(r"(?P<number>\d+)/(?P<year>\d{4})/(?P<issuer>QH\d{1,2})")


@dataclass(frozen=True)
class Law:
    """One law of the table: what its number says, its title and the day it was passed."""

    number: str | None  # '76/2015/QH13'; None for the Constitution
    doc_type: str  # Luật, Bộ luật, Hiến pháp
    title: str
    date: str
    source: str

    @property
    def parts(self) -> tuple[str, int, str] | None:
        """(number, year, issuer code) of its number: ('76', 2015, 'QH13')."""
        m = _NUMBER.fullmatch(self.number or "")
        return (m["number"], int(m["year"]), m["issuer"]) if m else None


def title_key(title: str) -> str:
    """How two writings of one title are compared: folded, the type word kept ('luat to chuc chinh phu')."""
    return fold_words(title)


@lru_cache(maxsize=1)
def laws() -> dict[tuple[str, int], list[Law]]:
    """The table by (title key, year passed)."""
    rows = json.loads(_DATA.read_text(encoding="utf-8"))["laws"]
    table: dict[tuple[str, int], list[Law]] = {}
    for row in rows:
        law = Law(row["number"], row["doc_type"], row["title"], row["date"], row["source"])
        table.setdefault((title_key(law.title), int(law.date[:4])), []).append(law)
    return table


def law_named(title: str, year: int, date: str | None = None) -> Law | None:
    """The law a title and year name; of two passed the same year, the one of ``date``; None if unknown."""
    found = laws().get((title_key(title), year), [])
    if len(found) > 1 and date:
        found = [law for law in found if law.date == date] or found
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def _by_number() -> dict[tuple[str, int, str], Law]:
    return {(parts[0].lstrip("0"), parts[1], parts[2]): law for found in laws().values() for law in found
            if (parts := law.parts)}


def law_numbered(number: str, year: int | None, issuer_code: str | None) -> Law | None:
    """The law of the table with this number ('76', 2015, 'QH13'; '04' and '4' alike), or None."""
    if not year or not issuer_code or not issuer_code.startswith("QH"):
        return None
    return _by_number().get((number.lstrip("0"), year, issuer_code))
