"""Where a build's time and memory go, phase by phase (``GRAPHBUILD_PROFILE=1``)."""

from __future__ import annotations

import os
import sys
import time


def rss_mb() -> float:
    """Current resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class Phases:
    """Wall seconds and RSS per build phase, printed to stderr when ``GRAPHBUILD_PROFILE=1``.

    Why built in: the build interleaves reading, extraction, resolution and writing per article,
    so an outside profiler cannot say which phase the time and the memory belong to; this can,
    at the cost of two ``perf_counter`` calls per phase and article.
    """

    def __init__(self) -> None:
        self.enabled = os.environ.get("GRAPHBUILD_PROFILE") == "1"
        self.wall: dict[str, float] = {}
        self.rss: dict[str, float] = {}
        self.laps: dict[str, int] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds reported by children (the store loader)
        self._t = time.perf_counter()

    def lap(self, name: str, rss: bool = True) -> None:
        """Charge the time since the previous lap to ``name`` and note the RSS now (with ``rss=False``
        only every 1000th lap: reading /proc per article cost 9% of a profiled build)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        self.wall[name] = self.wall.get(name, 0.0) + now - self._t
        self._t = now
        n = self.laps[name] = self.laps.get(name, 0) + 1
        if rss or n % 1000 == 1:
            self.rss[name] = max(self.rss.get(name, 0.0), rss_mb())

    def report(self) -> None:
        if not self.enabled:
            return
        import resource

        total = sum(self.wall.values())
        for name, w in self.wall.items():
            print(f"graphbuild build: phase {name:<22} {w:8.2f} s {100 * w / total:5.1f}%  "
                  f"rss {self.rss[name]:7.0f} MB", file=sys.stderr)
        print(f"graphbuild build: phase {'total':<22} {total:8.2f} s  maxrss "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MB (main process)", file=sys.stderr)
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {"main process": own.ru_utime + own.ru_stime, "children reaped": kids.ru_utime + kids.ru_stime,
               **self.cpu}
        print("graphbuild build: cpu " + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items()), file=sys.stderr)
