"""Table-driven tests for :func:`graphbuild.extract.find.extract`.

Every ``tests/cases/*.json`` file holds one JSON list of cases::

    {"text": "...", "expected": [{"kind": "party", "number": "205", ...}], "note": "...",
     "xfail": "optional reason (strict: the case must fail today)"}

``expected`` lists every reference the extractor must report, in text order; only the keys
given in an expected reference are compared.  ``[]`` is a negative case: nothing may be
reported.  On every case, found or not, each reported Mention must satisfy
``text[m.start:m.end] == m.surface`` and carry every key of ``MENTION_KEYS`` in ``to_dict()``.

Comparison rules:
* ``number`` is compared after stripping leading zeros ("06" == "6");
* ``issuer`` is compared loosely: the expected string must equal the found one or be contained in
  it, case-insensitively (the extractor reports canonical names, maybe with a short form added);
* every other key is compared exactly.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from graphbuild.domain.model import MENTION_KEYS
from graphbuild.extract.find import extract

CASES_DIR = Path(__file__).parent / "cases"
RELATION_CASES = "relations.json"  # its ``expected`` lists relations, not references: tests/test_extract_relations.py
CASE_KEYS = {"text", "expected", "note", "xfail"}
MIN_CASES = 250
MIN_NEGATIVES = 60


def _slug(note: str, limit: int = 48) -> str:
    """A short ASCII id fragment from a case note."""
    ascii_note = unicodedata.normalize("NFKD", note.replace("đ", "d").replace("Đ", "D"))
    ascii_note = ascii_note.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_note).strip("_")[:limit] or "case"


def _load_cases() -> list[tuple[str, str, dict]]:
    """(file stem, id, case) for every case of every file, in file and list order."""
    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        if path.name == RELATION_CASES:
            continue
        cases = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(cases, list), f"{path.name}: top level must be a JSON list"
        for i, case in enumerate(cases):
            out.append((path.stem, f"{path.stem}-{i:03d}-{_slug(case.get('note', ''))}", case))
    return out


ALL_CASES = _load_cases()


def _params():
    for _stem, case_id, case in ALL_CASES:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=case["xfail"], strict=True))
        yield pytest.param(case, id=case_id, marks=marks)


# ---------------------------------------------------------------------------------------------
# comparison helpers


def _norm_number(value):
    if value is None:
        return None
    s = str(value).lstrip("0")
    return s or "0"


def _issuer_matches(expected, found) -> bool:
    if expected is None:
        return found is None
    if found is None:
        return False
    e, f = expected.casefold().strip(), found.casefold().strip()
    return e == f or e in f


def _mismatches(exp: dict, got: dict) -> list[str]:
    """Human-readable differences between one expected reference and one found mention dict."""
    bad = []
    for key, want in exp.items():
        have = got.get(key)
        if key == "number":
            ok = _norm_number(want) == _norm_number(have)
        elif key == "issuer":
            ok = _issuer_matches(want, have)
        else:
            ok = want == have
        if not ok:
            bad.append(f"{key}: expected {want!r}, found {have!r}")
    return bad


def _brief(d: dict) -> str:
    keys = ("surface", "kind", "doc_type", "number", "type_code", "issuer_code", "year", "date",
            "issuer", "plenum", "term", "congress")
    return "{" + ", ".join(f"{k}={d.get(k)!r}" for k in keys if d.get(k) is not None) + "}"


# ---------------------------------------------------------------------------------------------
# the table


@pytest.mark.parametrize("case", _params())
def test_extract_case(case):
    text = case["text"]
    expected = case["expected"]
    mentions = extract(text, "case")

    # Invariants that hold for every mention of every case, found or not.
    for m in mentions:
        assert text[m.start:m.end] == m.surface, (
            f"offsets do not give the surface: text[{m.start}:{m.end}]="
            f"{text[m.start:m.end]!r} but surface={m.surface!r}"
        )
        d = m.to_dict()
        missing = [k for k in MENTION_KEYS if k not in d]
        assert not missing, f"contract keys missing from to_dict(): {missing}"
    starts = [m.start for m in mentions]
    assert starts == sorted(starts), f"mentions not in text order: {starts}"

    found = [m.to_dict() for m in mentions]
    report = "\n".join(
        ["found:"] + [f"  {_brief(d)}" for d in found]
        + ["expected:"] + [f"  {e}" for e in expected]
    )
    assert len(found) == len(expected), (
        f"expected {len(expected)} reference(s), found {len(found)}\n{report}"
    )
    problems = []
    for i, (exp, got) in enumerate(zip(expected, found, strict=True)):
        for p in _mismatches(exp, got):
            problems.append(f"#{i} ({got.get('surface')!r}) {p}")
    assert not problems, "\n".join(problems) + "\n" + report


# ---------------------------------------------------------------------------------------------
# the table itself is well-formed


def test_case_files_well_formed():
    ids = set()
    for stem, case_id, case in ALL_CASES:
        assert set(case) <= CASE_KEYS, f"{case_id}: unknown case keys {set(case) - CASE_KEYS}"
        assert isinstance(case.get("text"), str) and case["text"].strip(), f"{case_id}: no text"
        assert isinstance(case.get("note"), str) and case["note"], f"{case_id}: no note"
        assert isinstance(case.get("expected"), list), f"{case_id}: expected must be a list"
        for ref in case["expected"]:
            unknown = set(ref) - set(MENTION_KEYS)
            assert not unknown, f"{case_id}: keys not in the contract: {unknown}"
            assert ref.get("kind") in (None, "party", "state", "named"), f"{case_id}: bad kind"
            if ref.get("date") is not None:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref["date"]), f"{case_id}: date not ISO"
        assert case_id not in ids, f"duplicate id {case_id}"
        ids.add(case_id)
        assert stem


def test_case_counts():
    assert len(ALL_CASES) >= MIN_CASES, f"only {len(ALL_CASES)} cases"
    negatives = [c for _s, _i, c in ALL_CASES if c["expected"] == []]
    assert len(negatives) >= MIN_NEGATIVES, f"only {len(negatives)} negative cases"
    texts = [c["text"] for _s, _i, c in ALL_CASES]
    dupes = {t for t in texts if texts.count(t) > 1}
    assert not dupes, f"duplicate case texts: {sorted(dupes)[:3]}"
