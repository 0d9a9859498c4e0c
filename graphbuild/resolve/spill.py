"""The resolver's document records spilled to sorted runs on disk, and merged back: memory flat in the documents.

Given a work folder, a resolver holds at most :data:`SPILL_RECORDS` document records
(``GRAPHBUILD_SPILL_RECORDS`` in a build): past that it hands them to :class:`SpilledDocuments`,
which writes them as a run sorted by local, beside the run's base index, and forgets them.  At the
end the runs are merged back (:mod:`graphbuild.resolve.docstore`'s k-way merge), the partial
records of one document combined with :meth:`DocRecord.merge`, and citation keys given their
candidates by a merge join on the base indexes, without ever holding every record.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

from graphbuild.resolve.docstore import merge_runs, read_run, write_run
from graphbuild.resolve.records import DocRecord, citekey_base, empty_counter

# Document records a resolver with a work folder holds before it writes them to a run (~0.8 KB
# each, measured: 23k records of 16k generated articles held 18 MB more than a spilled build, so
# ~50 MB).  Fewer means flatter memory and more runs to merge at the end (more copies of the
# documents cited everywhere, one per run they are cited in); a spill and its merge cost that
# 16k build 0.7 CPU s of its main process at the earlier bound of 20,000 (bench/README.md §5).
SPILL_RECORDS = 64_000
# Runs merged at once: when this many runs of one level exist they become one run of the next.
# A merge holds one 64-record batch per run (128 runs: ~20 MB) and two open files per run; a
# million articles make ~70 runs, so no record is rewritten before the final merge below ~2.5M.
RUN_FANIN = 128


def _local(rec: DocRecord) -> str:
    return rec.local


_FIELDS = tuple(f.name for f in fields(DocRecord))
_get_fields = attrgetter(*_FIELDS)
_COUNTERS = tuple(_FIELDS.index(name) for name in ("doc_types", "dates"))


def _pack(rec: DocRecord) -> tuple:
    """A record as a run stores it: its fields in order, counters as plain dicts (None when empty).

    Why not pickle the record: the dataclass's own pickling (per-field ``__setstate__``, a
    ``Counter`` rebuilt through ``update``) made spilling and merging a third slower.
    """
    values = list(_get_fields(rec))
    for i in _COUNTERS:
        values[i] = dict(values[i]) or None
    return tuple(values)


def _unpack(values: tuple) -> DocRecord:
    rec = DocRecord(*values)
    rec.doc_types = _as_counter(rec.doc_types)
    rec.dates = _as_counter(rec.dates)
    return rec


def _as_counter(counts: dict | None) -> Counter:
    """A packed counter (a dict, or None when empty) as a Counter.

    By dict.update on an empty one: what Counter(counts) does in the end, without the Mapping
    check and the calls around it (a third of unpacking a record).
    """
    out = empty_counter()
    if counts:
        _dict_update(out, counts)
    return out


_dict_update = dict.update


def _unique(items: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """A sorted stream without its repeats."""
    last = None
    for item in items:
        if item != last:
            yield item
            last = item


def _group_by_base(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, set[str]]]:
    """(base, document) pairs sorted by base -> (base, the documents carrying it), one per base."""
    base: str | None = None
    locals_: set[str] = set()
    for b, local in pairs:
        if b != base:
            if base is not None:
                yield base, locals_
            base, locals_ = b, set()
        locals_.add(local)
    if base is not None:
        yield base, locals_



class SpilledDocuments:
    """Document records written out in sorted runs (each beside its base index), read back merged in local order."""

    def __init__(self, folder: Path, fanin: int = RUN_FANIN) -> None:
        self.folder = folder
        self.fanin = max(2, fanin)
        self.runs: list[Path] = []  # each run sorted by local
        self._levels: list[int] = []  # of each run: how many rounds of RUN_FANIN merges it went through
        self._serial = 0  # run files are never renamed: each gets the next number

    def add(self, records: list[DocRecord]) -> None:
        """Write ``records`` (sorted by local, at most one per local) as a new run.

        Beside the run goes its base index, (base, document) for every base a document carries,
        sorted: all :meth:`settled` needs to give candidates without reading the records twice.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._new_run()
        write_run(path, map(_pack, records))
        write_run(path.with_suffix(".bases"), sorted((b, d.local) for d in records for b in d.bases))
        self.runs.append(path)
        self._levels.append(0)
        level = 0
        while self._levels.count(level) >= self.fanin:
            self._compact(level)
            level += 1

    def _new_run(self) -> Path:
        self._serial += 1
        return self.folder / f"docs-{self._serial:06d}.run"


    def _compact(self, level: int) -> None:
        """Merge the runs of one level into one run of the next (tiered, as an LSM tree does).

        Why: a merge reads one batch of every run at once, and every run is an open file; without
        this a corpus ten times the size would make ten times the runs.  Each record is rewritten
        once per level, and there are log_fanin(documents / bound) levels.
        """
        group = [p for p, lv in zip(self.runs, self._levels, strict=True) if lv == level]
        path = self._new_run()
        merged = merge_runs([map(_unpack, read_run(p)) for p in group], key=_local, combine=DocRecord.merge)
        write_run(path, map(_pack, merged))
        write_run(path.with_suffix(".bases"), _unique(heapq.merge(*(read_run(p.with_suffix(".bases")) for p in group))))
        for p in group:
            p.unlink()
            p.with_suffix(".bases").unlink()
        kept = [(p, lv) for p, lv in zip(self.runs, self._levels, strict=True) if lv != level]
        self.runs = [p for p, _ in kept] + [path]
        self._levels = [lv for _, lv in kept] + [level + 1]

    def merged(self) -> Iterator[DocRecord]:
        """Every record of the runs, one per local, in local order (no candidates given); one batch per run held."""
        return merge_runs([map(_unpack, read_run(p)) for p in self.runs], key=_local, combine=DocRecord.merge)

    def settled(self) -> Iterator[DocRecord]:
        """:meth:`merged` with citation keys given their candidates (``give_candidates`` as a merge join).

        A citation key's local is "citekey/" + its base, so the citation keys come in base order,
        first ("citekey/" < "doc/"), and the runs' base indexes merged give, in the same order, the
        documents carrying each base.  Nothing is held but one base's documents.
        """
        carriers = _group_by_base(heapq.merge(*(read_run(p.with_suffix(".bases")) for p in self.runs)))
        held: tuple[str, set[str]] | None = next(carriers, None)
        for rec in self.merged():
            if rec.is_citekey:
                base = citekey_base(rec.local)
                while held is not None and held[0] < base:
                    held = next(carriers, None)
                if held is not None and held[0] == base:
                    rec.add("candidates", held[1])
            yield rec
