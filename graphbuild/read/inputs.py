"""One input file as articles, whatever its format, for whoever takes the inputs one file at a time.

A web archive (WET/WARC, gzipped or not) gives one article per page (:mod:`graphbuild.read.webarchive`);
every other file, and stdin, is read as :func:`graphbuild.read.articles.read_source` reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.articles import read_source
from graphbuild.read.webarchive import is_web_archive, read_archive


def read_file(name: str, path: Path | None, root: Path | None = None) -> Iterator[Article | SkippedInput]:
    """The articles of one input (``path`` None: stdin), in record order, and a SkippedInput for each
    part that cannot be read; ``name`` is the input as given, the ``source`` of what it yields."""
    if path is None or not is_web_archive(name):
        yield from read_source(name, path, root)
        return
    try:
        with open(path, "rb") as fh:
            yield from read_archive(fh, name)
    except OSError as e:
        yield SkippedInput(name, None, f"cannot read ({e.strerror or e}); skipped")
