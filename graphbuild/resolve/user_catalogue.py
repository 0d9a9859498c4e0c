"""A user's own catalogue file (``graphbuild build --catalogue FILE``): read, checked, and the errors worded.

Same schema as ``graphbuild/data/catalogue.json`` (``documents``, optional ``plenums``), plus a
``province`` on the documents of a provincial series (``/TU``, ``/HU``: the canonical province
name, as ``graphbuild extract`` gives it).  Congresses, and so the committee terms, are the shipped
ones.  Every problem is reported as ``FILE: documents[i] ID (DATE): what is wrong``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from graphbuild.domain.gazetteer import units
from graphbuild.domain.ids import DocumentKey, canonical_number
from graphbuild.text.lexicon import lexicon

DOCUMENT_FIELDS = {"id", "doc_type", "date", "issuer", "subject", "plenum", "status", "source", "province"}
REQUIRED_FIELDS = ("id", "doc_type", "date", "source")
# Type words a Party code may carry where doc_types.json leaves it open (QĐ: decision or regulation).
OPEN_WORDS = {"QĐ": ("Quyết định", "Quy định")}


class CatalogueError(ValueError):
    """A user's catalogue file that cannot be used; the message names the file and the entry."""


def read_user_catalogue(path: str) -> dict[str, Any]:
    """The file's catalogue, checked; :class:`CatalogueError` naming the file and the first bad entry."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise CatalogueError(f"{path}: cannot read the catalogue ({e.strerror or e})") from None
    except ValueError as e:
        raise CatalogueError(f"{path}: not a JSON catalogue ({e})") from None
    errors = catalogue_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise CatalogueError(f"{path}: {errors[0]}{more}")
    return data


def catalogue_errors(data: Any) -> list[str]:
    """Every problem of a loaded user catalogue, each naming its entry."""
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        return ["a catalogue is an object with a 'documents' list"]
    errors: list[str] = []
    for i, entry in enumerate(data["documents"]):
        errors += entry_errors(i, entry)
    for i, p in enumerate(data.get("plenums") or []):
        if not (isinstance(p, dict) and isinstance(p.get("term"), str) and isinstance(p.get("number"), int)
                and isinstance(p.get("resolutions"), list)):
            errors.append(f"plenums[{i}]: needs term, number and a resolutions list")
    return errors


def entry_errors(i: int, entry: Any) -> list[str]:
    """The problems of one document entry."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return [f"documents[{i}]: not an object with an id"]
    where = f"documents[{i}] {entry['id']} ({entry.get('date')})"
    out = [f"{where}: missing {name}" for name in REQUIRED_FIELDS if not entry.get(name)]
    out += [f"{where}: unknown field {name}" for name in sorted(entry.keys() - DOCUMENT_FIELDS)]
    if entry.get("date") and not _is_iso_date(entry["date"]):
        out.append(f"{where}: date {entry['date']!r} is not an ISO date (YYYY-MM-DD)")
    try:
        key = DocumentKey.parse(entry["id"])
    except ValueError:
        key = None
    if key is None or key.kind != "party" or not key.type_code or not key.issuer_code:
        return [*out, f"{where}: id must be party:NN-TYPE/ISSUER"]
    lex = lexicon()
    if canonical_number(key.number or "") != key.number:
        out.append(f"{where}: number {key.number!r} is not canonical ({canonical_number(key.number or '')!r})")
    code = lex.codes.get(key.type_code)
    if code is None or not code.in_party or code.copy:
        out.append(f"{where}: type code {key.type_code!r} is not a Party document type of doc_types.json")
    elif entry.get("doc_type") and entry["doc_type"] not in OPEN_WORDS.get(key.type_code, (code.party,)):
        out.append(f"{where}: type word {entry['doc_type']!r} does not fit code {key.type_code}")
    owner = lex.issuer_body.get(key.issuer_code)
    if owner is None:
        return [*out, f"{where}: issuer code {key.issuer_code!r} is not a code of bodies.json"]
    issuer = entry.get("issuer")
    if issuer is not None and issuer not in lex.bodies:
        out.append(f"{where}: issuer {issuer!r} is not a body id of bodies.json")
    scoped = lex.bodies[owner].scoped
    province = entry.get("province")
    if scoped and not province:
        out.append(f"{where}: a {key.issuer_code} number is one per province: give its province")
    if province is not None and (not scoped or province not in _province_names()):
        out.append(f"{where}: province {province!r} is not a province name of provinces.json"
                   if scoped else f"{where}: a {key.issuer_code} number has no province")
    return out


def _is_iso_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _province_names() -> set[str]:
    return {u.name for u in (*units(), *units(after_merger=True))}
