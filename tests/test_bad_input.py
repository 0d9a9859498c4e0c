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


# --- records lost, silently or with a traceback (issue #20) ------------------------------------


def build_of(tmp_path: Path, inputs: list[str], *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    code, err = run_build([*inputs, "--out", str(out), "-j", "1", "--no-store", "-q", *extra])
    return code, err, out


def graph_ids(out: Path) -> dict[str, str]:
    """dct:identifier of every gb:Article by its IRI."""
    import pyoxigraph as ox

    ident = ox.NamedNode("http://purl.org/dc/terms/identifier")
    with open(out / "graph.nt", "rb") as fh:
        return {t.subject.value: t.object.value for t in ox.parse(fh, format=ox.RdfFormat.N_TRIPLES)
                if t.predicate == ident and "/article/" in t.subject.value}


def assert_kept(out: Path, numbers: dict[str, int]) -> None:
    """Each article id is in the graph (its IRI made from it) and its reference number extracted."""
    from graphbuild.graph.namespaces import ID
    from graphbuild.graph.triples import article_local

    ids = graph_ids(out)
    rows = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    for aid, n in numbers.items():
        assert ids.get(f"{ID}article/{article_local(aid)}") == aid, (aid, sorted(ids.values()))
        assert any(r["article"] == aid and r["number"] == str(n) for r in rows), (aid, n)


def skip_lines(err: str, name: str) -> list[str]:
    return [ln for ln in err.splitlines() if name in ln]


def record(rid: str, n: int) -> str:
    return json.dumps({"id": rid, "text": article(n)}, ensure_ascii=False)


BAD_LINES = {
    "nested 200k deep": ('{"text": ' + "[" * 200_000 + "]" * 200_000 + "}", "nested too deeply"),
    "5,000-digit integer": ('{"text": "x", "n": ' + "7" * 5000 + "}", "number too long"),
    "NUL byte": ('{"id": "z", "text": "Quy định số 1-QĐ/TW\x00"}', "NUL byte"),
    "invalid JSON": ('{"id": "z", "text": "Quy định', "invalid JSON"),
}


@pytest.mark.parametrize("streamed", [False, True], ids=["read-whole", "streamed"])
@pytest.mark.parametrize("bad", list(BAD_LINES))
def test_one_bad_json_line_costs_that_line_only(tmp_path: Path, monkeypatch, bad: str, streamed: bool) -> None:
    """A line json.loads cannot read (RecursionError, a number over 4300 digits, a NUL) is skipped by its
    number; the lines after it are read, whether the file is read whole or streamed (>= 8 MB)."""
    from graphbuild.read import articles

    if streamed:
        monkeypatch.setattr(articles, "STREAM_MIN_BYTES", 1)
    line, says = BAD_LINES[bad]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([record("r1", 951), line, record("r3", 953), record("r4", 954)]) + "\n", encoding="utf-8")
    code, err, out = build_of(tmp_path, [str(src)])
    assert code == 1, err
    (only,) = skip_lines(err, "in.jsonl")  # one message, for that line
    assert only.startswith(f"graphbuild build: skipped {src}:2: ") and says in only, err
    assert "fix or remove this line" in only and "Traceback" not in err
    assert_kept(out, {"r1": 951, "r3": 953, "r4": 954})
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [s for s in report["skipped"] if "in.jsonl" in s] == [s.split("skipped ", 1)[1] for s in
                                                                  skip_lines(err, "in.jsonl")]


@pytest.mark.parametrize("streamed", [False, True], ids=["read-whole", "streamed"])
def test_invalid_byte_in_a_json_line_is_replaced_with_a_note(tmp_path: Path, monkeypatch, streamed: bool) -> None:
    from graphbuild.read import articles

    if streamed:
        monkeypatch.setattr(articles, "STREAM_MIN_BYTES", 1)
    broken = record("r2", 962).encode().replace("công tác".encode(), b"c\xf4ng t\xe1c", 1)
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join([record("r1", 961).encode(), broken, b'{"id": "n", "text": "x\x00"}',
                                record("r4", 964).encode()]) + b"\n")
    code, err, out = build_of(tmp_path, [str(src)])
    assert code == 1, err
    assert f"repaired {src}:2: invalid UTF-8 byte 0xF4" in err and "U+FFFD" in err, err
    assert f"skipped {src}:3: contains a NUL byte" in err, err
    assert_kept(out, {"r1": 961, "r2": 962, "r4": 964})


