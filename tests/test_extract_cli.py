"""`graphbuild extract` through the real click entry point: it reads what `graphbuild build` reads.

JSON Lines, CSV, HTML and WET inputs give articles: each mention's ``source`` names its record and
its offsets index that article's text, as in a build's ``mentions.jsonl``.  Plain-text files read as before.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli
from graphbuild.extract import extract
from graphbuild.read.articles import read_articles

FIRST = ("Thực hiện Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị về kiểm soát quyền lực, "
         "Tỉnh ủy ban hành Kế hoạch số 12-KH/TU.")
SECOND = "Theo Nghị định 108/2014/NĐ-CP của Chính phủ và Nghị quyết Trung ương 4 (khóa XII)."
NONE = "Hội nghị diễn ra ngày 21/6/2019 tại Hội trường Tỉnh ủy."


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def extracted(path: Path) -> list[dict]:
    r = run("extract", str(path), "--format", "jsonl")
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines()]


def built(tmp_path: Path, path: Path) -> list[dict]:
    """The build's mentions.jsonl rows for ``path``, cut to the keys `extract` prints."""
    out = tmp_path / "out"
    r = run("build", str(path), "--out", str(out), "-q", "--jobs", "1", "--no-cache", "--no-store", "--formats", "nt")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = extract(FIRST)[0].to_dict().keys()
    return [{k: row[k] for k in keys} for row in rows]


def assert_points_into(rows: list[dict], texts: dict[str, str]) -> None:
    for row in rows:
        text = texts[row["source"]]
        assert text[row["start"]:row["end"]] == row["surface"], row


def test_json_lines_records_are_articles(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    lines = [json.dumps({"title": "Một", "text": FIRST}, ensure_ascii=False),
             json.dumps({"title": "Hai", "text": NONE}, ensure_ascii=False),
             "",
             json.dumps({"text": SECOND})]  # \u escapes: nothing to find in the raw line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = extracted(path)
    assert {r["source"] for r in rows} == {f"{path}:1", f"{path}:4"}
    assert {r["id"] for r in rows} >= {"party:205-QĐ/TW", "state:108/2014/NĐ-CP", "named:plenum/XII/4"}
    assert_points_into(rows, {f"{path}:1": FIRST, f"{path}:4": SECOND})
    assert rows[0]["start"] == FIRST.index("Quy định")
    assert rows == built(tmp_path, path)


def test_csv_rows_are_articles(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["title", "text"])
    cell = FIRST.replace(", Tỉnh ủy", ",\nTỉnh ủy")  # a quoted cell over two lines
    writer.writerow(["Một", cell])
    writer.writerow(["Hai", SECOND])
    path.write_text(buf.getvalue(), encoding="utf-8")
    rows = extracted(path)
    texts = {f"{path}:2": cell, f"{path}:4": SECOND}
    assert {r["source"] for r in rows} == set(texts)  # the record's first line: the cell before spans two
    assert "party:205-QĐ/TW" in {r["id"] for r in rows} and "state:108/2014/NĐ-CP" in {r["id"] for r in rows}
    assert_points_into(rows, texts)
    assert rows == built(tmp_path, path)


def test_html_offsets_index_the_body_text_not_the_markup(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<!doctype html><html><head><title>Tin</title><style>p{color:red}</style></head><body>"
                    "<nav>Trang chủ</nav><article><p>Thực hiện <b>Quy định số 205-QĐ/TW</b> ngày 23/9/2019 "
                    "của Bộ Chính trị &amp; các văn bản khác.</p><p>" + SECOND + "</p></article></body></html>",
                    encoding="utf-8")
    rows = extracted(path)
    [article] = list(read_articles([str(path)]))
    assert {r["source"] for r in rows} == {str(path)}
    assert {r["id"] for r in rows} >= {"party:205-QĐ/TW", "state:108/2014/NĐ-CP"}
    assert all("<" not in r["surface"] for r in rows)
    assert_points_into(rows, {str(path): article.text})
    assert rows == built(tmp_path, path)


def _warc_record(headers: dict[str, str], body: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": len(body)}.items())
    return head.encode("utf-8") + b"\r\n" + body + b"\r\n\r\n"


def test_wet_pages_are_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.wet"
    page = {"WARC-Type": "conversion", "WARC-Identified-Content-Language": "vie", "Content-Type": "text/plain"}
    path.write_bytes(b"".join([
        _warc_record({"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"software: test\r\n"),
        _warc_record({**page, "WARC-Target-URI": "https://example.vn/1"}, FIRST.encode("utf-8")),
        _warc_record({**page, "WARC-Target-URI": "https://example.vn/2"}, SECOND.encode("utf-8")),
    ]))
    rows = extracted(path)
    # Records are counted as the web-archive reader counts them: the warcinfo record is the first.
    assert {r["source"] for r in rows} == {f"{path}:2", f"{path}:3"}
    assert_points_into(rows, {f"{path}:2": FIRST, f"{path}:3": SECOND})


def test_plain_text_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(NONE + "\n" + FIRST + "\n", encoding="utf-8")
    rows = extracted(path)
    assert rows == [m.to_dict() for m in extract(path.read_text(encoding="utf-8"), str(path))]
    assert rows and rows == built(tmp_path, path)
    r = run("extract", "-", stdin=FIRST)
    assert r.exit_code == 0 and json.loads(r.stdout.splitlines()[0])["source"] == "-"


def test_bad_records_are_reported_and_the_rest_extracted(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('{"text": "' + FIRST + '"}\n{not json\n{"title": "no text"}\n', encoding="utf-8")
    r = run("extract", str(path), str(tmp_path / "missing.txt"))
    assert r.exit_code == 1
    assert {json.loads(line)["source"] for line in r.stdout.splitlines()} == {f"{path}:1"}
    assert f"{path}:2: invalid JSON" in r.stderr and f"{path}:3: no text field" in r.stderr
    assert "missing.txt: no such file" in r.stderr


@pytest.mark.parametrize("fmt", ["json", "table", "html"])
def test_other_formats_name_the_record(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"text": NONE}) + "\n" + json.dumps({"text": FIRST}) + "\n", encoding="utf-8")
    r = run("extract", str(path), "--format", fmt)
    assert r.exit_code == 0, r.output
    assert f"{path}:2" in r.stdout
    if fmt == "table":
        assert r.stdout.count("source\tstart") == 1


def test_help_describes_the_command_and_every_key() -> None:
    r = run("extract", "--help")
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    assert "Print every document reference in PATHS" in text
    assert "JSON Lines" in text and "WET" in text
    for key in extract(FIRST)[0].to_dict():
        assert key in text, key
