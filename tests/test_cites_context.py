"""`cites` shows the sentence around a mention even when the article's source cannot be re-read."""

import json
import os
import shutil
from pathlib import Path

from graphbuild.ask.query import cites
from graphbuild.pipeline.build import build

DATA = Path(__file__).resolve().parent.parent / "data"


def test_sentence_comes_from_mentions_jsonl_when_the_source_is_gone(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    monkeypatch.chdir(tmp_path)
    build(["corpus"], tmp_path / "out")  # sources recorded as the relative path given
    shutil.rmtree(corpus)  # the sources are gone: only the build's outputs remain
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    _, rows = cites(tmp_path / "out", "Quy định 205-QĐ/TW")
    assert len(rows) == 1
    assert "»Quy định số 205-QĐ/TW«" in rows[0].sentence
    assert "kiểm soát quyền lực" in rows[0].sentence  # more than the bare anchor


def test_mentions_jsonl_sentences_hold_their_mentions(tmp_path):
    build([str(DATA)], tmp_path / "out")
    for line in (tmp_path / "out" / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        s0 = row["sentence_start"]
        assert row["sentence"][row["start"] - s0:row["end"] - s0] == row["surface"]


# --- records of a JSON Lines file: the source is 'PATH:LINE', and only that line is re-read ------

_PARA = ("Ban Thường vụ Tỉnh ủy đã quán triệt {ref} của Bộ Chính trị đến toàn thể cán bộ, đảng viên. "
         "Hội nghị nhấn mạnh {tail}.")


def _records(tmp_path: Path) -> Path:
    rows = [
        {"id": "a1", "title": "Bài một", "date": "2020-01-02",
         "text": _PARA.format(ref="Quy định số 205-QĐ/TW ngày 23/9/2019", tail="trách nhiệm người đứng đầu")},
        {"id": "a2", "title": "Bài hai", "date": "2020-03-04",
         "text": "Mở đầu bài viết.\n" + _PARA.format(ref="Quy định 205-QĐ/TW", tail="công tác cán bộ ở cơ sở")},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_sentence_of_a_jsonl_record_is_read_from_its_line(tmp_path):
    src = _records(tmp_path)
    build([str(src)], tmp_path / "out")
    # mentions.jsonl would also have them: without it, the sentences can only come from the source lines
    (tmp_path / "out" / "mentions.jsonl").unlink()
    _, rows = cites(tmp_path / "out", "205-QĐ/TW")
    by_title = {r.title: r for r in rows}
    assert set(by_title) == {"Bài một", "Bài hai"}
    assert by_title["Bài một"].source == f"{src}:1" and by_title["Bài hai"].source == f"{src}:2"
    assert "»Quy định số 205-QĐ/TW« ngày 23/9/2019 của Bộ Chính trị" in by_title["Bài một"].sentence
    assert "»Quy định 205-QĐ/TW« của Bộ Chính trị" in by_title["Bài hai"].sentence
    assert "Mở đầu" not in by_title["Bài hai"].sentence  # the sentence, not the article


def test_a_changed_jsonl_line_falls_back_to_the_stored_sentence(tmp_path):
    src = _records(tmp_path)
    build([str(src)], tmp_path / "out")
    lines = src.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    row["text"] = "Văn bản đã được sửa hoàn toàn sau khi xây dựng đồ thị."
    src.write_text(lines[0] + "\n" + json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    _, rows = cites(tmp_path / "out", "205-QĐ/TW")
    changed = next(r for r in rows if r.title == "Bài hai")
    assert "»Quy định 205-QĐ/TW« của Bộ Chính trị" in changed.sentence  # from mentions.jsonl
    assert "sửa hoàn toàn" not in changed.sentence