def test_invalid_or_nul_byte_in_a_text_file_is_replaced_with_a_note(tmp_path: Path) -> None:
    """One bad byte in a UTF-8 text costs that byte (U+FFFD, a note with its line), not the file."""
    c = tmp_path / "c"
    c.mkdir()
    (c / "bad.txt").write_bytes(article(971).encode().replace("Các cấp".encode(), b"C\xe1c c\xe2p"))
    (c / "nul.txt").write_bytes(article(972).encode().replace(b"Tin", b"T\x00n"))
    code, err, out = build_of(tmp_path, [str(c)])
    assert code == 1, err
    assert f"repaired {c / 'bad.txt'}:4: invalid UTF-8 byte 0xE1 at byte 2 of the line replaced by U+FFFD " \
           "(and 1 more, on line 4)" in err, err
    assert f"repaired {c / 'nul.txt'}:1: NUL byte 0x00" in err, err
    assert_kept(out, {"bad": 971, "nul": 972})
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["skipped"]) == 2 and all("U+FFFD" in s for s in report["skipped"])


def test_csv_column_named_twice_and_unclosed_quote_said_by_line(tmp_path: Path) -> None:
    c = tmp_path / "c"
    c.mkdir()
    (c / "two.csv").write_text(f'id,text,title,Text\nt1,"{article(981)}",A,"{article(982)}"\n', encoding="utf-8")
    one = lambda n: article(n).replace("\n", " ")  # noqa: E731
    (c / "quote.csv").write_text(f'id,text\nq1,"{one(983)}"\nq2,"{one(984)}\nq3,"{one(985)}"\nq4,{one(986)}\n'
                                 f'q5,"{one(987)}', encoding="utf-8")
    code, err, out = build_of(tmp_path, [str(c)])
    assert code == 1, err
    assert f"repaired {c / 'two.csv'}:1: a column is named twice ('text' in columns 2, 4); the first of each is read" \
        in err, err
    assert f"skipped {c / 'quote.csv'}:3: malformed CSV row" in err and "fix the quote" in err, err
    assert f"skipped {c / 'quote.csv'}:6: malformed CSV row (unexpected end of data)" in err, err
    # The row with the unclosed quote merges nothing into q1 and swallows neither q3 nor q4.
    assert_kept(out, {"t1": 981, "q1": 983, "q3": 985, "q4": 986})
    rows = (out / "mentions.jsonl").read_text(encoding="utf-8")
    assert '"number": "982"' not in rows and '"number": "984"' not in rows and '"number": "987"' not in rows


def test_html_nested_a_thousand_deep_is_read(tmp_path: Path) -> None:
    c = tmp_path / "c"
    c.mkdir()
    for depth in (1000, 20000):
        (c / f"deep{depth}.html").write_text(
            "<html><body><article>" + "<div>" * depth + f"<p>{sentence(990 + depth // 1000)}</p>" + "</div>" * depth
            + "</article></body></html>", encoding="utf-8")
    code, err, out = build_of(tmp_path, [str(c)])
    assert code == 0, err
    assert_kept(out, {"deep1000": 991, "deep20000": 1010})


# Run as 'nobody' after importing what a build needs: the interpreter and its packages may sit where
# 'nobody' cannot read (/root/.pyenv), so the child imports first and drops its privileges after.
_NOBODY = """import os, sys
import bs4, ctypes, difflib, lxml.html, sqlite3, rdflib, pyoxigraph
from graphbuild.cli.main import cli
import graphbuild.pipeline.build, graphbuild.pipeline.progress, graphbuild.write.gephi_elements
bs4.BeautifulSoup("<p>x</p>", "lxml")
if os.geteuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
os.chdir("/")
cli(sys.argv[1:], prog_name="graphbuild")
"""


