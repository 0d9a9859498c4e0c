"""Bad input end to end (issue #6): the real ``graphbuild build`` on a folder mixing good articles
with every class of bad input.

For each class: the message names the file (and the line where there is one); every good article
is still in the graph (graph.nt and mentions.jsonl); the exit status is 1 when something was
skipped; ``--strict`` makes any skip fatal (exit 2, previous output untouched).

Each good input carries its own reference number (``Quy định số N-QĐ/TW``) so the test can see
that its text was decoded correctly and extracted, not merely counted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from _helpers import folder_digest as tree_digest
from _helpers import to_cp1258
from click.testing import CliRunner

from graphbuild.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
LEGACY = json.loads((ROOT / "graphbuild" / "data" / "legacy_vn.json").read_text(encoding="utf-8"))
SLOW = os.environ.get("GRAPHBUILD_SLOW") == "1"
LIMIT_200MB = 900  # seconds: reading and extracting 200 MB take about 2 minutes on the CI machine


def sentence(n: int) -> str:
    return (f"Tỉnh ủy Thái Nguyên quán triệt Quy định số {n}-QĐ/TW ngày 23/9/2019 của Bộ Chính trị "
            f"về công tác cán bộ; bài số {n}.")


def article(n: int) -> str:
    return f"Tin bài số {n} về công tác xây dựng Đảng\n\n{sentence(n)}\nCác cấp ủy đã triển khai thực hiện.\n"


# --- encoders for the legacy encodings (inverse of graphbuild/data/legacy_vn.json) ------------


def to_tcvn3(text: str) -> bytes:
    inverse = {ch: int(byte, 16) for byte, ch in LEGACY["tcvn3"].items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        out.append(inverse[ch] if ch in inverse else ord(ch.encode("cp1252")))
    return bytes(out)


def to_vni(text: str) -> bytes:
    inverse: dict[str, str] = {}
    for seq, ch in LEGACY["vni"].items():
        inverse.setdefault(ch, seq)
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text)).encode("latin-1")


# --- the corpus ------------------------------------------------------------------------------


@dataclass
class Good:
    cls: str  # bad-input class it stands for (the part of that input that must survive)
    name: str  # source as reported (file name, or file:line)
    number: int  # the reference number only it carries


@dataclass
class Bad:
    cls: str
    name: str  # what the message must name (file name, or file:line)
    says: str  # a fragment of what the message must say


def make_corpus(root: Path) -> tuple[list[Good], list[Bad], list[str]]:
    """Write the mixed corpus below ``root``; return the good inputs, the bad ones and the build arguments."""
    c = root / "corpus"
    c.mkdir()
    goods: list[Good] = []
    bads: list[Bad] = []
    for p in sorted(DATA.glob("*.txt")):
        shutil.copy(p, c / p.name)
        goods.append(Good("sample article", p.name, 0))

    def good_file(cls: str, name: str, data: bytes, n: int) -> None:
        (c / name).write_bytes(data)
        goods.append(Good(cls, name, n))

    good_file("UTF-8 with BOM", "utf8_bom.txt", b"\xef\xbb\xbf" + article(901).encode(), 901)
    good_file("UTF-16 with BOM", "utf16_bom.txt", article(902).encode("utf-16"), 902)
    good_file("UTF-16 LE without BOM", "utf16le.txt", article(903).encode("utf-16-le"), 903)
    good_file("UTF-16 BE without BOM", "utf16be.txt", article(904).encode("utf-16-be"), 904)
    good_file("Windows-1258", "cp1258.txt", to_cp1258(article(905)), 905)
    good_file("TCVN3 (ABC)", "tcvn3.txt", to_tcvn3(article(906)), 906)
    good_file("VNI", "vni.txt", to_vni(article(907)), 907)
    good_file("NFD text", "nfd.txt", unicodedata.normalize("NFD", article(908)).encode(), 908)
    good_file("mixed line endings", "crlf.txt", article(909).replace("\n", "\r\n", 2).replace("\n\n", "\r\r").encode(), 909)
    good_file("malformed HTML", "broken.html",
              f"<html><head><title>Tin 910</title><body><div><p>{sentence(910)}<p>Các cấp ủy <b>triển khai"
              f"</i></div></span><table><tr><td>ô".encode(), 910)
    line = ("Các cấp ủy tiếp tục quán triệt sâu rộng. " * 26000)[:1_000_000]
    good_file("1 MB line", "long_line.txt", f"Tin 911\n{line} {sentence(911)} {line}\n".encode(), 911)

    # JSON Lines with a broken line: lines 1 and 3 are articles, line 2 is not JSON.
    (c / "records.jsonl").write_text(
        json.dumps({"title": "A 912", "text": article(912)}, ensure_ascii=False) + "\n"
        + '{"title": "broken", "text": "Quy định số 1-QĐ/TW\n'
        + json.dumps({"title": "A 913", "text": article(913)}, ensure_ascii=False) + "\n", encoding="utf-8")
    goods += [Good("JSON Lines with a broken line", "records.jsonl:1", 912),
              Good("JSON Lines with a broken line", "records.jsonl:3", 913)]
    bads.append(Bad("JSON Lines with a broken line", "records.jsonl:2", "invalid JSON"))

    # CSV: a good one, one whose header has no text column, one with a short row.
    (c / "good.csv").write_text('title,text\n"A 914","' + article(914) + '"\n', encoding="utf-8")
    goods.append(Good("CSV", "good.csv:2", 914))
    (c / "missing_column.csv").write_text('title,date\n"A",2020-01-01\n', encoding="utf-8")
    bads.append(Bad("CSV missing a column", "missing_column.csv:1", "missing column"))
    (c / "short_row.csv").write_text('title,text,date\n"A 915","' + article(915) + '",2020-01-01\n"B"\n',
                                     encoding="utf-8")
    goods.append(Good("CSV row missing a field", "short_row.csv:2", 915))
    bads.append(Bad("CSV row missing a field", "short_row.csv:", "fields"))

    (c / "empty.txt").write_bytes(b"")
    bads.append(Bad("empty file", "empty.txt", "empty"))
    (c / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    bads.append(Bad("binary file", "image.bin", "binary"))
    (c / "latin1.txt").write_bytes("Le café crème brûlée à la française, voilà.".encode("latin-1"))
    bads.append(Bad("unknown 8-bit encoding", "latin1.txt", "not UTF-8"))
    (c / "loop_a.txt").symlink_to(c / "loop_b.txt")
    (c / "loop_b.txt").symlink_to(c / "loop_a.txt")
    bads += [Bad("symlink loop (file)", "loop_a.txt", "symbolic link loop"),
             Bad("symlink loop (file)", "loop_b.txt", "symbolic link loop")]
    sub = c / "sub"
    sub.mkdir()
    (sub / "inner.txt").write_text(article(916), encoding="utf-8")
    goods.append(Good("symlink loop (folder)", "inner.txt", 916))
    (sub / "up").symlink_to(c, target_is_directory=True)  # sub/up -> corpus: a folder loop
    (c / "dangling.txt").symlink_to(c / "deleted.txt")
    bads.append(Bad("broken symlink (file deleted)", "dangling.txt", "broken symbolic link"))
    missing = str(root / "not-there")
    bads.append(Bad("missing path", "not-there", "no such file"))
    return goods, bads, [str(c), missing]


def run_build(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)
    return result.exit_code, result.stderr


def graph_sources(out: Path) -> set[str]:
    """dct:source of every gb:Article in graph.nt.

    Streamed with pyoxigraph's parser (not the build's own code, and not rdflib, which needs
    over 8 GB for the 1 GB graph of the 200 MB test): only articles and sources are kept.
    """
    import pyoxigraph as ox

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    article = ox.NamedNode("https://w3id.org/graphbuild/ns#Article")
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    articles: set[str] = set()
    sources: dict[str, str] = {}
    with open(out / "graph.nt", "rb") as fh:
        for t in ox.parse(fh, format=ox.RdfFormat.N_TRIPLES):
            if t.predicate == rdf_type and t.object == article:
                articles.add(t.subject.value)
            elif t.predicate == source:
                sources[t.subject.value] = t.object.value
    return {sources[a] for a in articles if a in sources}


def mention_numbers(out: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with open(out / "mentions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            found.setdefault(row["source"], set()).add(str(row["number"]))
    return found


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("bad_input")
    goods, bads, args = make_corpus(root)
    out = root / "out"
    code, err = run_build([*args, "--out", str(out), "-j", "1", "--no-store", "-q"])
    return {"root": root, "goods": goods, "bads": bads, "args": args, "out": out, "code": code, "err": err}


def _ends(source: str, name: str) -> bool:
    return source == name or source.endswith("/" + name)


def test_exit_status_says_something_was_skipped(mixed: dict) -> None:
    assert mixed["code"] == 1, mixed["err"]
    assert (mixed["out"] / "graph.nt").exists()


BAD_NAMES = ["records.jsonl:2", "missing_column.csv:1", "short_row.csv:", "empty.txt", "image.bin", "latin1.txt",
             "loop_a.txt", "loop_b.txt", "dangling.txt", "not-there"]


def test_every_bad_input_class_is_in_the_corpus(mixed: dict) -> None:
    assert [b.name for b in mixed["bads"]] == BAD_NAMES


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_input_is_named_in_the_message_and_report(mixed: dict, name: str) -> None:
    bad = next(b for b in mixed["bads"] if b.name == name)
    lines = [ln for ln in mixed["err"].splitlines() if bad.name in ln]
    assert lines, f"{bad.cls}: no message names {bad.name!r}:\n{mixed['err']}"
    assert any(bad.says.lower() in ln.lower() for ln in lines), (bad.cls, lines)
    report = json.loads((mixed["out"] / "report.json").read_text(encoding="utf-8"))
    assert any(bad.name in s for s in report["skipped"]), (bad.cls, report["skipped"])


def test_every_good_article_is_in_the_graph(mixed: dict) -> None:
    sources = graph_sources(mixed["out"])
    numbers = mention_numbers(mixed["out"])
    missing = [g.cls + ": " + g.name for g in mixed["goods"] if not any(_ends(s, g.name) for s in sources)]
    assert not missing, f"articles missing from graph.nt: {missing}"
    for g in mixed["goods"]:
        if g.number:
            got = set().union(*(v for k, v in numbers.items() if _ends(k, g.name)))
            assert str(g.number) in got, f"{g.cls}: reference {g.number} not extracted from {g.name}: {got}"


def test_nothing_else_is_in_the_graph(mixed: dict) -> None:
    sources = graph_sources(mixed["out"])
    names = [g.name for g in mixed["goods"]]
    extra = [s for s in sources if not any(_ends(s, n) for n in names)]
    assert not extra, extra


def test_clean_corpus_exits_zero_even_strict(tmp_path: Path) -> None:
    code, err = run_build([str(DATA), "--out", str(tmp_path / "out"), "-j", "1", "--no-store", "-q", "--strict"])
    assert code == 0, err


@pytest.mark.parametrize("what", ["empty", "binary", "broken-jsonl", "missing-column", "missing-path",
                                  "symlink-loop"])
def test_strict_makes_any_skip_fatal_and_keeps_previous_output(tmp_path: Path, what: str) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text(article(920), encoding="utf-8")
    out = tmp_path / "out"
    code, err = run_build([str(corpus), "--out", str(out), "-j", "1", "--no-store", "-q", "--strict"])
    assert code == 0, err
    before = tree_digest(out)
    extra: list[str] = []
    if what == "empty":
        (corpus / "empty.txt").write_bytes(b"")
    elif what == "binary":
        (corpus / "b.bin").write_bytes(b"\x00\x01\x02\xff" * 100)
    elif what == "broken-jsonl":
        (corpus / "r.jsonl").write_text(json.dumps({"text": article(921)}, ensure_ascii=False) + "\n{oops\n",
                                        encoding="utf-8")
    elif what == "missing-column":
        (corpus / "m.csv").write_text("title,date\nA,2020-01-01\n", encoding="utf-8")
    elif what == "missing-path":
        extra.append(str(tmp_path / "nope"))
    elif what == "symlink-loop":
        (corpus / "x.txt").symlink_to(corpus / "y.txt")
        (corpus / "y.txt").symlink_to(corpus / "x.txt")
    code, err = run_build([str(corpus), *extra, "--out", str(out), "-j", "1", "--no-store", "-q", "--strict"])
    assert code == 2, (what, code, err)
    assert "strict" in err.lower(), err
    assert tree_digest(out) == before, "a failed --strict build changed the previous output"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")], "temporary output left behind"
    # Without --strict the same input builds, says what it skipped, and exits 1.
    code, err = run_build([str(corpus), *extra, "--out", str(out), "-j", "1", "--no-store", "-q"])
    assert code == 1, (what, code, err)
    assert any(_ends(s, "good.txt") for s in graph_sources(out))


def test_file_deleted_or_replaced_while_the_build_runs(tmp_path: Path) -> None:
    """The build reads lazily: a file removed (or turned into a folder) after the walk listed it."""
    from graphbuild.pipeline.build import build

    corpus = tmp_path / "c"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"a{n}.txt").write_text(article(930 + n), encoding="utf-8")
    seen: list[str] = []

    def on_article(item: object) -> None:
        seen.append(str(getattr(item, "source", "")))
        if len(seen) == 1:
            (corpus / "a3.txt").unlink()
            (corpus / "a4.txt").unlink()
            (corpus / "a4.txt").mkdir()

    result = build([str(corpus)], tmp_path / "out", jobs=1, store=False, on_article=on_article)
    skipped = {Path(s.source).name: s.message for s in result.skipped}
    assert set(skipped) == {"a3.txt", "a4.txt"}, skipped
    assert "no such file" in skipped["a3.txt"] and "directory" in skipped["a4.txt"]
    sources = {Path(s).name for s in graph_sources(tmp_path / "out")}
    assert sources == {"a0.txt", "a1.txt", "a2.txt", "a5.txt"}


# One article in one large file: 30 MB by default (it fits CI), 200 MB with GRAPHBUILD_SLOW=1.
LARGE_MB = 200 if SLOW else 30
LARGE_PEAK_MB = 1024 if not SLOW else 6144  # peak RSS of the build: 30 MB measured at ~640 MB


def test_large_single_file_is_built_within_a_memory_bound(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    para = article(940)
    with open(corpus / "huge.txt", "w", encoding="utf-8") as fh:
        written = 0
        while written < LARGE_MB * 1024 * 1024:
            fh.write(para)
            written += len(para.encode())
    (corpus / "small.txt").write_text(article(941), encoding="utf-8")
    out = tmp_path / "out"
    # The build runs as the only child of a small wrapper, so the wrapper's RUSAGE_CHILDREN is its peak.
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    try:
        r = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "graphbuild.cli.main", "build",
                            str(corpus), "--out", str(out), "-j", "1", "--no-store", "-q"],
                           capture_output=True, text=True, timeout=LIMIT_200MB)
    except subprocess.TimeoutExpired:
        pytest.fail(f"building a {LARGE_MB} MB single file took over {LIMIT_200MB} s")
    assert r.returncode == 0, r.stderr
    peak_mb = int(r.stdout.split()[-1]) / 1024
    assert peak_mb < LARGE_PEAK_MB, f"peak RSS {peak_mb:.0f} MB for a {LARGE_MB} MB file"
    assert {Path(s).name for s in graph_sources(out)} == {"huge.txt", "small.txt"}
    mentions = (out / "mentions.jsonl").read_text(encoding="utf-8").count("\n")
    assert mentions > LARGE_MB * 1000, mentions  # every repeated paragraph's references, not a truncated text


@pytest.mark.parametrize("streamed", [False, True])
def test_lone_surrogate_escape_skips_only_its_record(tmp_path: Path, monkeypatch, streamed: bool) -> None:
    """JSON may escape half a UTF-16 pair ("\\ud800"); such a text cannot be written as UTF-8.

    Only that record is skipped, named by file and line, read whole or streamed; a title with
    one keeps its article (the surrogate becomes U+FFFD); the good articles are all in the graph.
    """
    from graphbuild.read import articles

    if streamed:
        monkeypatch.setattr(articles, "STREAM_MIN_BYTES", 1)
    lines = [json.dumps({"id": "a", "text": sentence(1)}),
             '{"id": "b", "text": "Quy \\ud800 định số 2-QĐ/TW của Bộ Chính trị."}',
             '{"id": "c", "title": "Tin \\udfff", "text": ' + json.dumps(sentence(3)) + "}",
             json.dumps({"id": "d", "text": sentence(4)})]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["build", str(src), "--out", str(out), "--jobs", "1", "--no-store"])
    assert res.exit_code == 1, res.output
    assert f"{src.name}:2" in res.output or f"{src}:2" in res.output
    assert "lone surrogate" in res.output
    nt = (out / "graph.nt").read_text(encoding="utf-8")
    for n in (1, 3, 4):
        assert f"{n}-QĐ/TW" in nt
    assert "2-QĐ/TW" not in nt
    assert "Tin \ufffd" in nt
