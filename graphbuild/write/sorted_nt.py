"""The sorted, de-duplicated ``graph.nt``: N-Triples lines collected during a build, written at the end.

Why sorted: the emitter (:mod:`graphbuild.graph.triples`) writes a triple as often as it is met
(a province by every article that names it) and in the order articles come, which depends on
the number of processes; sorting and dropping repeats makes ``graph.nt`` the same bytes on every
run, and the Turtle, JSON-LD and store made from it (:mod:`graphbuild.write.rdf_formats`) too.
Memory stays bounded: the lines go to files on disk and are sorted there (an external sort).
"""

from __future__ import annotations

import errno
import heapq
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

STORE_PIECE_BYTES = 24 << 20  # N-Triples bytes per piece file handed to sort and the store loader


def sort_lines(chunks: Iterable[Path], out: Path) -> None:
    """Merge already-sorted chunk files into one sorted, de-duplicated file (external sort)."""
    files = [open(c, encoding="utf-8") for c in chunks]
    try:
        with open(out, "w", encoding="utf-8") as fh:
            last = None
            for line in heapq.merge(*files):
                if line != last:
                    fh.write(line)
                    last = line
    finally:
        for f in files:
            f.close()


def _gnu_sort() -> str | None:
    """Path of GNU ``sort`` (it has ``--parallel``), or None: then the build sorts in Python."""
    import shutil
    import subprocess

    if os.environ.get("GRAPHBUILD_PYTHON_SORT") == "1":
        return None
    path = shutil.which("sort")
    if path is None:
        return None
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return path if "GNU" in version else None


class SortedNTriplesWriter:
    """Collects N-Triples lines and writes them sorted and de-duplicated at the end, in bounded memory.

    With GNU ``sort`` (Linux) the lines go straight to unsorted piece files of about
    ``piece_bytes`` and ``LC_ALL=C sort -u`` sorts them all at the end: C code, both cores, and a
    bounded buffer (``-S``) that spills to the work directory.  That takes the sorting off the
    build's main process, which is the one sequential step of a build.  Each finished piece is
    also handed to ``on_piece`` (the build bulk-loads it into the store meanwhile).  Byte order
    of UTF-8 is code-point order, which is what Python sorts ``str`` by, so both paths give the
    same file.  Without GNU sort: chunks of ``chunk_lines`` sorted in Python, spilled, and
    merged (external sort).
    """

    SORT_MEMORY = "256M"  # GNU sort's buffer; beyond it sort spills to temporary files
    # Temporary files merged at once: GNU sort's default (16) merges a 1M-article graph's ~80 runs
    # in two passes; one pass reads and writes it all once less (100k graph shuffled, 10% of the
    # buffer: 8.7 -> 7.5 CPU s).  Needs that many open files, far below the usual limit of 1024.
    SORT_BATCH = 128

    def __init__(self, workdir: Path, chunk_lines: int = 200_000, piece_bytes: int | None = None,
                 on_piece: Callable[[Path], None] | None = None, child_setup: Callable[[], None] | None = None) -> None:
        self.workdir = workdir
        self.child_setup = child_setup  # run in the sort process before exec: a build makes it die with the build
        self.chunk_lines = chunk_lines
        self.buffer: list[str] = []
        self.chunks: list[Path] = []
        self.sort_cmd = _gnu_sort()
        self.piece_bytes = piece_bytes or STORE_PIECE_BYTES
        self.on_piece = on_piece
        self.pieces: list[Path] = []
        self._size = 0
        self._raw = self._next_piece() if self.sort_cmd else None

    def _next_piece(self) -> IO[str]:
        path = self.workdir / f"piece-{len(self.pieces):05d}.nt"
        self.pieces.append(path)
        self._size = 0
        return open(path, "w", encoding="utf-8")  # closed by _close_piece or close

    def _close_piece(self) -> None:
        assert self._raw is not None
        self._raw.close()
        if self.on_piece is not None and self._size:
            self.on_piece(self.pieces[-1])

    def extend(self, lines: list[str]) -> None:
        if self._raw is not None:
            self._raw.writelines(lines)
            self._size += sum(map(len, lines))
            if self._size >= self.piece_bytes:
                self._close_piece()
                self._raw = self._next_piece()
            return
        self.buffer.extend(lines)
        if len(self.buffer) >= self.chunk_lines:
            self._spill()

    def _spill(self) -> None:
        if not self.buffer:
            return
        path = self.workdir / f"chunk-{len(self.chunks):05d}.nt"
        self.buffer.sort()
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(self.buffer)
        self.chunks.append(path)
        self.buffer = []

    def finish(self, out: Path) -> None:
        """Write ``out``.  The piece files stay (the store may still be reading them); the caller's
        work directory goes at the end of the build."""
        if self._raw is not None:
            self._close_piece()
            self._sort_pieces(out)
            return
        self._spill()
        sort_lines(self.chunks, out)
        for c in self.chunks:
            c.unlink()

    def _sort_pieces(self, out: Path) -> None:
        """``sort -u`` of every piece into ``out``, in the C locale (byte order), on up to 8 cores."""
        import subprocess

        assert self.sort_cmd is not None
        env = {**os.environ, "LC_ALL": "C"}
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        done = subprocess.run([self.sort_cmd, "-u", "-S", self.SORT_MEMORY, f"--parallel={max(1, min(cores, 8))}",
                               f"--batch-size={self.SORT_BATCH}",
                               "-T", str(self.workdir), "-o", str(out), *map(str, self.pieces)], env=env,
                              preexec_fn=self.child_setup, stderr=subprocess.PIPE, text=True, errors="replace")
        if done.returncode != 0:
            if any(words in done.stderr for words in ("No space left on device", "Disk quota exceeded")):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))  # the build words it
            raise subprocess.CalledProcessError(done.returncode, done.args, stderr=done.stderr)

    def close(self) -> None:
        """Close the open piece if the build stops early (its directory is removed anyway)."""
        if self._raw is not None and not self._raw.closed:
            self._raw.close()
