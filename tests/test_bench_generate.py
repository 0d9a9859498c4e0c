"""Fast checks of the benchmark corpus generator (bench/generate.py).

Why: the benchmarks and the recall figures are only meaningful if the generator is reproducible
(same seed -> same bytes, whatever the sharding) and its ground truth points at the right text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "generate.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """bench/ is not a package: load the script as a module."""
    spec = importlib.util.spec_from_file_location("bench_generate", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


def _digest(d: Path) -> dict[str, str]:
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


def test_deterministic_for_seed(gen: ModuleType, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    gen.write_corpus(a, 12, seed=5)
    gen.write_corpus(b, 12, seed=5)
    gen.write_corpus(c, 12, seed=6)
    assert _digest(a) == _digest(b)
    assert (a / "articles.jsonl").read_bytes() != (c / "articles.jsonl").read_bytes()


def test_sharding_does_not_change_articles(gen: ModuleType, tmp_path: Path) -> None:
    gen.write_corpus(tmp_path / "one", 10, seed=3)
    gen.write_corpus(tmp_path / "three", 10, seed=3, shards=3)
    shards = sorted((tmp_path / "three").glob("articles-*.jsonl"))
    assert len(shards) == 3
    joined = b"".join(p.read_bytes() for p in shards)
    assert joined == (tmp_path / "one" / "articles.jsonl").read_bytes()


def test_jsonl_valid_and_truth_matches(gen: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    s = gen.write_corpus(out, 15, seed=11)
    assert [p.name for p in out.iterdir()] == ["articles.jsonl"], "only articles inside the corpus folder"
    texts = {}
    for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert list(obj) == ["id", "url", "title", "date", "text"]
        assert unicodedata.is_normalized("NFC", obj["text"])
        assert 2_000 <= len(obj["text"].encode("utf-8")) <= 15_000
        texts[obj["id"]] = obj["text"]
    assert len(texts) == 15
    nrefs = 0
    for line in gen.truth_path(out).read_text(encoding="utf-8").splitlines():
        t = json.loads(line)
        text = texts[t["id"]]
        assert t["refs"], "every article carries at least one reference"
        for r in t["refs"]:
            nrefs += 1
            assert text[r["start"]:r["end"]] == r["surface"]
            assert r["surface"] in text
            if r["num_start"] is not None:
                assert r["start"] <= r["num_start"] < r["num_end"] <= r["end"]
            if r["form"] == "short":
                assert t["refs"][r["antecedent"]]["start"] < r["start"]
        for trap in t["traps"]:
            assert text[trap["start"]:trap["end"]] == trap["surface"]
    assert nrefs == s.refs


def test_txt_format_cli(tmp_path: Path) -> None:
    out = tmp_path / "txt"
    subprocess.run([sys.executable, str(SCRIPT), "--articles", "6", "--seed", "2", "--out", str(out),
                    "--format", "txt", "--shards", "2", "-q"], check=True)
    files = sorted(out.rglob("*.txt"))
    assert len(files) == 6 and len(list(out.rglob("*"))) == 6 + 2  # the articles and two shard folders
    for line in (out.with_name("txt.truth.jsonl")).read_text(encoding="utf-8").splitlines():
        t = json.loads(line)
        text = (out / t["file"]).read_text(encoding="utf-8")
        title, dateline = text.split("\n")[:2]
        assert title and any(ch.isdigit() for ch in dateline)
        for r in t["refs"]:
            assert text[r["start"]:r["end"]] == r["surface"]


def test_variants_render(gen: ModuleType) -> None:
    assert gen.party_number_surface("swapped", "205", "QĐ", "TW") == "205/QĐ-TW"
    assert gen.party_number_surface("eth", "205", "QĐ", "TW") == "205-Q\u00d0/TW"
    assert gen.party_number_surface("en_dash", "21", "NQ", "TW") == "21 – NQ/TW"
    assert gen.state_number_surface("canonical", "108", 2014, "NĐ", "CP") == "108/2014/NĐ-CP"
    assert gen.state_number_surface("canonical", "4912", None, "", "UBND-NC") == "4912/UBND-NC"
    assert gen.strip_diacritics("Nghị quyết số") == "Nghi quyet so"
