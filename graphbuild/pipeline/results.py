"""What a build gives back: the files it writes, its counts, its conflicts, and the errors that stop it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from graphbuild.domain.skipped import SkippedInput

OUTPUT_FILES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "graph.gexf", "mentions.jsonl",
                "report.json")
# The files a build may leave out (``--formats``), by name.  graph.nt, mentions.jsonl and
# report.json are always written: the store, `query` and `cites` read them.
FORMATS = {"ttl": "graph.ttl", "jsonld": "graph.jsonld", "graphml": "graph.graphml", "gexf": "graph.gexf"}


class BuildError(Exception):
    """A build that cannot run as asked; the message says why (the CLI prints it and exits 2)."""


class OutputError(BuildError):
    """The output directory cannot be (re)placed safely, or ``strict`` met a skipped input."""


def strict_failure(skipped: Sequence[object]) -> OutputError:
    """The error of a ``strict`` build that met skipped inputs (any engine's: SkippedInput or its text)."""
    return OutputError(f"{len(skipped)} input(s) skipped and --strict is set: {skipped[0]}")


@dataclass(kw_only=True)
class GraphCounts:
    """What either engine counts of the graph it made (report.json's figures)."""

    articles: int = 0
    documents: int = 0
    citation_keys: int = 0
    bodies: int = 0
    citations: int = 0
    ambiguous: int = 0
    resolved_by: dict[str, int] = field(default_factory=dict)  # links by how they were decided (resolve.identity)


@dataclass
class BuildResult(GraphCounts):
    out: Path
    triples: int = 0
    conflicts: Sequence[tuple[str, str]] = field(default_factory=list)  # a build's: ReportConflicts
    skipped: list[SkippedInput] = field(default_factory=list)
    extracted: int = 0  # articles whose text went through the extractor in this build
    cached: int = 0  # articles whose mentions came from the previous build's cache

    def summary(self) -> str:
        return (f"{self.articles} articles ({self.extracted} extracted, {self.cached} from cache), "
                f"{self.documents} documents, {self.bodies} bodies, "
                f"{self.citations} citations, {self.ambiguous} ambiguous references")


class ReportConflicts(Sequence[tuple[str, str]]):
    """A build's conflicts, (document, conflict) in report order: the count is held, the list is read from the
    build's report.json when asked for.

    Why not a list: about one document in five has a conflict, so the list grew with the corpus
    (200,000 at a million articles, ~70 MB) only for the CLI to print how many there are.
    """

    def __init__(self, count: int, report: Callable[[], Path]) -> None:
        self.size, self.report = count, report  # not .count: that is Sequence.count(value)
        self._items: list[tuple[str, str]] | None = None

    def _load(self) -> list[tuple[str, str]]:
        if self._items is None:
            with open(self.report(), encoding="utf-8") as fh:
                self._items = [(c["document"], c["conflict"]) for c in json.load(fh)["conflicts"]]
        return self._items

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, i: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, i: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        return self._load()[i]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._load())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ReportConflicts({self.size} from {self.report()})"
