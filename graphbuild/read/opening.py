"""Opening one input file: regular files only, compressed files decompressed, every read bounded.

Why this exists: a corpus folder can hold what no reader should open blindly.  A named pipe
(FIFO) blocks ``open`` until some writer appears, a link to ``/dev/zero`` never ends, a
gzip bomb expands a kilobyte into terabytes.  Every input file is opened here: without
blocking, checked to be a regular file, decompressed by its suffix (``.gz``, ``.bz2``, ``.xz``,
``.zst``), and read through bounds: :data:`MAX_FILE_BYTES` for a file read whole,
:data:`MAX_LINE_BYTES` for one line of a file read line by line, and a decompression ratio
past :data:`BOMB_MIN_BYTES`.  Each refusal is a :class:`~graphbuild.domain.skipped.SkippedInput`
that says what the file is and what to do.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import io
import lzma
import os
import stat
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

from graphbuild.domain.skipped import SkippedInput

__all__ = ["COMPRESSED", "MAX_FILE_BYTES", "MAX_LINE_BYTES", "compression_of", "decompressed", "lines_of",
           "open_input", "read_input", "read_limited", "uncompressed_name"]

# The suffixes read as compressed, and the name of each format in messages.
COMPRESSED = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
MAX_FILE_BYTES = 1 << 30  # one file read whole, after decompression: more is not one article or one CSV
MAX_LINE_BYTES = 64 << 20  # one line of a JSON Lines file (one record), as the web archives' record cap
BOMB_MIN_BYTES = 1 << 30  # decompressed bytes after which the ratio below is checked
MAX_RATIO = 200  # text compresses 3-20 times (gzip at most ~1030): one that expands more is a decompression bomb
_CHUNK = 1 << 20

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def compression_of(name: str) -> str | None:
    """The compression format of a file by its suffix (``"gzip"``...), or None."""
    return COMPRESSED.get(os.path.splitext(name)[1].lower())


def uncompressed_name(name: str) -> str:
    """``name`` without its compression suffix (``a.jsonl.gz`` -> ``a.jsonl``): what the content is."""
    return os.path.splitext(name)[0] if compression_of(name) else name


def _mib(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


def _open_error(e: OSError, path: Path, name: str) -> SkippedInput:
    """The SkippedInput of a file that cannot be opened, by what went wrong."""
    if isinstance(e, FileNotFoundError):
        what = "broken symbolic link" if os.path.islink(path) else "no such file"
        return SkippedInput(name, None, f"{what}; check the path")
    if isinstance(e, PermissionError):
        if os.path.isdir(path):
            return _folder_error(path, name)
        return SkippedInput(name, None, "permission denied; make the file readable (chmod +r) or skip it")
    if e.errno == errno.ELOOP:
        return SkippedInput(name, None, "symbolic link loop; fix or remove the link")
    return SkippedInput(name, None, f"cannot read: {e.strerror or e}; check the file")


def _folder_error(path: Path, name: str) -> SkippedInput:
    """A folder where a file was expected: one the walk could not list, or a file replaced by a folder."""
    try:
        with os.scandir(path):
            pass
    except OSError as e:
        return SkippedInput(name, None, f"folder cannot be listed ({e.strerror or e}); nothing in it was read — "
                                        "make it readable (chmod +rx) or leave it out")
    return SkippedInput(name, None, "is a directory; pass it as a folder argument to read the files in it")


def open_input(path: Path, name: str, decompress: bool = True) -> BinaryIO:
    """``path`` opened for reading, decompressed when its suffix says so (and ``decompress``); raises SkippedInput.

    Opened without blocking, so a FIFO with no writer is refused rather than waited on;
    anything but a regular file (a pipe, a device such as ``/dev/zero``, a socket) is refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _open_error(e, path, name) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _folder_error(path, name)
        for test, what in _SPECIAL:
            if test(mode):
                raise SkippedInput(name, None, f"is {what}, not a regular file; skipped — copy what it holds into a "
                                               "file (or pipe it to '-') to read it")
        os.set_blocking(fd, True)
        raw = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return decompressed(raw, name) if decompress else raw


