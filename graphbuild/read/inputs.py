"""One input file as articles, whatever its format, for whoever takes the inputs one file at a time.

A web archive (WET/WARC, gzipped or not) gives one article per page (:mod:`graphbuild.read.webarchive`);
every other file, and stdin, is read as :func:`graphbuild.read.articles.read_source` reads it — which
is also how it reads web archives, so this is that function under the name ``extract`` uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.articles import read_source


def read_file(name: str, path: Path | None, root: Path | None = None) -> Iterator[Article | SkippedInput]:
    """The articles of one input (``path`` None: stdin), in record order, and a SkippedInput for each
    part that cannot be read; ``name`` is the input as given, the ``source`` of what it yields."""
    yield from read_source(name, path, root)
