"""The resolver's memos give the answers the unmemoised code gives, whatever was asked before.

The resolver memoises pure answers (parsed keys, the bodies of codes and names, what a Party or
state number's codes say of its series, what a catalogue entry makes).  Each test here asks a warm
resolver (one that has just answered a near neighbour, differing in one field) and a fresh one the
same question: a memo keyed on too little would hand the neighbour's answer back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import FrozenInstanceError

import pytest

from graphbuild.domain.ids import DocumentKey
from graphbuild.domain.model import Article, Mention
from graphbuild.resolve.catalogue import CatalogueEntry, catalogue
from graphbuild.resolve.records import GROUP_FIELDS, DocRecord
from graphbuild.resolve.resolver import Resolver


def party(number: str, code: str, issuer_code: str, date: str | None = None, issuer: str | None = None,
          start: int = 0) -> Mention:
    return Mention("t", start, start + 10, f"{number}-{code}/{issuer_code}", "party", number=number, type_code=code,
                   issuer_code=issuer_code, date=date, issuer=issuer, key=DocumentKey.party(number, code, issuer_code))


def state(number: str, year: int | None, code: str | None, issuer_code: str | None, doc_type: str | None = None,
          start: int = 0) -> Mention:
    return Mention("t", start, start + 10, f"{number}/{issuer_code}", "state", doc_type=doc_type, number=number,
                   type_code=code, issuer_code=issuer_code, year=year,
                   key=DocumentKey.state(number, year, code, issuer_code))


def art(province: str | None = None, date: str | None = None, id: str = "a1") -> Article:
    return Article(id=id, text="", source=f"{id}.txt", province=province, date=date)


def resolved(r: Resolver, a: Article, m: Mention) -> tuple:
    """The target of one mention and what its record then says."""
    [c] = r.resolve_article(a, [m])
    if c.target not in r.docs:  # a central number's node is made once the read is over (rule 1: its year)
        r.finish()
    d = r.docs[c.target]
    return c.target, d.issuer, d.numbering_body, d.province, d.term, d.number, d.label


# Pairs that differ in one field the answer depends on.
NEIGHBOURS = [
    ("issuer code", (art(), party("05", "CT", "TW", "2016-05-01")), (art(), party("05", "CT", "TU", "2016-05-01"))),
    ("type code", (art(), party("05", "CT", "TW", "2016-05-01")), (art(), party("05", "NQ", "TW", "2016-05-01"))),
    ("province", (art("Thái Nguyên"), party("05", "CT", "TU", "2016-05-01")),
     (art("Hà Nội"), party("05", "CT", "TU", "2016-05-01"))),
    ("no province", (art("Thái Nguyên"), party("05", "CT", "TU", "2016-05-01")),
     (art(), party("05", "CT", "TU", "2016-05-01"))),
    ("date", (art(), party("05", "CT", "TW", "2016-05-01")), (art(), party("05", "CT", "TW", "2021-05-01"))),
    ("article date", (art(date="2019-12-31"), party("205", "QĐ", "TW")), (art(date="2019-01-01"), party("205", "QĐ", "TW"))),
    # (two numbers: two mentions of one document would rightly share its first-named issuer)
    ("issuer name", (art(), party("07", "HD", "TW", "2017-02-01", "Ban Bí thư")),
     (art(), party("08", "HD", "TW", "2017-02-01", "Bộ Chính trị"))),
    ("state doc type", (art(), state("22", 2018, None, "QH14", "Luật")),
     (art(), state("22", 2018, None, "QH14", "Nghị quyết"))),
    ("state type code", (art(), state("22", 2018, None, "QH14", "Luật")), (art(), state("22", 2018, "NQ", "QH14", "Luật"))),
    ("state issuer", (art(), state("108", 2014, "NĐ", "CP")), (art(), state("108", 2014, "NĐ", "TTg"))),
    ("state province", (art("Hà Nội"), state("12", 2020, "QĐ", "UBND")), (art("Huế"), state("12", 2020, "QĐ", "UBND"))),
]


@pytest.mark.parametrize(("first", "second"), [(a, b) for _, a, b in NEIGHBOURS] + [(b, a) for _, a, b in NEIGHBOURS],
                         ids=[f"{n}" for n, _, _ in NEIGHBOURS] + [f"{n} (reversed)" for n, _, _ in NEIGHBOURS])
def test_a_warm_resolver_answers_as_a_fresh_one(first, second):
    warm = Resolver()
    resolved(warm, *first)
    assert resolved(warm, *second) == resolved(Resolver(), *second)


def test_neighbours_do_resolve_differently():
    """The pairs above are a test only if the field they differ in changes the answer."""
    for name, a, b in NEIGHBOURS:
        assert resolved(Resolver(), *a) != resolved(Resolver(), *b), name


def test_parse_shares_one_frozen_key_per_id():
    p = DocumentKey.parse("party:05-CT/TW")
    with pytest.raises(FrozenInstanceError):  # shared, so it cannot be changed
        p.number = "changed"  # type: ignore[misc]
    assert DocumentKey.parse("party:05-CT/TW").number == "05"
    assert DocumentKey.parse("party:05-CT/TW") is p
    assert DocumentKey.parse("party:05-CT/TU").issuer_code == "TU"
    with pytest.raises(ValueError):
        DocumentKey.parse("nonsense")
    with pytest.raises(ValueError):  # errors are not memoised as answers
        DocumentKey.parse("nonsense")


def test_catalogue_code_and_name_memos_follow_the_argument():
    lex = catalogue()
    for _ in range(2):
        assert lex.body_for_code("TW") == "ban-chap-hanh-trung-uong"
        assert lex.body_for_code("QH14") == lex.body_for_code("QH") == "quoc-hoi"
        assert lex.body_for_code("XYZ") is None
        assert lex.body_for_code("") is None
        assert lex.body_for_name("Bộ Chính trị") == "bo-chinh-tri"
        assert lex.body_for_name("Ban Bí thư") == "ban-bi-thu"
        assert lex.body_for_name("Không có") is None


def test_catalogue_memo_tells_entries_of_one_id_apart():
    """Two catalogue entries of one id (a number reused in another term) are two documents."""
    key = DocumentKey.parse("party:99-NQ/TW")
    one = CatalogueEntry(key, "Nghị quyết", "2012-01-05", "ban-chap-hanh-trung-uong", "a", None, "", "s1")
    two = CatalogueEntry(key, "Nghị quyết", "2018-01-05", "bo-chinh-tri", "b", None, "", "s2")
    r = Resolver()
    assert (r._catalogue_doc(one), r._catalogue_doc(two)) == ("doc/nq-tw_2012_99", "doc/nq-tw_2018_99")
    assert r._catalogue_doc(one) == "doc/nq-tw_2012_99"
    assert (r.docs["doc/nq-tw_2012_99"].issuer, r.docs["doc/nq-tw_2018_99"].issuer) == ("ban-chap-hanh-trung-uong",
                                                                                        "bo-chinh-tri")
    assert (r.docs["doc/nq-tw_2012_99"].subject, r.docs["doc/nq-tw_2018_99"].subject) == ("a", "b")


def test_hold_sets_each_origin_field_to_its_own_value():
    """DocRecord.hold unpacks the origin group field by field: each value must land in its own field."""
    rec = DocRecord("doc/x", "party")
    values = tuple(f"value of {name}" for name in GROUP_FIELDS["origin"])
    rec.hold("origin", (0,), values)
    assert {name: getattr(rec, name) for name in GROUP_FIELDS["origin"]} == dict(zip(GROUP_FIELDS["origin"], values,
                                                                                    strict=True))
    rec.hold("province", (1,), ("Huế",))
    assert rec.province == "Huế" and rec.first["province"] == ((1,), ("Huế",))


def test_name_issuer_keeps_the_first_and_last_order_whatever_the_order_of_calls():
    orders = [(5, 1), (2, 0), (9, 3), (2, 0), (7, 7), (1, 9)]
    for seq in (orders, orders[::-1], sorted(orders)):
        rec = DocRecord("doc/x", "party")
        for o in seq:
            rec.name_issuer(("bo-chinh-tri", None), o)
        assert rec.issuers == {("bo-chinh-tri", None): (min(orders), max(orders))}


def test_new_records_have_empty_counters_of_their_own():
    a, b = DocRecord("doc/a", "party"), DocRecord("doc/b", "party")
    a.dates["2020-01-01"] += 1
    a.doc_types.update({"Chỉ thị": 2})
    assert type(a.dates) is Counter and a.dates == Counter({"2020-01-01": 1}) and a.doc_types["Chỉ thị"] == 2
    assert b.dates == {} and b.doc_types == {} and b.dates is not a.dates
