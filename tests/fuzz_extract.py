"""Long fuzzing run of the extractor (issue #6). Not collected by pytest (no ``test_`` prefix).

With atheris (``pip install atheris``), coverage-guided::

    python tests/fuzz_extract.py -atheris_runs=0 -max_total_time=660 -timeout=20 -max_len=8192 \
        -rss_limit_mb=4096 -print_final_stats=1 FUZZ_CORPUS_DIR

Without it (or with ``--hypothesis``), a hypothesis-driven loop for a wall-clock budget::

    python tests/fuzz_extract.py --hypothesis --seconds 660

Each input is decoded three ways (UTF-8 with replacement, Latin-1, and as an edit script
applied to a sample article) and checked with the invariants of
``tests/test_extract_properties.py``: no exception, spans slice back to their surfaces,
spans in order inside the text, ids parse back to the mention's parts.  An input that takes
longer than ``SLOW_SECONDS`` to extract is a finding too (a sign of super-linear matching).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ROOT = HERE.parent
SLOW_SECONDS = 2.0  # inputs are at most a few KiB: anything slower than this is a finding

PIECES = [
    "0", "1", "5", "12", "2019", "205", "-", "/", "–", " ", "\u00a0", "\n", "\r\n", "Đ", "Ð", "đ", "số ",
    "Số: ", "QĐ/TW", "NQ-CP", "/TW", "-QĐ", "khóa ", "(khóa XII)", "XII", "ngày ", "Nghị quyết ", "Quy định ",
    "Trung ương ", "của Bộ Chính trị", "về việc ", "“", "”", "\u0301", "_", "\t", ",", ".", ";", "và ",
    "Hội nghị lần thứ ", "Đại hội ", "Điều lệ Đảng", "HĐND", "/NĐ-CP", "/QH14", "Chỉ thị ", "TTg", "ban hành ",
]


def _samples() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]


def _case_texts() -> list[str]:
    texts = []
    for f in sorted((HERE / "cases").glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        for case in data if isinstance(data, list) else data.get("cases", []):
            if isinstance(case, dict) and isinstance(case.get("text"), str):
                texts.append(case["text"])
    return texts


def edit_script(data: bytes, base: str) -> str:
    """Apply ``data`` to ``base`` as edits: each 3-byte op is (what, where-hi, where-lo)."""
    text = base
    for i in range(0, len(data) - 2, 3):
        op, hi, lo = data[i], data[i + 1], data[i + 2]
        pos = ((hi << 8) | lo) % (len(text) + 1)
        if op % 4 == 0:
            text = text[:pos] + text[pos + 1 + op % 7:]
        else:
            text = text[:pos] + PIECES[op % len(PIECES)] + text[pos:]
    return text


def check_text(text: str) -> None:
    from test_extract_properties import check_mentions

    from graphbuild.extract.find import extract

    t0 = time.perf_counter()
    mentions = extract(text, "fuzz")
    dt = time.perf_counter() - t0
    check_mentions(text, mentions)
    if dt > SLOW_SECONDS:
        raise AssertionError(f"extract took {dt:.2f}s on {len(text)} characters: super-linear pattern? {text[:200]!r}")


class Target:
    def __init__(self) -> None:
        self.bases = _samples() + _case_texts()

    def __call__(self, data: bytes) -> None:
        check_text(data.decode("utf-8", errors="replace"))
        check_text(data.decode("latin-1"))
        if data:
            base = self.bases[data[0] % len(self.bases)]
            check_text(edit_script(data[1:], base))


def write_seeds(folder: Path) -> None:
    """Seed corpus: reference snippets of the case tables and short windows of the samples."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = _case_texts()
    for s in _samples():
        seeds += [s[i:i + 600] for i in range(0, len(s), 600)]
    for i, s in enumerate(seeds):
        (folder / f"seed{i:04d}").write_bytes(s.encode("utf-8"))


def run_atheris(argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["graphbuild"]):
        import graphbuild.domain.ids
        import graphbuild.extract.find
        import graphbuild.extract.grammar
        import graphbuild.text.normalize  # noqa: F401
    target = Target()
    dirs = [a for a in argv[1:] if not a.startswith("-")]
    for d in dirs:
        if not any(Path(d).glob("*")):
            write_seeds(Path(d))
    atheris.Setup(argv, target)
    atheris.Fuzz()


def run_hypothesis(seconds: float) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    target = Target()
    deadline = time.monotonic() + seconds
    count = 0

    @settings(max_examples=2000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.binary(max_size=4096))
    def one(data: bytes) -> None:
        nonlocal count
        if time.monotonic() > deadline:
            return
        target(data)
        count += 1

    while time.monotonic() < deadline:
        one()
    print(f"hypothesis fuzz: {count} inputs in {seconds:.0f}s, no finding")


def main() -> None:
    args = sys.argv
    if "--hypothesis" in args:
        seconds = float(args[args.index("--seconds") + 1]) if "--seconds" in args else 600.0
        run_hypothesis(seconds)
        return
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris not installed: falling back to the hypothesis loop", file=sys.stderr)
        run_hypothesis(600.0)
        return
    run_atheris(args)


if __name__ == "__main__":
    main()
