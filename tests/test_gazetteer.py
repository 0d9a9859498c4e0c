"""graphbuild.domain.gazetteer: the province data and detect_province."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from graphbuild.domain.gazetteer import detect_province, unit_at, units

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = json.loads((ROOT / "graphbuild" / "data" / "provinces.json").read_text(encoding="utf-8"))


# --- the data --------------------------------------------------------------------------------


def test_counts_and_types():
    pre, post = units(), units(after_merger=True)
    assert len(pre) == 63 and len(post) == 34
    assert sum(u.type == "thành phố" for u in pre) == 5
    assert sum(u.type == "thành phố" for u in post) == 6  # + Huế
    assert len({u.id for u in pre} | {u.id for u in post}) == 97
    assert "202/2025/QH15" in RAW["_source"]


def test_every_old_unit_absorbed_exactly_once():
    absorbed = [a for u in units(after_merger=True) for a in u.absorbed]
    assert sorted(absorbed) == sorted(u.id for u in units())


@pytest.mark.parametrize("new, old", [
    ("Thái Nguyên", {"Thái Nguyên", "Bắc Kạn"}),
    ("Hưng Yên", {"Hưng Yên", "Thái Bình"}),
    ("Đà Nẵng", {"Đà Nẵng", "Quảng Nam"}),
    ("Ninh Bình", {"Ninh Bình", "Hà Nam", "Nam Định"}),
    ("Thành phố Hồ Chí Minh", {"Thành phố Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}),
    ("Lâm Đồng", {"Lâm Đồng", "Đắk Nông", "Bình Thuận"}),
    ("Huế", {"Thừa Thiên Huế"}),
    ("Cao Bằng", {"Cao Bằng"}),
])
def test_merger_facts(new, old):
    pre = {u.id: u.name for u in units()}
    (unit,) = [u for u in units(after_merger=True) if u.name == new]
    assert {pre[i] for i in unit.absorbed} == old
    assert unit.valid_from == "2025-07-01"


def test_aliases_and_validity():
    for u in units():
        assert u.valid_to == "2025-06-30"
        assert all(unicodedata.is_normalized("NFC", a) for a in u.aliases)
        if u.id != "ho-chi-minh":
            assert u.name in u.aliases
    tn = next(u for u in units() if u.id == "thai-nguyen")
    assert {"tỉnh Thái Nguyên", "Thai Nguyen"} <= set(tn.aliases)


def test_unit_at():
    assert unit_at("quang-nam", "2024-12-31").name == "Quảng Nam"
    assert unit_at("quang-nam", "2025-07-01").name == "Đà Nẵng"
    assert unit_at("quang-nam", None).name == "Quảng Nam"


# --- detect_province -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix, province", [
    ("000", "Thái Nguyên"), ("002", "Quảng Nam"), ("003", "Thái Bình"), ("001", None), ("004", None),
])
def test_sample_articles(prefix, province):
    (path,) = DATA.glob(f"{prefix}_*.txt")
    assert detect_province(path.read_text(encoding="utf-8")) == province


def test_sample_articles_after_the_merger():
    (p002,) = DATA.glob("002_*.txt")
    (p003,) = DATA.glob("003_*.txt")
    assert detect_province(p002.read_text(encoding="utf-8"), "2025-08-01") == "Đà Nẵng"
    assert detect_province(p003.read_text(encoding="utf-8"), "2025-08-01") == "Hưng Yên"


def test_title_outweighs_body_mentions():
    text = "Tỉnh ủy Bắc Kạn học tập Nghị quyết\nĐoàn đi thăm Hà Nội. Về Hà Nội. Ở Hà Nội."
    assert detect_province(text) == "Bắc Kạn"


def test_admin_phrases_weigh_more():
    text = "Tin tức\nĐoàn đi Hà Nội và Hải Phòng. Ban Thường vụ Tỉnh ủy Nam Định họp."
    assert detect_province(text) == "Nam Định"
    assert detect_province("Tin\nHà Nội, Hà Nội, tỉnh Lào Cai, tỉnh Lào Cai") == "Lào Cai"


def test_explicit_title():
    assert detect_province("Đoàn đến Hà Nội.", title="Đảng bộ tỉnh Sơn La") == "Sơn La"


def test_case_sensitive_and_word_boundaries():
    assert detect_province("Tin\nVì hòa bình và hữu nghị") is None  # peace, not Hòa Bình
    assert detect_province("Tin\nHuyện Phú Bình phát triển") is None  # not Thái Bình / Hòa Bình
    assert detect_province("Tin\nĐoàn viên tỉnh Hòa Bình") == "Hòa Bình"
    assert detect_province("Tin\nkhu vực Thái Bình Dương") is None  # the Pacific


def test_not_fooled_by_ho_chi_minh_the_president():
    assert detect_province("Tin\nHọc tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh") is None
    assert detect_province("Tin\nThành ủy TP. Hồ Chí Minh ban hành kế hoạch") == "Thành phố Hồ Chí Minh"
    assert detect_province("Tin\nTP.HCM triển khai") == "Thành phố Hồ Chí Minh"


def test_variants_and_no_diacritics():
    assert detect_province("Tin\nTỉnh ủy Thanh Hoá") == "Thanh Hóa"
    assert detect_province("News\nThai Nguyen province") == "Thái Nguyên"
    assert detect_province("Tin\nĐảng bộ tỉnh Đăk Lăk") == "Đắk Lắk"


def test_date_pools_merged_units():
    text = "Tin\nTỉnh ủy Thái Bình họp. Tỉnh ủy Hưng Yên họp. Tỉnh ủy Hà Nam họp. Tỉnh ủy Nam Định họp."
    # before the merger the first of the tied units wins; after it Hà Nam + Nam Định pool into Ninh Bình
    assert detect_province(text, "2024-01-01") == "Thái Bình"
    text2 = text + " Tỉnh ủy Ninh Bình họp."
    assert detect_province(text2, "2025-07-15") == "Ninh Bình"
    assert detect_province("Tin\nThừa Thiên Huế", "2025-09-01") == "Huế"


def test_nfd_input():
    assert detect_province(unicodedata.normalize("NFD", "Tin\nTỉnh ủy Quảng Nam")) == "Quảng Nam"


def test_nothing_found():
    assert detect_province("") is None
    assert detect_province("Ban Chấp hành Trung ương Đảng") is None


# --- the fast name search gives the matches of the plain pattern with a lookbehind -------------

_ALPHABET = "HàNộiaA_1 -\nĐàNẵngCầnThơtỉnhNam Định,."


def _plain_matches(text: str) -> list[tuple[int, str]]:
    import re

    from graphbuild.domain.gazetteer import _matcher

    pattern = re.compile(r"(?<![\w])" + _matcher()[0].pattern)
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", [
    "Hà Nội", "XHà Nội", "_Hà Nội", "1Hà Nội", "Hà Nộii", "Hà Nội Hà Nội", "(Hà Nội)", "Bà Rịa - Vũng Tàu",
    "xBà Rịa - Vũng Tàu", "Thừa Thiên Huế", "ở Cần Thơ và Đà Nẵng.", "TP.Hồ Chí Minh", "",
])
def test_name_search_matches_the_lookbehind_pattern(text: str) -> None:
    from graphbuild.domain.gazetteer import _names_in

    assert [(m.start(), m.group()) for m in _names_in(text)] == _plain_matches(text)


def test_name_search_matches_the_lookbehind_pattern_on_random_text() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    from graphbuild.domain.gazetteer import _matcher, _names_in

    names = sorted(_matcher()[1])

    @hypothesis.given(st.lists(st.one_of(st.sampled_from(names), st.text(_ALPHABET, max_size=4)), max_size=12))
    @hypothesis.settings(max_examples=300, deadline=None)
    def check(parts: list[str]) -> None:
        text = "".join(parts)
        assert [(m.start(), m.group()) for m in _names_in(text)] == _plain_matches(text)

    check()
