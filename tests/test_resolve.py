"""Resolution rules on hand-made mentions: periods, provinces, catalogue, ambiguity, conflicts."""

from __future__ import annotations

from graphbuild.ids import party_id, plenum_id, state_id
from graphbuild.model import Article, Mention
from graphbuild.resolve import Resolver, term_of


def party(start: int, number: str, code: str, issuer_code: str, date=None, issuer=None, form="full",
          sentence=(0, 500), doc_type=None) -> Mention:
    return Mention("t", start, start + 10, f"{number}-{code}/{issuer_code}", "party", doc_type=doc_type, number=number,
                   type_code=code, issuer_code=issuer_code, date=date, issuer=issuer,
                   id=party_id(number, code, issuer_code), form=form, sentence=sentence)


def art(province=None, date=None, id="a1") -> Article:
    return Article(id=id, text="", source=f"{id}.txt", province=province, date=date)


def test_term_boundaries_follow_congress_closing_days():
    assert term_of("2016-01-27") == "XI"
    assert term_of("2016-01-28") == "XII"
    assert term_of("2021-09-28") == "XIII"
    assert term_of("2026-01-23") == "XIV"
    assert term_of(None) is None


def test_same_number_in_two_terms_is_two_documents():
    r = Resolver()
    cs = r.resolve_article(art(), [party(0, "01", "HD", "TW", "2016-09-20", "Ban Bí thư"),
                                   party(50, "01", "HD", "TW", "2021-09-28", "Ban Bí thư")])
    assert [c.target for c in cs] == ["doc/hd-tw_2016_01", "doc/hd-tw_2021_01"]
    assert r.docs["doc/hd-tw_2016_01"].term == "XII" and r.docs["doc/hd-tw_2021_01"].term == "XIII"
    assert r.docs["doc/hd-tw_2016_01"].issuer == "ban-bi-thu"


def test_undated_repeat_reuses_the_articles_dated_mention():
    r = Resolver()
    cs = r.resolve_article(art(), [party(0, "77", "KH", "BTCTW", "2020-05-01"), party(90, "77", "KH", "BTCTW")])
    assert cs[0].target == cs[1].target == "doc/kh-btctw_2020_77"


def test_undated_repeat_of_a_reused_number_stays_ambiguous():
    r = Resolver()
    cs = r.resolve_article(art(), [party(0, "01", "HD", "TW", "2016-09-20"), party(50, "01", "HD", "TW", "2021-09-28"),
                                   party(100, "01", "HD", "TW")])
    key = r.docs[cs[2].target]
    assert key.is_citekey and key.candidates == {"doc/hd-tw_2016_01", "doc/hd-tw_2021_01"}
    assert r.stats.ambiguous == 1


def test_catalogue_fills_date_issuer_and_subject():
    r = Resolver()
    [c] = r.resolve_article(art(), [party(0, "205", "QĐ", "TW", issuer="Bộ Chính trị")])
    doc = r.docs[c.target]
    assert c.target == "doc/qd-tw_2019_205"
    assert (doc.date, doc.issuer, doc.doc_type, doc.catalogued) == ("2019-09-23", "bo-chinh-tri", "Quy định", True)


def test_catalogue_with_several_terms_gives_a_citation_key_unless_dated():
    r = Resolver()
    [undated] = r.resolve_article(art(), [party(0, "45", "CT", "TW")])
    key = r.docs[undated.target]
    assert key.is_citekey and len(key.candidates) == 3
    [dated] = r.resolve_article(art(id="a2"), [party(0, "45", "CT", "TW", "2020-06-20")])
    assert dated.target == "doc/ct-tw_2020_45"
    [before] = r.resolve_article(art(id="a3", date="2015-01-01"), [party(0, "45", "CT", "TW")])
    assert before.target == "doc/ct-tw_2010_45", "documents issued after the article are not candidates"


