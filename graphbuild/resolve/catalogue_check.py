"""Checks a catalogue file (graphbuild/data/catalogue.json or a user's own) and reports its coverage.

    python -m graphbuild.resolve.catalogue_check [FILE]

Every document entry must have the shape the resolver reads: a canonical Party id whose type and
issuer codes the lexicon knows, a type word that code can carry, an issuing body of bodies.json
that belongs to the code's namespace, an ISO date inside the committee term of the catalogue's
``congresses`` (a term runs from its congress's closing day, or first plenum, to the next
congress's), a plenum of that same term, a status and the page it was read from.  The key of a
document is (id, term): the same number in two terms is two documents, twice in one term an error.
Plenum lists must name catalogued resolutions of their own term.

Exit status 0 and a coverage table (term x type code) when every entry passes; status 1 and one
line per failure, each naming the entry, otherwise.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graphbuild.domain.ids import DocumentKey, canonical_number
from graphbuild.text.lexicon import ROMAN, lexicon

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"
DOCUMENT_KEYS = {"id", "doc_type", "date", "issuer", "subject", "plenum", "status", "source"}
REQUIRED_KEYS = {"id", "doc_type", "date", "issuer", "status", "source"}
STATUSES = ("verified", "partial")
# Type words a Party code may carry where doc_types.json leaves it open (QĐ: decision or regulation).
AMBIGUOUS_WORDS = {"QĐ": ("Quyết định", "Quy định")}


@dataclass(frozen=True)
class Term:
    """One central committee term: [start, end) in ISO dates (end None for the current one)."""

    name: str
    start: str
    end: str | None

    def holds(self, day: str) -> bool:
        return day >= self.start and (self.end is None or day < self.end)


@dataclass
class Report:
    """Failures (each naming its entry) and the coverage of the entries that passed."""

    errors: list[str] = field(default_factory=list)
    coverage: Counter = field(default_factory=Counter)  # (term, type code) -> documents
    statuses: Counter = field(default_factory=Counter)
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def terms_of(congresses: list[dict], report: Report) -> list[Term]:
    """Term boundaries from the congress list; malformed congresses are reported."""
    starts: list[tuple[str, str]] = []
    for i, c in enumerate(congresses):
        name = c.get("term") if isinstance(c, dict) else None
        where = f"congresses[{i}] {name}"
        if name not in ROMAN:
            report.errors.append(f"{where}: term must be a Roman numeral")
            continue
        days = [c.get(k) for k in ("opened", "closed")] + ([c["first_plenum"]] if "first_plenum" in c else [])
        if not all(is_iso_date(d) for d in days):
            report.errors.append(f"{where}: opened, closed (and first_plenum) must be ISO dates")
            continue
        if c["opened"] > c["closed"]:
            report.errors.append(f"{where}: opened after closed")
        if not c.get("source"):
            report.errors.append(f"{where}: no source")
        starts.append((c.get("first_plenum", c["closed"]), name))
    starts.sort()
    if [ROMAN[n] for _, n in starts] != sorted(ROMAN[n] for _, n in starts):
        report.errors.append("congresses: terms are not in the order of their dates")
    return [Term(name, start, starts[k + 1][0] if k + 1 < len(starts) else None)
            for k, (start, name) in enumerate(starts)]


def term_for(day: str, terms: list[Term]) -> str | None:
    return next((t.name for t in terms if t.holds(day)), None)


def check_codes(entry: dict, where: str, errors: list[str]) -> str | None:
    """The id's number, type code and issuer code, and the type word; returns the type code."""
    try:
        key: DocumentKey | None = DocumentKey.parse(entry["id"])
    except (ValueError, TypeError, AttributeError):
        key = None
    if key is None or key.kind != "party" or not key.type_code or not key.issuer_code:
        errors.append(f"{where}: id must be party:NN-TYPE/ISSUER")
        return None
    lex = lexicon()
    number, code, issuer = key.number or "", key.type_code, key.issuer_code
    if canonical_number(number) != number:
        errors.append(f"{where}: number {number!r} is not canonical ({canonical_number(number)!r})")
    tc = lex.codes.get(code)
    if tc is None or not tc.in_party or tc.copy:
        errors.append(f"{where}: type code {code!r} is not a Party document type of doc_types.json")
        return None
    words = AMBIGUOUS_WORDS.get(code, (tc.party,))
    if entry.get("doc_type") not in words:
        errors.append(f"{where}: type word {entry.get('doc_type')!r} does not fit code {code} ({' or '.join(words)})")
    if lex.issuer_code(issuer) != issuer or issuer not in lex.issuer_body:
        errors.append(f"{where}: issuer code {issuer!r} is not a canonical code of bodies.json")
    return code


def check_issuer(entry: dict, where: str, errors: list[str]) -> None:
    """The issuing body exists, is a central Party body, and belongs to the namespace of the code."""
    body_id = entry.get("issuer")
    if body_id is None:
        return
    lex = lexicon()
    body = lex.bodies.get(body_id)
    if body is None:
        errors.append(f"{where}: issuer {body_id!r} is not a body of bodies.json")
        return
    if body.system != "party" or body.level != "central":
        errors.append(f"{where}: issuer {body_id!r} is not a central Party body")
    owner = lex.issuer_body.get(str(DocumentKey.parse(entry["id"]).issuer_code))
    numbering = series_of(body_id)
    if owner and numbering != owner:
        errors.append(f"{where}: issuer {body_id!r} numbers in the series of {numbering!r}, not of {owner!r}")


