"""Helpers shared by the bench scripts: cached corpora under bench/_work/, machine facts, RSS.

Why a module: both benchmarks must run on *the same* generated corpora (so figures are comparable
run to run) and print the same provenance (commit, CPU, Python), and neither should regenerate
50 MB when a matching corpus is already on disk.
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "_work"

if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
if str(ROOT) not in sys.path:
    # measure the working tree's graphbuild, not some other installed copy
    sys.path.insert(0, str(ROOT))

import generate  # noqa: E402


def _manifest_ok(d: Path, **want: object) -> bool:
    """True when ``d`` holds a finished corpus generated with these parameters by this generator."""
    m = generate.manifest_path(d)
    if not m.is_file():
        return False
    try:
        got = json.loads(m.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if got.get("generator_version") != generate.GENERATOR_VERSION:
        return False
    return all(got.get(k) == v for k, v in want.items())


def corpus(n: int, seed: int, shards: int = 1, fmt: str = "jsonl", quiet: bool = False) -> Path:
    """Path of a JSONL corpus of ``n`` articles, generating it under bench/_work/ only if missing."""
    d = WORK / f"corpus-s{seed}-n{n}-k{shards}-{fmt}"
    if _manifest_ok(d, articles=n, seed=seed, shards=shards, format=fmt):
        if not quiet:
            print(f"reusing corpus {d.relative_to(ROOT)}")
        return d
    if not quiet:
        print(f"generating {n:,} articles (seed {seed}) into {d.relative_to(ROOT)} ...", flush=True)
    generate.manifest_path(d).unlink(missing_ok=True)
    s = generate.write_corpus(d, n, seed, fmt, shards)
    if not quiet:
        print(f"  {s.file_bytes / 1e6:,.1f} MB, {s.refs:,} references, {s.seconds:.1f} s")
    return d


def articles_for_mb(mb: float, seed: int) -> int:
    """How many articles give at least ``mb`` MB of article text (estimated from a 400-article probe)."""
    probe = [len(a.text.encode("utf-8")) for a in generate.iter_articles(400, seed)]
    avg = sum(probe) / len(probe)
    return max(1, math.ceil(mb * 1e6 / avg * 1.04))


def iter_jsonl(d: Path) -> Iterator[dict]:
    """Articles of a generated JSONL corpus in index order."""
    for p in sorted(d.glob("articles*.jsonl")):
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def iter_truth(d: Path) -> Iterator[dict]:
    with open(generate.truth_path(d), encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def git_commit() -> str:
    """Short commit of the working tree (``+dirty`` if tracked files differ), for the README table."""
    try:
        c = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                           text=True, check=True).stdout.strip()
        # the measured code is graphbuild/: flag modified *and* untracked files there
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "graphbuild"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return c + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> str:
    """One line describing where the figures were taken."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
