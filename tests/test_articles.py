"""graphbuild.read.articles: every input format and every bad input, on real files in tmp_path."""

from __future__ import annotations

import io
import json
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest
from _helpers import read_unreadable_file

from graphbuild.domain.model import Article
from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.articles import find_date, parse_date, read_articles, text_title

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIX = Path(__file__).resolve().parent / "fixtures" / "inputs"
VI = "Tỉnh ủy Thái Nguyên quán triệt Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị."


def read(*paths: object) -> tuple[list[Article], list[SkippedInput]]:
    arts, errs = [], []
    for item in read_articles([str(p) for p in paths]):
        (arts if isinstance(item, Article) else errs).append(item)
    return arts, errs


# --- the sample corpus -------------------------------------------------------------------

SAMPLES = {
    "000": ("Tham mưu làm tốt công tác xây dựng Đảng", "2019-10-21", "Thái Nguyên"),
    "001": ("Ngành Tổ chức xây dựng Đảng: 10 kết quả nổi bật năm 2021", None, None),
    "002": ("Kiện toàn tổ chức đảng trong cơ quan chính quyền, mặt trận, các đoàn thể cấp huyện ở Quảng Nam",
            None, "Quảng Nam"),
    "003": ("Kỷ niệm ngày truyền thống ngành tổ chức xây dựng Đảng 14/10 Đổi mới, nâng cao chất lượng công tác "
            "tổ chức xây dựng Đảng", "2023-10-14", "Thái Bình"),
    "004": ("Nét mới trong công tác xây dựng Đảng", "2020-06-27", None),
}


def test_sample_articles_metadata():
    arts, errs = read(DATA)
    assert errs == []
    got = {Path(a.source).name[:3]: a for a in arts}
    assert set(got) == set(SAMPLES)
    for key, (title, date, province) in SAMPLES.items():
        a = got[key]
        assert (a.title, a.date, a.province) == (title, date, province), key
        assert a.text == (DATA / Path(a.source).name).read_text(encoding="utf-8")  # untouched
        assert a.id == Path(a.source).stem  # the path relative to the folder given, without the suffix
        assert a.url is None and a.line is None


