"""After the read: the settled document records streamed once into their triples, the report's lists
and the document summaries, and the Gephi files written from the summaries on disk.

Nothing grows with the number of documents in memory but counts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graphbuild.graph import triples
from graphbuild.pipeline.results import FORMATS
from graphbuild.pipeline.rows import encode
from graphbuild.resolve.bodies import BodyRecord
from graphbuild.resolve.docstore import SpilledCounts
from graphbuild.resolve.records import DocRecord
from graphbuild.resolve.resolver import Resolver
from graphbuild.write.gephi_elements import Options, doc_summary, read_doc_summaries, read_summaries
from graphbuild.write.graphml import write_gephi
from graphbuild.write.sorted_nt import SortedNTriplesWriter


@dataclass
class DocTally:
    """What the report needs of the documents, gathered in the one pass that writes them."""

    documents: int = 0
    citation_keys: int = 0
    conflicts: int = 0


class DocSummaries:
    """Writes the document summaries the Gephi files are read from (graphml.DocSummary), records given in local order.

    ``ranged``: with a Gephi date range, each document's citations by the articles of the range,
    merge-joined here in local order; without one a document's graph citations are all of them
    (each citation in an article summary is one of the record's).
    """

    def __init__(self, path: Path, ranged: SpilledCounts | None) -> None:
        self.fh = open(path, "w", encoding="utf-8", errors="surrogatepass")  # closed by __exit__
        self.ranged = ranged.merged() if ranged is not None else None
        self.pending = next(self.ranged, None) if self.ranged is not None else None

    def add(self, d: DocRecord) -> None:
        cited = d.citations
        if self.ranged is not None:
            while self.pending is not None and self.pending[0] < d.local:
                self.pending = next(self.ranged, None)
            cited = self.pending[1] if self.pending is not None and self.pending[0] == d.local else 0
        self.fh.write(doc_summary(d, cited).to_json() + "\n")

    def __enter__(self) -> DocSummaries:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.fh.close()


def write_documents(docs: Iterable[DocRecord], ntw: SortedNTriplesWriter, keys_file: Path, conflicts_file: Path,
                    summaries: DocSummaries | None = None, shared: set[str] | None = None) -> DocTally:
    """Stream the settled records (in local order) once: their triples, the report's counts, its citation keys
    (``keys_file``) and conflicts (``conflicts_file``), and, if given, the Gephi files' ``summaries``.
    ``shared``: the build's set of shared nodes already written (graphbuild.graph.triples).
    """
    tally = DocTally()
    with (open(keys_file, "w", encoding="utf-8", errors="surrogatepass") as kfh,
          open(conflicts_file, "w", encoding="utf-8", errors="surrogatepass") as cfh):
        for d in docs:
            ntw.extend(triples.document_nt_lines(d, shared))
            for c in d.all_conflicts():
                cfh.write(encode([d.local, c]) + "\n")
                tally.conflicts += 1
            if d.is_citekey:
                tally.citation_keys += 1
                kfh.write(encode([d.local, d.citations, sorted(d.candidates)]) + "\n")
            else:
                tally.documents += 1
            if summaries is not None:
                summaries.add(d)
    return tally


def read_conflicts(conflicts_file: Path) -> Iterator[tuple[str, str]]:
    """The conflicts write_documents wrote: (document local, conflict), in report order."""
    with open(conflicts_file, encoding="utf-8", errors="surrogatepass") as fh:
        for line in fh:
            local, conflict = json.loads(line)
            yield local, conflict


def read_keys(keys_file: Path) -> Iterator[tuple[str, int, list[str]]]:
    """The citation keys write_documents wrote: (local, citations, candidates), in local order."""
    with open(keys_file, encoding="utf-8", errors="surrogatepass") as fh:
        for line in fh:
            local, citations, candidates = json.loads(line)
            yield local, citations, candidates


def write_gephi_from_records(tmp: Path, resolver: Resolver, ranged: SpilledCounts | None, doc_file: Path,
                             bodies: list[BodyRecord], summaries: Path, gopts: Options,
                             formats: frozenset[str]) -> None:
    """The Gephi child's work: read the settled records again (from the runs), write their summaries, then the files."""
    with DocSummaries(doc_file, ranged) as out:
        for d in resolver.settled_documents():
            out.add(d)
    write_gephi_files(tmp, doc_file, bodies, summaries, gopts, formats)


def write_gephi_files(tmp: Path, doc_file: Path, bodies: list[BodyRecord], summaries: Path, gopts: Options,
                      formats: frozenset[str]) -> None:
    """graph.graphml and graph.gexf, together, from the document and article summaries on disk.

    Both come from one pass; a file not in ``formats`` goes to the null device (its lines are
    still made: the pass is shared, and a Gephi file is a small part of a build)."""
    def target(fmt: str) -> str | Path:
        return tmp / FORMATS[fmt] if fmt in formats else os.devnull

    with (open(target("graphml"), "w", encoding="utf-8") as gm,
          open(target("gexf"), "w", encoding="utf-8") as gx):
        write_gephi(gm, gx, read_doc_summaries(doc_file), bodies, read_summaries(summaries), gopts,
                    doc_file.parent / "gephi")
