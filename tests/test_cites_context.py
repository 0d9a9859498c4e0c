"""`cites` shows the sentence around a mention even when the article's source cannot be re-read."""

import json
import os
import shutil
from pathlib import Path

from graphbuild.build import build
from graphbuild.query import cites

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
