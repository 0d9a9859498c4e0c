"""What the head of an article says: its publication date (from metadata or a dateline) and its title.

Shared by every reader (plain text, HTML, records, web archives), so one article gets the same
date and title whichever way it arrives.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["find_date", "parse_date", "text_title", "TITLE_MAX", "DATE_WINDOW", "VN_TZ"]

TITLE_MAX = 300  # a title longer than this is a paragraph that lost its line breaks
DATE_WINDOW = 600  # date lines sit in the article header, never deep in the body
VN_TZ = timezone(timedelta(hours=7))


# --- dates ---------------------------------------------------------------------------------

_DMY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_ISO = r"(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
# 'ngày 14 tháng 6 năm 2023', the long form of a dateline ('Thứ Tư, ngày 14 tháng 6 năm 2023')
_LONG = r"(?P<d2>\d{1,2})\s+th[áa]ng\s+(?P<m2>\d{1,2})\s*,?\s+n[ăa]m\s+(?P<y2>\d{4})"
_DATE_IN_LINE = re.compile(rf"(?<!\d)(?:{_ISO}|{_DMY}|{_LONG})(?!\d)", re.IGNORECASE)
# What may surround the date on a dateline: weekday, time, labels, time zone, separators.
_DATELINE_NOISE = re.compile(
    r"(?:thứ\s*(?:\d|hai|ba|tư|năm|sáu|bảy|bẩy)|chủ\s*nhật|cn|"
    r"cập\s*nhật(?:\s*lúc)?|ngày\s*đăng|đăng\s*(?:ngày|lúc)?|ngày|lúc|xuất\s*bản|"
    r"published|updated|posted|date|"
    r"\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?\s*(?:am|pm|sa|ch)?|\d{1,2}h\d{2}|"
    r"gmt\s*[+-]\s*\d{1,2}(?::?\d{2})?|utc\s*[+-]?\s*\d{0,2}|ict|"
    r"[\s,|:;()\[\]–—/-])+",
    re.IGNORECASE,
)


def _valid(y: int, m: int, d: int) -> str | None:
    """ISO date if (y, m, d) is a real calendar date in a plausible range."""
    if not 1900 <= y <= 2100:
        return None
    try:
        return Date(y, m, d).isoformat()
    except ValueError:
        return None


def _match_to_iso(m: re.Match[str]) -> str | None:
    if m.group("Y"):
        return _valid(int(m.group("Y")), int(m.group("M")), int(m.group("D")))
    if m.group("y2"):
        return _valid(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    return _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")))


def parse_date(value: Any) -> str | None:
    """ISO YYYY-MM-DD from a metadata value: ISO datetime, dd/mm/yyyy, epoch seconds; else None.

    An ISO datetime keeps the calendar date as written (the publisher's local date) rather
    than converting to UTC, which would move late-evening Vietnamese articles a day back.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        secs = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(secs, VN_TZ).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    if s.isdigit() and len(s) in (10, 13):
        return parse_date(int(s))
    m = _DATE_IN_LINE.search(s)
    return _match_to_iso(m) if m else None


def _dateline(line: str) -> str | None:
    """The date of a line that is only a dateline ("09:32, 27/06/2020"), else None."""
    s = line.strip()
    if not s or len(s) > 80:
        return None
    m = _DATE_IN_LINE.search(s)
    if not m:
        return None
    rest = s[:m.start()] + " " + s[m.end():]
    if _DATELINE_NOISE.sub("", rest):
        return None
    return _match_to_iso(m)


def _header_lines(text: str) -> list[str]:
    return text[:DATE_WINDOW].splitlines()


def find_date(text: str) -> str | None:
    """Publication date from a dateline among the first ``DATE_WINDOW`` characters.

    A dateline before the title is usually the page's "today" banner (sample 003 shows
    "Thứ 7, 20/07/2024, 16:28[GMT+7]" above an article of 14/10/2023), so datelines after
    the title win; one before the title is the fallback.  Dates inside sentences are never
    taken — "Quy định số 205-QĐ/TW ngày 23/9/2019" is a cited document's date.
    """
    before: str | None = None
    seen_title = False
    for line in _header_lines(text):
        if not line.strip():
            continue
        d = _dateline(line)
        if d is None:
            seen_title = True
            continue
        if seen_title:
            return d
        before = before or d
    return before


def text_title(text: str) -> str | None:
    """First non-empty line that is not a bare dateline, whitespace-collapsed, capped at TITLE_MAX."""
    for line in text.splitlines():
        s = " ".join(line.split())
        if not s or _dateline(s):
            continue
        if len(s) > TITLE_MAX:
            cut = s.rfind(" ", 0, TITLE_MAX)
            s = s[: cut if cut > TITLE_MAX // 2 else TITLE_MAX] + "…"
        return s
    return None
