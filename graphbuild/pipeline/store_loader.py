"""The store loader: bulk-loads N-Triples pieces into the Oxigraph store in its own process, during the build.

The build (:class:`StoreLoader`) starts ``python -m graphbuild.pipeline.store_loader PARENT STORE NICE
BATCH`` and writes the path of each finished piece on its stdin; the child (:func:`main`) loads
each one, optimizes the store at the end of its input and prints the triple count and its CPU
seconds.  It dies with the build and yields the CPU to it (graphbuild.pipeline.processes).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from graphbuild.pipeline.outdir import DISK_FULL_EXIT, is_disk_full
from graphbuild.pipeline.processes import die_with_parent, pythonpath, renice


class StoreLoader:
    """Bulk-loads N-Triples pieces into the store in a separate, niced process, as the build hands them over.

    A fresh interpreter (not a fork): RocksDB keeps process-wide background threads, and a
    process forked from one that had opened a store before (a second build in the same Python
    process, as in the tests) hangs forever opening a new one.
    """

    def __init__(self, store_dir: Path, batch_bytes: int, nice: int) -> None:
        """Start the child: it loads into ``store_dir`` in batches of ``batch_bytes``, ``nice`` below the build."""
        self.cpu: dict[str, float] = {}  # CPU seconds of the child's steps, for GRAPHBUILD_PROFILE
        env = {**os.environ, "PYTHONPATH": pythonpath(os.environ.get("PYTHONPATH"))}
        self.proc = subprocess.Popen([sys.executable, "-m", __name__, str(os.getpid()), str(store_dir), str(nice),
                                      str(batch_bytes)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                     preexec_fn=partial(die_with_parent, os.getpid()))  # from its first moment

    def put(self, piece: Path) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{piece}\n")
        self.proc.stdin.flush()

    def done(self) -> None:
        """No more pieces: the child optimizes the store and writes the triple count."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def finish(self) -> int:
        assert self.proc.stdout is not None
        out = self.proc.stdout.read()  # stdin was closed by done(): communicate() would flush it
        self.proc.stdout.close()
        if self.proc.wait() == DISK_FULL_EXIT:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "store")
        if self.proc.returncode != 0:
            raise RuntimeError(f"graphbuild build: loading the store failed (exit code {self.proc.returncode})")
        n, load_cpu, optimize_cpu = out.split()
        self.cpu = {"store load": float(load_cpu), "store optimize": float(optimize_cpu)}
        return int(n)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _cpu_seconds() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str]) -> None:
    """The child: ``PARENT STORE NICE BATCH``; piece paths on stdin, ``TRIPLES LOAD_CPU OPTIMIZE_CPU`` on stdout."""
    parent, store_dir, nice, batch = int(argv[0]), argv[1], int(argv[2]), int(argv[3])
    die_with_parent(parent)
    renice(nice)
    import pyoxigraph as ox

    store = ox.Store(store_dir)
    for line in sys.stdin:
        with open(line.rstrip("\n"), "rb") as fh:
            while lines := fh.readlines(batch):
                store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True)
                del lines
    loaded = _cpu_seconds()
    store.optimize()
    n = len(store)
    store.flush()
    print(n, round(loaded, 2), round(_cpu_seconds() - loaded, 2))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except OSError as e:
        if not is_disk_full(e):
            raise
        sys.exit(DISK_FULL_EXIT)  # the build says it in one line
