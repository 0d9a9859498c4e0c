"""graphbuild/data/laws.json, the laws decrees cite by title and date: every row well formed, its number
consistent with its date and legislature, no title passed twice on one day, and each found by its name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graphbuild.domain.laws import law_named, law_numbered, laws

DATA = Path(__file__).resolve().parents[1] / "graphbuild" / "data" / "laws.json"
ROWS = json.loads(DATA.read_text(encoding="utf-8"))["laws"]
# The years of each legislature (Quốc hội khóa k): a law numbered …/QHk was passed inside them
LEGISLATURES = {10: (1997, 2002), 11: (2002, 2007), 12: (2007, 2011), 13: (2011, 2016), 14: (2016, 2021),
                15: (2021, 2026), 16: (2026, 2031)}


def test_the_table_is_large_and_every_row_has_its_fields() -> None:
    assert len(ROWS) >= 120
    for row in ROWS:
        assert set(row) == {"number", "doc_type", "title", "date", "source"}, row
        assert row["doc_type"] in ("Luật", "Bộ luật", "Hiến pháp"), row
        assert row["title"].startswith(row["doc_type"]), row
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"]), row
        assert row["source"].startswith("http"), row


@pytest.mark.parametrize("row", [r for r in ROWS if r["number"]], ids=lambda r: r["number"])
def test_a_number_agrees_with_its_date_and_legislature(row: dict) -> None:
    m = re.fullmatch(r"\d+/(\d{4})/QH(\d{2})", row["number"])
    assert m, row
    year, legislature = int(m.group(1)), int(m.group(2))
    assert str(year) == row["date"][:4]
    first, last = LEGISLATURES[legislature]
    assert first <= year <= last


def test_no_title_twice_on_one_day_and_no_number_twice() -> None:
    assert len({(r["title"], r["date"]) for r in ROWS}) == len(ROWS)
    numbers = [r["number"] for r in ROWS if r["number"]]
    assert len(set(numbers)) == len(numbers)


def test_every_law_is_found_by_its_title_and_year_and_by_its_number() -> None:
    assert sum(len(found) for found in laws().values()) == len(ROWS)
    for row in ROWS:
        year = int(row["date"][:4])
        found = law_named(row["title"].lower(), year, row["date"])  # any case, as texts write titles
        assert found is not None and found.number == row["number"], row
        assert law_named(row["title"], year + 1) is None or law_named(row["title"], year + 1) != found
        if row["number"]:
            number, _, issuer = row["number"].split("/")
            assert law_numbered(number.zfill(2), year, issuer) == found  # '05' as the extractor writes it