def test_catalogue_date_conflict_is_reported_not_merged_away():
    r = Resolver()
    [c] = r.resolve_article(art(), [party(0, "21", "KL", "TW", "2021-10-28")])
    assert c.target == "doc/kl-tw_2021_21"
    assert r.docs[c.target].date == "2021-10-25"
    assert r.conflicts() == [("doc/kl-tw_2021_21", "date 2021-10-28 (catalogue 2021-10-25)")]


def test_list_item_keeps_the_term_of_its_head():
    r = Resolver()
    cs = r.resolve_article(art(), [party(0, "18", "NQ", "TW"), party(30, "19", "NQ", "TW", form="list")])
    assert cs[0].target == "doc/nq-tw_2017_18"
    assert r.docs[cs[1].target].is_citekey, "the catalogue's 19-NQ/TW (2022) is another term"


def test_provincial_numbers_are_per_province():
    r = Resolver()
    [tn] = r.resolve_article(art("Thái Nguyên"), [party(0, "06", "ĐA", "TU", "2016-11-22", "Ban Chấp hành Đảng bộ tỉnh")])
    [qn] = r.resolve_article(art("Quảng Nam", id="a2"), [party(0, "06", "ĐA", "TU", "2016-11-22")])
    [unknown] = r.resolve_article(art(id="a3"), [party(0, "06", "ĐA", "TU", "2016-11-22")])
    assert tn.target == "doc/da-tu_thai-nguyen_2016_06" and qn.target == "doc/da-tu_quang-nam_2016_06"
    assert r.docs[unknown.target].is_citekey
    doc = r.docs[tn.target]
    assert doc.numbering_body == "tinh-uy_thai-nguyen"
    assert doc.issuer == "ban-chap-hanh-dang-bo-tinh_thai-nguyen"
    assert r.bodies[doc.issuer].parent == "tinh-uy_thai-nguyen"


def test_district_numbers_stay_ambiguous():
    r = Resolver()
    [c] = r.resolve_article(art("Thái Nguyên"), [party(0, "04", "NQ", "HU", "2016-11-04")])
    assert r.docs[c.target].is_citekey


def test_state_documents_by_year_and_symbol():
    r = Resolver()
    m = Mention("t", 0, 20, "Nghị định 108/2014/NĐ-CP", "state", doc_type="Nghị định", number="108", type_code="NĐ",
                issuer_code="CP", year=2014, id=state_id("108", 2014, "NĐ", "CP"))
    no_year = Mention("t", 30, 45, "439/QĐ-TTg", "state", number="439", type_code="QĐ", issuer_code="TTg",
                      id=state_id("439", None, "QĐ", "TTg"))
    cs = r.resolve_article(art(), [m, no_year])
    assert cs[0].target == "doc/nd-cp_2014_108" and r.docs[cs[0].target].issuer == "chinh-phu"
    assert r.docs[cs[1].target].is_citekey


def test_plenum_names_link_to_their_resolutions():
    r = Resolver()
    m = Mention("t", 0, 30, "Nghị quyết Trung ương 6 (khóa XII)", "named", doc_type="Nghị quyết", plenum=6,
                term="XII", id=plenum_id(6, "XII"))
    [c] = r.resolve_article(art(), [m])
    assert c.target == "doc/plenum_xii_6"
    assert set(r.docs[c.target].parts) == {"doc/nq-tw_2017_18", "doc/nq-tw_2017_20", "doc/nq-tw_2017_21"}


def test_real_extractor_on_article_text():
    """Through the real extractor (placeholder-safe: passes vacuously while it returns nothing)."""
    from graphbuild.extract import extract

    text = "Thực hiện Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị về kiểm soát quyền lực."
    r = Resolver()
    cs = r.resolve_article(art(), extract(text, "t"))
    assert [c.target for c in cs] == ["doc/qd-tw_2019_205"]
    assert r.docs["doc/qd-tw_2019_205"].issuer == "bo-chinh-tri"