def _as_nobody(args: list[str]) -> subprocess.CompletedProcess:
    """``graphbuild ARGS`` as the unprivileged user 'nobody' when run as root (CI), so that permissions hold."""
    return subprocess.run([sys.executable, "-c", _NOBODY, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_unreadable_sub_folder_is_reported_and_fatal_under_strict(tmp_path_factory: pytest.TempPathFactory) -> None:
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="gb-unlisted-"))
    try:
        root.chmod(0o777)
        c = root / "c"
        (c / "locked").mkdir(parents=True)
        (c / "good.txt").write_text(article(1001), encoding="utf-8")
        (c / "locked" / "hidden.txt").write_text(article(1002), encoding="utf-8")
        for p in (c, c / "good.txt", c / "locked" / "hidden.txt"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        (c / "locked").chmod(0)
        r = _as_nobody(["build", str(c), "--out", str(root / "out"), "-j", "1", "--no-store", "-q", "--formats", "nt"])
        assert r.returncode == 1, r.stderr
        assert f"skipped {c / 'locked'}: folder cannot be listed (Permission denied); nothing in it was read" \
            in r.stderr, r.stderr
        report = json.loads((root / "out" / "report.json").read_text(encoding="utf-8"))
        assert any("locked" in s for s in report["skipped"])
        r = _as_nobody(["build", str(c), "--out", str(root / "out"), "-j", "1", "--no-store", "-q", "--formats", "nt",
                        "--strict"])
        assert r.returncode == 2 and "--strict" in r.stderr, r.stderr
    finally:
        (root / "c" / "locked").chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_file_name_with_non_utf8_bytes(tmp_path: Path) -> None:
    """A name the file system holds as bytes that are not UTF-8 is written as \\xNN: report.json, the graph and
    ``extract``'s output are written whole."""
    c = tmp_path / "c"
    c.mkdir()
    odd = os.fsdecode(b"caf\xe9.txt")
    (c / odd).write_text(article(1011), encoding="utf-8")
    (c / os.fsdecode(b"r\xe9sum\xe9.bin")).write_bytes(b"\x00\x01\x02\xff" * 100)
    r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "build", str(c), "--out", str(tmp_path / "out"),
                        "-j", "1", "--no-store", "-q"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "r\\xe9sum\\xe9.bin: binary file" in r.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert any("r\\xe9sum\\xe9.bin" in s for s in report["skipped"])
    assert_kept(tmp_path / "out", {"caf\\xe9": 1011})
    for fmt in ("jsonl", "table", "json", "html"):
        r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "extract", str(c), "--format", fmt],
                           capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert r.returncode == 1 and "Traceback" not in r.stderr, (fmt, r.stderr)
        assert "caf\\" in r.stdout and "xe9.txt" in r.stdout and "1011" in r.stdout, (fmt, r.stdout[:500])


@pytest.mark.parametrize("command", ["build", "extract"])
def test_fifo_and_dev_zero_are_skipped_not_read(tmp_path: Path, command: str) -> None:
    """A FIFO would block ``open`` forever and /dev/zero never ends: both are named and skipped, at once."""
    c = tmp_path / "c"
    c.mkdir()
    (c / "good.txt").write_text(article(1021), encoding="utf-8")
    os.mkfifo(c / "pipe.txt")
    (c / "zero.txt").symlink_to("/dev/zero")
    (c / "zero.jsonl").symlink_to("/dev/zero")
    args = ["build", str(c), "--out", str(tmp_path / "out"), "-j", "1", "--no-store", "-q"] \
        if command == "build" else ["extract", str(c)]
    try:
        r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", *args], capture_output=True, text=True,
                           timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        pytest.fail(f"graphbuild {command} hung on a FIFO or /dev/zero")
    assert r.returncode == 1, r.stderr
    assert "pipe.txt: is a named pipe (FIFO), not a regular file; skipped" in r.stderr, r.stderr
    assert "zero.txt: is a character device, not a regular file" in r.stderr, r.stderr
    assert "zero.jsonl: is a character device, not a regular file" in r.stderr, r.stderr
    if command == "build":
        assert_kept(tmp_path / "out", {"good": 1021})
    else:
        assert "1021" in r.stdout