def test_ids_stable_whether_file_given_alone_or_in_folder(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    one = next(iter(read(corpus / "000_22ab1fdcbd145b34.txt")[0]))
    from_folder = {a.source: a.id for a in read(corpus)[0]}
    assert from_folder[str(corpus / "000_22ab1fdcbd145b34.txt")] == one.id


def test_duplicate_text_yielded_once(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    (tmp_path / "b.txt").write_text(VI, encoding="utf-8")
    arts, errs = read(tmp_path, tmp_path / "a.txt")
    assert len(arts) == 1 and errs == []


# --- dates and titles ------------------------------------------------------------------------


@pytest.mark.parametrize("text, iso", [
    ("Tiêu đề\nCập nhật ngày: 21/10/2019 08:28\nNội dung", "2019-10-21"),
    ("Tiêu đề\n\n09:32, 27/06/2020\n\nNội dung", "2020-06-27"),
    ("Thứ 7, 20/07/2024, 16:28[GMT+7]\n\nTiêu đề\n\nThứ 7, 14/10/2023 | 08:53:08\n2,303 lượt xem", "2023-10-14"),
    ("Thứ 7, 20/07/2024, 16:28[GMT+7]\nTiêu đề\nNội dung", "2024-07-20"),
    ("Tiêu đề\n2021-05-06T08:15:00+07:00\nNội dung", "2021-05-06"),
    ("Tiêu đề\nThứ Tư, ngày 14 tháng 6 năm 2023\nNội dung", "2023-06-14"),  # the long form
    ("Tiêu đề\nThái Bình, ngày 12 tháng 5 năm 2023\nNội dung", None),  # a place and date: a document's own
    ("Tiêu đề\nQuy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị.", None),
    ("Tiêu đề\n31/02/2020\n", None),
    ("Tiêu đề\n" + "x" * 700 + "\n09:32, 27/06/2020", None),
])
def test_find_date(text, iso):
    assert find_date(text) == iso


@pytest.mark.parametrize("value, iso", [
    ("2022-05-06T23:30:00+07:00", "2022-05-06"), ("15/06/2021", "2021-06-15"), ("2021-7-1", None),
    (1655000000, "2022-06-12"), ("", None), (None, None), ("hôm qua", None),
])
def test_parse_date(value, iso):
    assert parse_date(value) == iso


def test_title_skips_datelines_and_is_capped():
    assert text_title("\n\n  09:32, 27/06/2020\nTiêu   đề  thật\n") == "Tiêu đề thật"
    long = text_title("từ " * 1000)
    assert long is not None and len(long) <= 301 and long.endswith("…")


# --- bad inputs: every one is a SkippedInput and the rest is still read ---------------------------


def test_bad_files_do_not_stop_good_ones(tmp_path):
    (tmp_path / "0empty.txt").write_bytes(b"")
    (tmp_path / "1blob.txt").write_bytes(b"\x00\x01\x02\xff" * 300)
    (tmp_path / "2good.txt").write_text(VI, encoding="utf-8")
    arts, errs = read(tmp_path, tmp_path / "missing.txt")
    assert [a.title for a in arts] == [VI]
    by_name = {Path(e.source).name: e for e in errs}
    assert by_name["0empty.txt"].severity == "warning" and "empty" in by_name["0empty.txt"].message
    assert "binary file" in by_name["1blob.txt"].message
    assert "no such file" in by_name["missing.txt"].message


def test_encodings_through_read_articles(tmp_path):
    (tmp_path / "u16.txt").write_bytes(VI.encode("utf-16-le"))  # no BOM
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ("Bài hai\n" + VI).encode())
    (tmp_path / "vni.txt").write_bytes("Tænh uûy Thaùi Bình\nÑaûng boä tænh Thaùi Bình".encode("latin-1"))
    arts, errs = read(tmp_path)
    assert errs == []
    titles = {Path(a.source).name: a.title for a in arts}
    assert titles == {"bom.txt": "Bài hai", "u16.txt": VI, "vni.txt": "Tỉnh ủy Thái Bình"}
    assert {a.province for a in arts} == {"Thái Nguyên", "Thái Bình"}


def test_nfd_text_kept_and_province_still_found(tmp_path):
    nfd = unicodedata.normalize("NFD", VI)
    (tmp_path / "nfd.txt").write_text(nfd, encoding="utf-8")
    (a,), _ = read(tmp_path)
    assert a.text == nfd and a.province == "Thái Nguyên"


def test_mixed_line_endings(tmp_path):
    raw = "Tiêu đề bài\r\nCập nhật ngày: 21/10/2019 08:28\rĐoạn một\nĐoạn hai\r\n"
    (tmp_path / "mixed.txt").write_bytes(raw.encode())
    (a,), _ = read(tmp_path)
    assert (a.text, a.title, a.date) == (raw, "Tiêu đề bài", "2019-10-21")


def test_one_megabyte_single_line(tmp_path):
    line = ("Tỉnh ủy Thái Bình thực hiện Quy định số 205-QĐ/TW. " * 25000)[: 1 << 20]
    (tmp_path / "big.txt").write_text(line, encoding="utf-8")
    (tmp_path / "big.jsonl").write_text(json.dumps({"text": line + " x"}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "big.csv").write_text("text\n\"" + line + " y\"\n", encoding="utf-8")
    arts, errs = read(tmp_path)
    assert errs == [] and len(arts) == 3
    assert all(len(a.text) >= 1 << 20 for a in arts)
    assert all(len(a.title) <= 301 for a in arts if a.title)


def test_unreadable_file(tmp_path):
    """A file the user may not read is skipped with 'permission denied' (as root, in a child as 'nobody')."""
    out = read_unreadable_file(VI.encode("utf-8"), "from graphbuild.read.articles import read_articles\n"
                               "print('|'.join(getattr(i, 'message', 'ARTICLE') for i in read_articles([path])))\n")
    assert "permission denied" in out, out


def test_symlink_loop(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    (tmp_path / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    arts, errs = read(tmp_path)
    assert len(arts) == 1
    assert [Path(e.source).name for e in errs] == ["self.txt"] and "loop" in errs[0].message


# --- HTML ----------------------------------------------------------------------------------


def test_html_article():
    (a,), errs = read(FIX / "article.html")
    assert errs == []
    assert a.title == "Tỉnh ủy Thái Nguyên sơ kết Nghị quyết số 21-NQ/TW"
    assert a.date == "2022-05-06"
    assert a.url == "https://baothainguyen.vn/tin/so-ket-nghi-quyet-21.html"
    assert a.id == "article"  # a file's id is its path, even when the page names its URL
    assert a.province == "Thái Nguyên"
    assert "99-QĐ/TW" not in a.text and "Trang chủ" not in a.text and "quảng cáo" not in a.text
    assert "Ban Thường vụ Tỉnh ủy Thái Nguyên tổ chức" in a.text  # inline <b> kept on its line
    assert "Nghị quyết số 21-NQ/TW của Hội nghị" in a.text
    assert "Đồng chí Bí thư Tỉnh ủy chủ trì hội nghị." in a.text.split("\n")


def test_malformed_html():
    (a,), errs = read(FIX / "malformed.html")
    assert errs == []
    assert a.title == "Trang lỗi không đóng thẻ"
    assert a.date == "2020-02-03"  # from the "Cập nhật ngày" line in the body
    assert a.text.splitlines()[0] == "Đảng bộ tỉnh Quảng Nam triển khai Chỉ thị số 35-CT/TW"
    assert a.province == "Quảng Nam"


def test_html_date_from_time_element_and_h1_title(tmp_path):
    (tmp_path / "p.htm").write_text(
        "<html><body><h1>Tiêu đề H1</h1><time datetime='2018-12-01T10:00'>1/12</time>"
        "<p>Nội dung bài viết.</p></body></html>", encoding="utf-8")
    (a,), _ = read(tmp_path / "p.htm")
    assert (a.title, a.date) == ("Tiêu đề H1", "2018-12-01")


def test_html_declared_legacy_charset(tmp_path):
    body = "<html><head><meta charset='windows-1252'><title>Caf\xe9</title></head><body><p>Caf\xe9 cr\xe8me</p>"
    (tmp_path / "p.html").write_bytes(body.encode("cp1252"))
    (a,), errs = read(tmp_path / "p.html")
    assert errs == [] and a.title == "Café" and a.text == "Café crème"


def test_html_without_text_is_a_warning(tmp_path):
    (tmp_path / "e.html").write_text("<html><script>x()</script></html>", encoding="utf-8")
    arts, (e,) = read(tmp_path / "e.html")
    assert arts == [] and e.severity == "warning"


# --- records ---------------------------------------------------------------------------------


def test_jsonl_broken_line_reports_line_and_others_are_read():
    arts, errs = read(FIX / "records.jsonl")
    assert [a.line for a in arts] == [1, 3]  # line 6 repeats line 1's text
    a1, a3 = arts
    assert a1.source.endswith("records.jsonl:1") and a1.meta == {"record_id": "a1"}
    assert a1.id == "a1"  # the record's own id
    assert (a1.title, a1.date, a1.province) == ("Bài một", "2021-03-04", "Thái Bình")
    assert a3.id == "a3"
    assert (a3.date, a3.province) == ("2021-07-01", "Hà Giang")
    assert [(e.line, e.message.split(" ")[0]) for e in errs] == [(2, "invalid"), (5, "expected"), (6, "no")]
    assert all(e.source.endswith("records.jsonl") for e in errs)
    assert str(errs[0]).startswith(str(FIX / "records.jsonl") + ":2: invalid JSON")


def test_csv_records():
    arts, errs = read(FIX / "records.csv")
    assert [(a.line, a.title, a.date) for a in arts] == [
        (2, "Bài CSV một", "2020-01-02"), (3, "Bài CSV hai, có dấu phẩy", "2020-04-03")]
    assert arts[1].text == "Dòng một\ndòng hai của Thành ủy Đà Nẵng"
    assert arts[0].province == "Bắc Kạn" and arts[1].province == "Đà Nẵng"
    (e,) = errs
    assert (e.line, e.severity) == (5, "warning") and "empty text" in e.message


def test_csv_missing_text_column():
    arts, errs = read(FIX / "missing_column.csv")
    assert arts == [] and len(errs) == 1
    assert errs[0].line == 1 and "missing column 'text'" in errs[0].message and "noidung" in errs[0].message


def test_csv_semicolon_and_ragged_row(tmp_path):
    (tmp_path / "s.csv").write_text("title;text\nA;Nội dung A\nB;x;thừa\n", encoding="utf-8")
    arts, errs = read(tmp_path / "s.csv")
    assert [a.title for a in arts] == ["A"] and errs[0].line == 3


def test_json_list():
    arts, errs = read(FIX / "records.json")
    assert [a.title for a in arts] == ["Bài JSON", "Bài JSON hai"]
    assert arts[0].meta == {"record_id": 7} and arts[0].source.endswith("records.json[0]")
    assert arts[0].date == "2019-09-23"
    assert arts[1].province == "Quảng Ninh"
    assert len(errs) == 1 and "expected a JSON object" in errs[0].message


def test_broken_json_file(tmp_path):
    (tmp_path / "b.json").write_text('[{"text": "a"},\n{"text": }]', encoding="utf-8")
    arts, (e,) = read(tmp_path / "b.json")
    assert arts == [] and e.line == 2


@pytest.mark.parametrize("payload, expect", [
    (b"Ti\xc3\xaau \xc4\x91\xe1\xbb\x81\nN\xe1\xbb\x99i dung", "Tiêu đề"),
    ('{"title": "Từ stdin", "text": "abc"}\n{"title": "Hai", "text": "def"}\n'.encode(), "Từ stdin"),
    (b"<html><head><title>Trang</title></head><body><p>abc</p></body></html>", "Trang"),
    ('[{"title": "Danh sách", "text": "abc"}]'.encode(), "Danh sách"),
])
def test_stdin_sniffed(monkeypatch, payload, expect):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
    arts, errs = read("-")
    assert errs == [] and arts[0].title == expect
    assert arts[0].source.startswith("-")


def test_never_raises_on_garbage(tmp_path):
    for i, blob in enumerate([b"\xff" * 10, b"{" * 1000, b"<" * 5000, b"\"," * 300, b"\x00"]):
        for suffix in (".txt", ".html", ".jsonl", ".csv", ".json"):
            (tmp_path / f"g{i}{suffix}").write_bytes(blob)
    for item in read_articles([str(tmp_path)]):
        assert isinstance(item, (Article, SkippedInput))