def decompressed(raw: BinaryIO, name: str) -> BinaryIO:
    """``raw`` as its decompressed bytes when ``name`` has a compression suffix (else ``raw`` itself), guarded
    against decompression bombs; damaged data is a SkippedInput when read."""
    kind = compression_of(name)
    if kind is None:
        return raw
    return io.BufferedReader(_Decompressed(raw, kind, name), _CHUNK)


class _Decompressed(io.RawIOBase):
    """The decompressed bytes of a compressed file, refusing a decompression bomb and naming damaged data."""

    def __init__(self, raw: BinaryIO, kind: str, name: str) -> None:
        self.raw, self.kind, self.name = raw, kind, name
        self.out = 0  # decompressed bytes given so far
        self.inner: BinaryIO
        if kind == "gzip":
            self.inner = gzip.GzipFile(fileobj=raw)
        elif kind == "bzip2":
            self.inner = bz2.BZ2File(raw)
        elif kind == "xz":
            self.inner = lzma.LZMAFile(raw)
        else:
            try:
                import zstandard
            except ModuleNotFoundError:
                raise SkippedInput(name, None, "zstd-compressed, and the zstandard package is not installed; "
                                               "pip install zstandard, or decompress the file") from None
            self.inner = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self.inner.read(len(buffer))
        except SkippedInput:
            raise
        except Exception as e:  # each library names its own errors (OSError, EOFError, LZMAError...)
            raise SkippedInput(self.name, None, f"damaged {self.kind} data after {self.out} bytes ({e}); the rest "
                                                "skipped — check the file or compress it again") from None
        n = len(data)
        buffer[:n] = data
        self.out += n
        if self.out > BOMB_MIN_BYTES and self.out > MAX_RATIO * max(1, self.raw.tell()):
            raise SkippedInput(self.name, None, f"expands more than {MAX_RATIO} times ({_mib(self.out)} from "
                                                f"{self.raw.tell()} bytes): a decompression bomb, not a corpus; skipped")
        return n

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.raw.close()
            super().close()


def read_limited(fh: BinaryIO, name: str, limit: int | None = None) -> bytes:
    """All of ``fh``, or SkippedInput if it holds more than ``limit`` (default :data:`MAX_FILE_BYTES`) bytes."""
    limit = MAX_FILE_BYTES if limit is None else limit
    data = fh.read(limit + 1)
    if len(data) > limit:
        packed = " once decompressed" if compression_of(name) else ""
        raise SkippedInput(name, None, f"larger than {_mib(limit)}{packed}; skipped — split it into smaller files "
                                       "(JSON Lines is read line by line, without this limit)")
    return data


def read_input(path: Path | None, name: str) -> bytes:
    """The bytes of one input (``None``: stdin), decompressed and bounded; raises SkippedInput."""
    if path is None:
        return read_limited(sys.stdin.buffer, name)
    with open_input(path, name) as fh:
        if compression_of(name) is None and os.fstat(fh.fileno()).st_size > MAX_FILE_BYTES:
            raise SkippedInput(name, None, f"larger than {_mib(MAX_FILE_BYTES)}; skipped — split it into smaller "
                                           "files (JSON Lines is read line by line, without this limit)")
        try:
            return read_limited(fh, name)
        except OSError as e:  # removed or changed while being read
            raise _open_error(e, path, name) from None


def lines_of(fh: BinaryIO) -> Iterator[bytes]:
    """The lines of ``fh`` (split on b"\\n"), each at most ``MAX_LINE_BYTES + 1`` bytes: a longer one comes in
    pieces, the first longer than ``MAX_LINE_BYTES``, which is how a caller tells it is over the bound."""
    return iter(partial(fh.readline, MAX_LINE_BYTES + 1), b"")