def _compressed(c: Path) -> dict[str, int]:
    import bz2
    import gzip
    import lzma

    import zstandard

    (c / "a.txt.gz").write_bytes(gzip.compress(article(1031).encode()))
    (c / "b.jsonl.bz2").write_bytes(bz2.compress((record("b1", 1032) + "\n" + record("b2", 1033) + "\n").encode()))
    (c / "c.csv.xz").write_bytes(lzma.compress(f'id,text\nc1,"{article(1034)}"\n'.encode()))
    (c / "d.html.zst").write_bytes(zstandard.ZstdCompressor().compress(f"<p>{sentence(1035)}</p>".encode()))
    (c / "e.gz").write_bytes(gzip.compress(article(1036).encode()))
    return {"a": 1031, "b1": 1032, "b2": 1033, "c1": 1034, "d": 1035, "e": 1036}


def test_compressed_inputs_are_read(tmp_path: Path) -> None:
    c = tmp_path / "c"
    c.mkdir()
    kept = _compressed(c)
    (c / "damaged.txt.gz").write_bytes(gzip_bytes(article(1037))[:40])
    code, err, out = build_of(tmp_path, [str(c)])
    assert code == 1, err
    (damaged,) = skip_lines(err, "damaged.txt.gz")
    assert damaged.startswith(f"graphbuild build: skipped {c / 'damaged.txt.gz'}: damaged gzip data"), err
    assert_kept(out, kept)
    res = CliRunner().invoke(cli, ["extract", str(c)], catch_exceptions=False)
    numbers = {json.loads(line)["number"] for line in res.stdout.splitlines()}
    assert {str(n) for n in kept.values()} <= numbers


def gzip_bytes(text: str) -> bytes:
    import gzip

    return gzip.compress(text.encode())


def test_decompressed_size_is_bounded(tmp_path: Path, monkeypatch) -> None:
    """A file read whole may not decompress past MAX_FILE_BYTES; a JSON Lines line past MAX_LINE_BYTES ends its
    file; past BOMB_MIN_BYTES a file that expands more than MAX_RATIO times is a bomb (bounds made small here)."""
    import base64
    import gzip

    from graphbuild.read import opening

    monkeypatch.setattr(opening, "MAX_FILE_BYTES", 1 << 20)
    monkeypatch.setattr(opening, "MAX_LINE_BYTES", 1 << 20)
    monkeypatch.setattr(opening, "BOMB_MIN_BYTES", 1 << 20)
    c = tmp_path / "c"
    c.mkdir()
    (c / "good.txt").write_text(article(1041), encoding="utf-8")
    noise = base64.b64encode(os.urandom(3 << 19))  # 2 MiB that compress less than 2 times
    (c / "big.txt.gz").write_bytes(gzip.compress(noise))
    (c / "long.jsonl.gz").write_bytes(gzip.compress(record("z1", 1042).encode() + b"\n" + noise))
    (c / "lines.jsonl.gz").write_bytes(gzip.compress(record("l1", 1043).encode() + b"\n" * (8 << 20), 9))
    code, err, out = build_of(tmp_path, [str(c)])
    assert code == 1, err
    assert "big.txt.gz: larger than 1 MiB once decompressed; skipped" in err, err
    assert "long.jsonl.gz:2: line longer than 1 MiB; the rest of the file skipped" in err, err
    assert "lines.jsonl.gz: expands more than 200 times" in err and "decompression bomb" in err, err
    assert_kept(out, {"good": 1041, "z1": 1042})


