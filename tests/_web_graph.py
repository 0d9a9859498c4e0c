"""The graph and the running ``graphbuild serve`` the web-face tests use.

The graph is built from data/ plus a one-record corpus whose title is hostile markup (and
whose text cites Quy định 205-QĐ/TW, so the hostile title shows on that document's page); it
is built once per test session, whatever the number of modules that ask for it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HOSTILE_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Bài có tiêu đề độc'
HOSTILE_TEXT = ("Thực hiện Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị về kiểm soát quyền lực "
                "trong công tác cán bộ, chi bộ đã rà soát quy hoạch cán bộ. <b>Không</b> phải thẻ HTML.")
D205 = "/id/doc/qd-tw_2019_205"
_BUILT: dict[str, Path] = {}


def web_graph(tmp_path_factory) -> Path:
    """out/ of `graphbuild build data/ hostile/` (absolute paths, so every source re-reads from any cwd)."""
    if "out" not in _BUILT:
        base = tmp_path_factory.mktemp("web-graph")
        hostile = base / "hostile"
        hostile.mkdir()
        record = {"id": "hostile-title", "title": HOSTILE_TITLE, "date": "2024-05-06", "text": HOSTILE_TEXT}
        (hostile / "articles.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        out = base / "out"
        r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "build", str(DATA), str(hostile),
                            "--out", str(out), "-q", "-j", "1"], capture_output=True, text=True, timeout=300)
        assert r.returncode in (0, 1), r.stderr
        _BUILT["out"] = out
    return _BUILT["out"]


class Served:
    """`graphbuild serve` as a real process on a free port; ``base`` is its web address."""

    def __init__(self, graph: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graphbuild.cli.main", "serve", "--graph", str(graph), "--port", "0", "-q", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")})
        self.first_line = self.proc.stderr.readline() if self.proc.stderr else ""
        m = re.search(r"(http://\S+)/sparql", self.first_line)
        if not m:
            self.stop()
            raise AssertionError(f"serve did not start: {self.first_line!r}")
        self.base = m.group(1)
        self.sparql = self.base + "/sparql"

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Send ``sig`` and wait; the exit status and what it wrote to stderr after the first line."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        rest = self.proc.stderr.read() if self.proc.stderr else ""
        return self.proc.returncode, rest
