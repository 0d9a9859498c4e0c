"""A one-line progress display for long builds: share of input bytes, MB/s, articles/s, time left.

Why not ``click.progressbar``: it counts items, and the items a build knows up front are files,
so one 5 GB JSON Lines file showed nothing for an hour.  Bytes of input are known up front and
the reader reports how far it is (``read_articles(progress=...)``), so the share, the rate and
the time left follow.  On a terminal the line is redrawn in place a few times a second; into a
log (not a terminal) a full line is written every ``every`` seconds, so a long batch job leaves
a readable trace.  ``--quiet`` shows nothing.
"""

from __future__ import annotations

import os
import time
from typing import IO

TTY_EVERY = 0.25  # seconds between redraws on a terminal
LOG_EVERY = 15.0  # seconds between lines into a file or pipe


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Progress:
    """Progress of ``total`` input bytes; call :meth:`update` as often as you like (it throttles)."""

    def __init__(self, total: int, file: IO[str], *, tty: bool | None = None, every: float | None = None,
                 label: str = "building") -> None:
        self.total = max(total, 1)
        self.file = file
        self.tty = file.isatty() if tty is None else tty
        env = os.environ.get("GRAPHBUILD_PROGRESS_EVERY")
        self.every = float(env) if env else (every if every is not None else (TTY_EVERY if self.tty else LOG_EVERY))
        self.label = label
        self.start = time.monotonic()
        self.last = -1e9
        self.done = 0
        self.articles = 0
        self.width = 0

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        share = min(self.done / self.total, 1.0)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 and self.done else None
        return (f"{self.label} {100 * share:3.0f}%  {self.done / 1e6:,.1f}/{self.total / 1e6:,.1f} MB  "
                f"{rate / 1e6:.2f} MB/s  {self.articles / elapsed:,.0f} articles/s  "
                f"{_clock(left) + ' left' if left is not None else '--:--:-- left'}")

    def update(self, done: int, articles: int, force: bool = False) -> None:
        self.done, self.articles = done, articles
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        self.show(self.line())

    def show(self, text: str) -> None:
        if self.tty:
            pad = " " * max(self.width - len(text), 0)
            self.file.write("\r" + text + pad)
            self.width = len(text)
        else:
            self.file.write(text + "\n")
        self.file.flush()

    def stage(self, text: str) -> None:
        """A step after reading (sorting, writing): its own line, with the time so far."""
        self.update(self.total, self.articles, force=True)
        if self.tty:
            self.file.write("\n")
        self.width = 0
        self.file.write(f"{self.label}: {text} ({_clock(time.monotonic() - self.start)} so far)\n")
        self.file.flush()