def test_record_ids_are_article_ids_and_stay_unique(tmp_path: Path) -> None:
    """id, _id, article_id, doc_id, then url name an article in every output; files are named by their path; an id
    met again is kept with _2 and a note naming both records."""
    c = tmp_path / "c"
    (c / "sub").mkdir(parents=True)
    (c / "sub" / "inner.txt").write_text(article(1051), encoding="utf-8")
    (c / "000_top.txt").write_text(article(1052), encoding="utf-8")
    recs = [{"id": "a/b c", "text": article(1053)}, {"_id": 42, "text": article(1054)},
            {"article_id": "x1", "text": article(1055)}, {"doc_id": "d1", "text": article(1056)},
            {"url": "https://vn.example/tin/1", "text": article(1057)}, {"id": "x1", "text": article(1058)},
            {"id": "x1", "text": article(1059)}]
    (c / "r.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    (c / "s.csv").write_text(f'id,text\nx1,"{article(1060)}"\n', encoding="utf-8")
    code, err, out = build_of(tmp_path, [str(c)])
    assert code == 1, err
    assert f"repaired {c / 'r.jsonl'}:6: id 'x1' is already the id of {c / 'r.jsonl'}:3; this article is kept as " \
           "'x1_2'" in err, err
    assert f"repaired {c / 'r.jsonl'}:7: id 'x1' is already the id of {c / 'r.jsonl'}:3; this article is kept as " \
           "'x1_3'" in err, err
    assert f"repaired {c / 's.csv'}:2: id 'x1' is already the id of {c / 'r.jsonl'}:3; this article is kept as " \
           "'x1_4'" in err, err
    assert_kept(out, {"sub/inner": 1051, "000_top": 1052, "a/b c": 1053, "42": 1054, "x1": 1055, "d1": 1056,
                      "https://vn.example/tin/1": 1057, "x1_2": 1058, "x1_3": 1059, "x1_4": 1060})
    assert "<https://w3id.org/graphbuild/id/article/000_top>" in (out / "graph.nt").read_text(encoding="utf-8")


def test_no_input_at_all_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for args in (["missing/"], [str(tmp_path / "empty")], [str(tmp_path / "missing")]):
        out = tmp_path / "out"
        code, err = run_build([*args, "--out", str(out), "-j", "1", "-q"])
        assert code == 2, (args, err)
        assert "nothing written" in err and "error:" in err, err
        assert not out.exists(), args


def _wet_record(url: str, body: bytes, length: object = None) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: {url}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n\r\n")
    return head.encode() + body + b"\r\n\r\n"


def test_web_archive_reader_bounds_what_it_reads(monkeypatch) -> None:
    """The WET/WARC reader the Spark engine runs: a negative or non-numeric Content-Length stops the file with a
    message (the records before it kept), a huge one is passed over unread, a header line has a bound, and a
    gzip bomb is refused; none of them is loaded into memory."""
    import gzip

    from graphbuild.domain.skipped import SkippedInput
    from graphbuild.read import opening, webarchive
    from graphbuild.read.webarchive import read_archive

    def read(data: bytes, name: str = "crawl.warc.wet") -> tuple[list[str], list[str]]:
        items = list(read_archive(data, name, language=None))
        return ([a.id for a in items if not isinstance(a, SkippedInput)],
                [str(s) for s in items if isinstance(s, SkippedInput)])

    good = [_wet_record(f"https://vn.example/{n}", article(1060 + n).encode()) for n in range(3)]
    ids, skips = read(good[0] + _wet_record("https://vn.example/neg", b"x", -5) + good[2])
    assert ids == ["https://vn.example/0"]
    assert skips == ["crawl.warc.wet:2: damaged archive (negative Content-Length -5); the records before it were kept"]
    ids, skips = read(good[0] + _wet_record("https://vn.example/nan", b"x", "12abc") + good[2])
    assert ids == ["https://vn.example/0"] and "Content-Length '12abc' is not a number" in skips[0]
    huge = 10**12
    ids, skips = read(good[0] + _wet_record("https://vn.example/huge", b"x", huge) + good[2])
    assert ids == ["https://vn.example/0"], "the rest of the file is inside the declared body"
    assert skips == [f"crawl.warc.wet:2: record longer than 64 MiB (Content-Length {huge}); skipped"]
    ids, skips = read(gzip.compress(good[0]) + gzip.compress(_wet_record("https://vn.example/h", b"x", huge)),
                      "crawl.warc.wet.gz")
    assert ids == ["https://vn.example/0"] and "record longer than 64 MiB" in skips[0]
    ids, skips = read(good[0] + b"WARC/1.0\r\nX-Long: " + b"a" * (webarchive.HEADER_LINE * 3))
    assert ids == ["https://vn.example/0"] and "a header line longer than 65536 bytes" in skips[0]
    monkeypatch.setattr(opening, "BOMB_MIN_BYTES", 1 << 20)
    bomb = gzip.compress(good[1]) + gzip.compress(_wet_record("https://vn.example/b", b"", 10**10)[:-4]
                                                  + b"\0" * (16 << 20))
    ids, skips = read(bomb, "bomb.warc.wet.gz")
    assert ids == ["https://vn.example/1"]
    assert len(skips) == 1 and "bomb.warc.wet.gz: expands more than 200 times" in skips[0], skips