def series_of(body_id: str) -> str | None:
    """The body whose code a body's documents carry: itself or the nearest ancestor with a code."""
    bodies = lexicon().bodies
    walk: str | None = body_id
    for _ in range(20):
        if walk is None or walk not in bodies or bodies[walk].codes:
            return walk
        walk = bodies[walk].parent
    return None


def check_fields(entry: dict, where: str, errors: list[str]) -> None:
    """Keys, status, source, subject and the shape of the date and plenum."""
    missing = sorted(REQUIRED_KEYS - entry.keys())
    extra = sorted(entry.keys() - DOCUMENT_KEYS)
    if missing:
        errors.append(f"{where}: missing {', '.join(missing)}")
    if extra:
        errors.append(f"{where}: unknown field {', '.join(extra)}")
    if entry.get("status") not in STATUSES:
        errors.append(f"{where}: status must be one of {', '.join(STATUSES)}")
    if not isinstance(entry.get("source"), str) or not entry["source"].strip():
        errors.append(f"{where}: no source")
    if "subject" in entry and (not isinstance(entry["subject"], str) or not entry["subject"].strip()):
        errors.append(f"{where}: subject must be a non-empty string")
    if not is_iso_date(entry.get("date")):
        errors.append(f"{where}: date {entry.get('date')!r} is not an ISO date")
    plenum = entry.get("plenum")
    if plenum is not None and not (isinstance(plenum, dict) and plenum.get("term") in ROMAN
                                   and isinstance(plenum.get("number"), int) and plenum["number"] > 0):
        errors.append(f"{where}: plenum must be {{term: Roman numeral, number: positive integer}}")


def check_document(i: int, entry: Any, terms: list[Term], seen: dict, report: Report) -> None:
    """One entry: fields, codes, issuer, term and key; counted in the coverage when it passes."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        report.errors.append(f"documents[{i}]: not an object with an id")
        return
    where = f"documents[{i}] {entry['id']} ({entry.get('date')})"
    errors: list[str] = []
    check_fields(entry, where, errors)
    code = check_codes(entry, where, errors)
    check_issuer(entry, where, errors)
    term = term_for(entry["date"], terms) if is_iso_date(entry.get("date")) else None
    if term is None and is_iso_date(entry.get("date")):
        errors.append(f"{where}: date is outside every committee term of the congress list")
    plenum = entry.get("plenum")
    if term and isinstance(plenum, dict) and plenum.get("term") in ROMAN and plenum["term"] != term:
        errors.append(f"{where}: plenum of term {plenum['term']} but the date is in term {term}")
    if term:
        key = (entry["id"], term)
        if key in seen:
            errors.append(f"{where}: duplicate key {entry['id']} in term {term} (also documents[{seen[key]}])")
        seen.setdefault(key, i)
    report.errors.extend(errors)
    if not errors and code and term:
        report.coverage[(term, code)] += 1
        report.statuses[entry["status"]] += 1
        report.documents += 1


def check_plenums(plenums: list, seen: dict, report: Report) -> None:
    """Every listed resolution is a catalogued document of the plenum's term."""
    for i, p in enumerate(plenums):
        if not isinstance(p, dict) or p.get("term") not in ROMAN or not isinstance(p.get("number"), int):
            report.errors.append(f"plenums[{i}]: needs term (Roman numeral), number and resolutions")
            continue
        for doc_id in p.get("resolutions", []):
            if (doc_id, p["term"]) not in seen:
                report.errors.append(f"plenums[{i}] {p['term']}/{p['number']}: {doc_id} is not a catalogued "
                                     f"document of term {p['term']}")


def check_catalogue(data: Any) -> Report:
    """All checks on a loaded catalogue."""
    report = Report()
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        report.errors.append("catalogue: an object with a documents list is required")
        return report
    terms = terms_of(data.get("congresses") or [], report)
    if not terms:
        report.errors.append("congresses: none, so no date can be placed in a term")
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(data["documents"]):
        check_document(i, entry, terms, seen, report)
    check_plenums(data.get("plenums") or [], seen, report)
    return report


def coverage_table(report: Report) -> str:
    """Markdown table: documents per term (rows, in term order) and type code (columns)."""
    codes = sorted({c for _, c in report.coverage})
    terms = sorted({t for t, _ in report.coverage}, key=ROMAN.__getitem__)
    lines = ["| term | " + " | ".join(codes) + " | total |", "|---" * (len(codes) + 2) + "|"]
    for t in terms:
        row = [report.coverage[(t, c)] for c in codes]
        lines.append(f"| {t} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    totals = [sum(report.coverage[(t, c)] for t in terms) for c in codes]
    lines.append("| all | " + " | ".join(str(n) for n in totals) + f" | {sum(totals)} |")
    status = ", ".join(f"{n} {s}" for s, n in sorted(report.statuses.items()))
    return "\n".join(lines) + f"\n\n{report.documents} documents ({status})."


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SHIPPED
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read a JSON catalogue: {e}", file=sys.stderr)
        return 2
    report = check_catalogue(data)
    if not report.ok:
        for line in report.errors:
            print(f"{path}: {line}", file=sys.stderr)
        print(f"{path}: {len(report.errors)} problem(s)", file=sys.stderr)
        return 1
    print(coverage_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
