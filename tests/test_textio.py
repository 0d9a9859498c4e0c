"""graphbuild.read.textio: every encoding and every way a file can be unreadable, on real files."""

from __future__ import annotations

import io
import os
import sys
import unicodedata
from pathlib import Path

import pytest
from _helpers import read_unreadable_file, to_cp1258

from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.textio import decode, detect_encoding, iter_files, read_text

VI = "Cộng hòa xã hội chủ nghĩa Việt Nam. Tỉnh ủy Thái Nguyên quán triệt Quy định số 205-QĐ/TW của Bộ Chính trị."


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# --- SkippedInput ----------------------------------------------------------------------------


def test_input_error_str_and_attributes():
    e = SkippedInput("a.jsonl", 3, "invalid JSON; fix the line")
    assert (e.source, e.line, e.message) == ("a.jsonl", 3, "invalid JSON; fix the line")
    assert str(e) == "a.jsonl:3: invalid JSON; fix the line"
    assert str(SkippedInput("b.txt", None, "binary file")) == "b.txt: binary file"


# --- encodings -----------------------------------------------------------------------------


def test_utf8_plain_is_returned_untouched(tmp_path):
    p = write(tmp_path, "a.txt", VI.encode("utf-8"))
    assert read_text(p) == VI


def test_utf8_bom_is_stripped(tmp_path):
    p = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + VI.encode("utf-8"))
    text = read_text(p)
    assert text == VI and not text.startswith("\ufeff")


def test_nfd_text_is_kept_as_is(tmp_path):
    nfd = unicodedata.normalize("NFD", VI)
    assert nfd != VI
    p = write(tmp_path, "nfd.txt", nfd.encode("utf-8"))
    assert read_text(p) == nfd  # extractor offsets index this exact string


def test_mixed_line_endings_are_kept(tmp_path):
    raw = "Tiêu đề\r\ndòng hai\ndòng ba\rdòng bốn\r\n"
    p = write(tmp_path, "mixed.txt", raw.encode("utf-8"))
    assert read_text(p) == raw


@pytest.mark.parametrize("enc, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_bom(tmp_path, enc, bom):
    p = write(tmp_path, "u16.txt", bom + VI.encode(enc))
    assert read_text(p) == VI


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_detected_by_nul_pattern(tmp_path, enc):
    p = write(tmp_path, "u16.txt", VI.encode(enc))
    assert detect_encoding(p.read_bytes()) == enc
    assert read_text(p) == VI


def test_cp1258_decoded_and_nfc_normalised(tmp_path):
    data = to_cp1258(VI)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    p = write(tmp_path, "cp1258.txt", data)
    assert detect_encoding(data) == "windows-1258"
    text = read_text(p)
    assert text == VI and unicodedata.is_normalized("NFC", text)


def test_tcvn3_converted(tmp_path):
    # The classic TCVN3 (ABC) rendering of the first words, as bytes.
    data = "Céng hßa x· héi chñ nghÜa ViÖt Nam. TØnh ñy Th¸i Nguyªn".encode("cp1252")
    p = write(tmp_path, "tcvn3.txt", data)
    assert detect_encoding(data) == "TCVN3"
    assert read_text(p) == "Cộng hòa xã hội chủ nghĩa Việt Nam. Tỉnh ủy Thái Nguyên"


def test_vni_converted(tmp_path):
    data = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Tænh uûy Thaùi Nguyeân. ÑAÛNG".encode("latin-1")
    p = write(tmp_path, "vni.txt", data)
    assert detect_encoding(data) == "VNI"
    assert read_text(p) == "Cộng hòa xã hội chủ nghĩa Việt Nam. Tỉnh ủy Thái Nguyên. ĐẢNG"


def test_unknown_8bit_encoding_is_a_clear_error(tmp_path):
    p = write(tmp_path, "fr.txt", "Le café crème brûlée à la française".encode("latin-1"))
    with pytest.raises(SkippedInput) as ei:
        read_text(p)
    assert ei.value.source == str(p)
    assert "not UTF-8" in ei.value.message and "re-encode" in ei.value.message


def test_empty_file_returns_empty_string(tmp_path):
    assert read_text(write(tmp_path, "empty.txt", b"")) == ""


def test_binary_file(tmp_path):
    data = bytes(range(256)) * 40 + os.urandom(2048)
    p = write(tmp_path, "blob.bin", data)
    with pytest.raises(SkippedInput, match="binary file"):
        read_text(p)


def test_png_header_is_binary(tmp_path):
    p = write(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(500))
    with pytest.raises(SkippedInput, match="binary file"):
        read_text(p)


def test_one_megabyte_single_line(tmp_path):
    line = ("Quy định số 205-QĐ/TW của Bộ Chính trị; " * 30000)[: 1 << 20]
    p = write(tmp_path, "long.txt", line.encode("utf-8"))
    text = read_text(p)
    assert text == line and "\n" not in text


def test_decode_names_the_source():
    with pytest.raises(SkippedInput) as ei:
        decode(b"\x00\x01\x02\x03\xff\xfe\x00", "stdin-name")
    assert str(ei.value).startswith("stdin-name: binary file")


# --- OS-level failures -----------------------------------------------------------------------


def test_missing_path(tmp_path):
    with pytest.raises(SkippedInput, match="no such file"):
        read_text(tmp_path / "nope.txt")


def test_directory_given_as_file(tmp_path):
    with pytest.raises(SkippedInput, match="is a directory"):
        read_text(tmp_path)


def test_unreadable_file():
    """read_text says 'permission denied' (as root, in a child that drops to 'nobody')."""
    out = read_unreadable_file(VI.encode("utf-8"), "from graphbuild.read.textio import read_text\n"
                               "try:\n    read_text(path)\nexcept Exception as e:\n    print(type(e).__name__, e)\n")
    assert "permission denied" in out, out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_file(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(SkippedInput, match="symbolic link loop"):
        read_text(a)


def test_broken_symlink(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing-target.txt")
    with pytest.raises(SkippedInput, match="broken symbolic link"):
        read_text(link)


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + VI.encode())))
    assert read_text("-") == VI


# --- iter_files ------------------------------------------------------------------------------


def test_iter_files_sorted_recursive_hidden_skipped_missing_yielded(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("z.txt", "a.txt", "b/c.txt", ".hidden.txt", ".git/config"):
        (tmp_path / rel).write_text("x", encoding="utf-8")
    got = list(iter_files([str(tmp_path), "-", "does-not-exist.txt"]))
    names = [Path(n).relative_to(tmp_path).as_posix() for n, p in got[:3]]
    assert names == ["a.txt", "z.txt", "b/c.txt"]  # a folder's files, then its sub-folders
    assert got[3] == ("-", None)
    assert got[4] == ("does-not-exist.txt", Path("does-not-exist.txt"))
    assert list(iter_files([str(tmp_path)])) == got[:3]  # deterministic


def test_iter_files_survives_symlink_loop(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path / "self")  # a link to itself
    got = [Path(n).name for n, _ in iter_files([str(tmp_path)])]
    assert got.count("a.txt") == 1
    assert "self" in got  # yielded, so the caller reports it
    with pytest.raises(SkippedInput, match="symbolic link loop"):
        read_text(tmp_path / "self")


def test_iter_files_keeps_name_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("x.txt").write_text("x", encoding="utf-8")
    assert list(iter_files(["./x.txt"])) == [("./x.txt", Path("x.txt"))]
