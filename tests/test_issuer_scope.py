"""An issuer named with its place is that place's body: the name the extractor reports is read back by
the resolver (graphbuild.domain.issuers), and the body node is scoped to the province the name gives."""

from __future__ import annotations

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.issuers import issuer_of, name_issuer
from graphbuild.domain.model import Article, Mention
from graphbuild.extract import extract
from graphbuild.resolve.resolver import Resolver


def _mention(issuer: str, number: str = "12") -> Mention:
    return Mention("t", 0, 12, f"{number}-NQ/TU", "party", doc_type="Nghị quyết", number=number, type_code="NQ",
                   issuer_code="TU", date="2021-05-05", issuer=issuer, key=DocumentKey.party(number, "NQ", "TU"))


def test_every_reported_issuer_reads_back_as_the_body_the_extractor_named() -> None:
    text = ("Nghị quyết số 12-NQ/TU ngày 5/5/2021 của Thành ủy Hải Phòng; Quyết định số 5/QĐ-UBND của UBND TP.HCM; "
            "Kế hoạch số 3-KH/HU của Huyện ủy Đông Anh; Thông tư số 38/2018/TT-BCT của Bộ trưởng Bộ Công Thương; "
            "Nghị quyết số 9/NQ-HĐND của HĐND thành phố Thủ Dầu Một.")
    issuers = [m.issuer for m in extract(text)]
    assert issuers == ["Thành ủy Hải Phòng", "Ủy ban nhân dân thành phố Hồ Chí Minh (UBND TP. HCM)", "Huyện ủy Đông Anh",
                       "Bộ Công Thương", "Hội đồng nhân dân thành phố Thủ Dầu Một (HĐND thành phố Thủ Dầu Một)"]
    assert [issuer_of(i) for i in issuers] == [
        ("tinh-uy", "Hải Phòng"), ("uy-ban-nhan-dan-tinh", "Thành phố Hồ Chí Minh"), ("huyen-uy", None),
        ("bo-cong-thuong", None), ("hoi-dong-nhan-dan-huyen", None)]


def test_a_city_within_a_province_is_a_district_level_body() -> None:
    assert issuer_of("Thành ủy Nha Trang") == ("huyen-uy", None)
    assert issuer_of("Thành ủy Đà Nẵng") == ("tinh-uy", "Đà Nẵng")
    assert issuer_of("Thành ủy") == ("tinh-uy", None)
    assert name_issuer("HĐND tỉnh", "", "Nguyễn Văn An").qualified is False  # a person, not a province


def test_body_node_is_scoped_to_the_place_named_not_the_article() -> None:
    r = Resolver()
    [c] = r.resolve_article(Article(id="a", text="", source="a.txt", province="Hà Nội"), [_mention("Thành ủy Hải Phòng")])
    assert r.docs[c.target].issuer == "tinh-uy_hai-phong"
    assert r.bodies["tinh-uy_hai-phong"].province == "Hải Phòng"
    [d] = r.resolve_article(Article(id="b", text="", source="b.txt", province="Hà Nội"), [_mention("Thành ủy", "13")])
    assert r.docs[d.target].issuer == "tinh-uy_ha-noi"  # no place named: the article's
