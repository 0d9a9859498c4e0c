"""The relations a text states (graphbuild/extract/relations.py), table-driven from tests/cases/relations.json.

Each case is ``{"text", "expected", "note"}`` as in the other case files, but ``expected`` lists the
relations the extractor must report, in the order of the words stating them (then of the targets):
``{"source": id, "relation": kind, "target": id, "words": ...}``, every key compared exactly when given.
``[]`` is a negative: no relation may be reported.  Notes say where each spelling was seen.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphbuild.extract import extract
from graphbuild.extract.relations import relations

CASES = json.loads((Path(__file__).parent / "cases" / "relations.json").read_text(encoding="utf-8"))
KINDS = set(relations()) | {"cites"}


def _found(text: str) -> list[dict]:
    """Every relation of every mention, in the order of its words, then of its target."""
    found = []
    for m in extract(text, "case"):
        for r in m.relations:
            assert r["source"] == m.id
            assert text[r["start"]:r["end"]] == r["surface"]
            assert text[r["words_start"]:r["words_end"]] == r["words"]
            found.append(r)
    return sorted(found, key=lambda r: (r["words_start"], r["start"]))


@pytest.mark.parametrize("case", CASES, ids=[f"rel-{i:03d}" for i in range(len(CASES))])
def test_relation_case(case):
    found = _found(case["text"])
    report = f"found {[(r['source'], r['relation'], r['target'], r['words']) for r in found]}"
    assert len(found) == len(case["expected"]), report
    for exp, got in zip(case["expected"], found, strict=True):
        assert {k: got.get(k) for k in exp} == exp, report


def test_case_table_is_well_formed():
    assert len(CASES) >= 30
    assert sum(1 for c in CASES if not c["expected"]) >= 10, "negatives"
    kinds = {r["relation"] for c in CASES for r in c["expected"]}
    assert kinds >= set(relations()), f"every relation kind has a case: {set(relations()) - kinds}"
    for c in CASES:
        assert set(c) <= {"text", "expected", "note"} and c["note"]
        for r in c["expected"]:
            assert set(r) <= {"source", "relation", "target", "words"} and r["relation"] in KINDS


def test_charter_case_keeps_its_relation_key():
    """The relation the extractor gave before (a title naming the Charter) is still on the source mention."""
    text = "Ngày 30-7-2021, Ban Chấp hành Trung ương ban hành Quy định số 24-QĐ/TW về thi hành Điều lệ Đảng."
    (m,) = extract(text)
    assert m.id == "party:24-QĐ/TW"
    (r,) = m.to_dict()["relations"]
    assert (r["relation"], r["target"], r["surface"], r["words"]) == ("guides", "named:charter", "Điều lệ Đảng",
                                                                       "thi hành")


def test_own_document_takes_the_header_date():
    text = "Số: 03/NQ-CP\nHà Nội, ngày 09 tháng 01 năm 2025\nNGHỊ QUYẾT\nCăn cứ Nghị định số 123/2016/NĐ-CP;\n"
    own = extract(text)[0]
    assert (own.id, own.date) == ("state:03/NQ-CP", "2025-01-09")
    assert [r["target"] for r in own.relations] == ["state:123/2016/NĐ-CP"]


def test_no_reference_no_work():
    assert extract("Căn cứ tình hình thực tế, Tỉnh ủy thực hiện và sửa đổi kế hoạch.") == []
