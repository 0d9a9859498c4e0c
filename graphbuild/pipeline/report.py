"""report.json, the same for both engines: counts, skipped inputs, conflicts and unresolved citation keys.

The one-machine build streams the two long lists in (:func:`write_report`); the Spark engine
passes them whole (:func:`report_text`); the bytes are the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from graphbuild.pipeline.results import BuildResult
from graphbuild.resolve.identity import RESOLVED_BY

# Where report_text puts the two long lists (here empty; sort_keys puts them in this order).  Raw
# quotes never occur inside a JSON string, so these texts are found only where the keys are.
_UNRESOLVED = '"citation_keys_unresolved": []'
_CONFLICTS = '"conflicts": []'

_report_item = json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True).encode  # json.dumps(..., same args)


class RunCounts(Protocol):
    """What report.json says of a run: a BuildResult's counts, or the Spark job's."""

    @property
    def articles(self) -> int: ...
    @property
    def documents(self) -> int: ...
    @property
    def citation_keys(self) -> int: ...
    @property
    def bodies(self) -> int: ...
    @property
    def citations(self) -> int: ...
    @property
    def ambiguous(self) -> int: ...
    @property
    def skipped(self) -> Sequence[object]: ...
    @property
    def conflicts(self) -> Sequence[tuple[str, str]]: ...
    @property
    def resolved_by(self) -> Mapping[str, int]: ...


def report_text(r: RunCounts, unresolved: Iterable[tuple[str, int, list[str]]], **extra: object) -> str:
    """The text of report.json, shared by both engines (``r``: a BuildResult or the Spark result)."""
    report = {
        "articles": r.articles, "documents": r.documents, "citation_keys": r.citation_keys, "bodies": r.bodies,
        "citations": r.citations, "ambiguous_references": r.ambiguous,
        "resolved_by": {how: r.resolved_by.get(how, 0) for how in RESOLVED_BY},
        "skipped": [str(s) for s in r.skipped],
        "conflicts": [{"document": d, "conflict": c} for d, c in r.conflicts],
        "citation_keys_unresolved": [{"key": k, "citations": n, "candidates": c} for k, n, c in unresolved],
        **extra,
    }
    return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_report(path: Path, r: BuildResult, unresolved: Iterable[tuple[str, int, list[str]]],
                 conflicts: Iterable[tuple[str, str]]) -> None:
    """report.json: counts, skipped inputs, conflicts and the unresolved citation keys.

    The bytes of :func:`report_text`, with the citation keys and the conflicts streamed in rather
    than held (about one of each for every two and every five documents): ``json.dumps`` of a
    million-article report held ~170 MB of pieces at once.
    """
    head, rest = report_text(replace(r, conflicts=[]), [], triples=r.triples).split(_UNRESOLVED, 1)
    middle, tail = rest.split(_CONFLICTS, 1)
    keys = ({"key": k, "citations": n, "candidates": c} for k, n, c in unresolved)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head + _UNRESOLVED[:-2])
        fh.writelines(_json_list(keys, depth=1))
        fh.write(middle + _CONFLICTS[:-2])
        fh.writelines(_json_list(({"document": d, "conflict": c} for d, c in conflicts), depth=1))
        fh.write(tail)


def _json_list(items: Iterable[object], depth: int) -> Iterator[str]:
    """Pieces of ``json.dumps(list(items), ensure_ascii=False, indent=1, sort_keys=True)`` for a list nested
    ``depth`` levels deep, one item at a time."""
    pad = " " * (depth + 1)
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + pad + _report_item(item).replace("\n", "\n" + pad)
        first = False
    yield "[]" if first else "\n" + " " * depth + "]"
