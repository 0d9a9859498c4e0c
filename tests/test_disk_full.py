"""A disk that fills up during a build (issue #20), for real: a small tmpfs (root only; CI is root).

A first build of data/ goes onto a 4 MB tmpfs; then the disk is filled with a file until only a
fraction of that build's size is left, and the same build runs again (``--no-cache``, ``--jobs``
1 and 2).  At each fraction the disk runs out at a different step (reading, sorting graph.nt,
writing Turtle / JSON-LD, loading the store).  Every time: exit 2, one line that says what ran
out, where and during which step, the previous output byte-identical, the temporary folder gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _helpers import folder_digest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
# of the first build's size, left free for the second: a fine grid, so the disk runs out at several steps
# whatever the sizes of the files (they shrink as the files get leaner)
FRACTIONS = (0.05, 0.1, 0.2, 0.33, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mnt = tmp_path_factory.mktemp("small_disk")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def build(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "build", str(DATA), "--out", str(out), "-q",
                           *extra], capture_output=True, text=True, env=ENV, timeout=300)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def fill(disk: Path, leave: int) -> None:
    """Write a filler file until only ``leave`` bytes are free on ``disk``."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with open(disk / "filler", "wb") as fh:
        remaining = max(0, free - leave)
        while remaining > 0:
            remaining -= fh.write(b"\0" * min(remaining, 1 << 16))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_ends_the_build_in_one_line_and_keeps_the_previous_output(disk: Path, jobs: str) -> None:
    steps: set[str] = set()
    for fraction in FRACTIONS:
        for p in disk.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        out = disk / "out"
        first = build(out, "-j", jobs)
        assert first.returncode == 0, first.stderr
        before = folder_digest(out)
        fill(disk, int(size_of(out) * fraction))
        r = build(out, "-j", jobs, "--no-cache")
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2, (fraction, r.returncode, r.stderr[-2000:])
        assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
        assert lines[0].startswith(f"graphbuild build: error: disk space ran out on {disk} while "), lines[0]
        assert lines[0].endswith(f"{out} is unchanged"), lines[0]
        steps.add(lines[0].split(" while ", 1)[1].split(";", 1)[0])
        assert folder_digest(out) == before, f"the previous output changed (free {fraction:.0%} of a build)"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "out"], "a temporary folder was left"
    assert len(steps) >= 3, f"the disk ran out at too few different steps: {steps}"
