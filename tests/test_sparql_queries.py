"""Each worked query in ontology/queries/ runs on the sample graph (the relation queries on the corpus of
tests/fixtures/relations/, which states amendments and preambles) and answers what its header says."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from _query_graph import sample_graph

from graphbuild.ask.sparql import execute
from graphbuild.pipeline.build import build
from graphbuild.write.store import open_store

QUERIES = Path(__file__).resolve().parents[1] / "ontology" / "queries"
RELATIONS = Path(__file__).resolve().parent / "fixtures" / "relations"
D = "https://w3id.org/graphbuild/id/doc/"
B = "https://w3id.org/graphbuild/id/body/"


@pytest.fixture(scope="session")
def graph_dir(tmp_path_factory) -> Path:
    return sample_graph(tmp_path_factory)


@pytest.fixture(scope="session")
def store(graph_dir):
    return open_store(graph_dir)


@pytest.fixture(scope="session")
def relations_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("relations") / "out"
    build([str(RELATIONS)], out, jobs=1)
    return open_store(out)


def rows(store, name: str) -> list[dict[str, str]]:
    res = execute(store, (QUERIES / name).read_text(encoding="utf-8"), timeout=None)
    return [{v: (t.value if t is not None else None) for v, t in zip(res.variables, r, strict=True)} for r in res.rows]


def check_01(r, _report):
    assert r and all("205-QĐ/TW" in x["anchor"] for x in r)
    assert "Ngành Tổ chức xây dựng Đảng: 10 kết quả nổi bật năm 2021" in {x["title"] for x in r}


def check_02(r, _report):
    assert {x["doc"] for x in r} >= {D + "qd-tw_2019_205", D + "ct-tw_2019_35"}
    assert {x["number"] for x in r if x["doc"] == D + "qd-tw_2019_205"} == {"205-QĐ/TW"}
    dates = [x["date"] for x in r if x["date"]]
    assert dates == sorted(dates)


def check_03(r, _report):
    docs = {x["doc"] for x in r}
    assert {D + "charter", D + "ct-tw_2019_35", D + "plenum_xii_6"} <= docs
    assert not any("thai-nguyen" in d for d in docs)  # provincial documents are not central


def check_04(r, _report):
    years = [int(x["year"]) for x in r]
    assert years == sorted(years) and 2019 in years
    assert all(int(x["mentions"]) >= int(x["articles"]) >= 1 for x in r)


def check_05(r, _report):
    assert all(x["a"] < x["b"] for x in r)
    pairs = {(x["a"], x["b"]): int(x["together"]) for x in r}
    assert pairs[(D + "charter", D + "plenum_xii_6")] >= 1
    assert not any("/citekey/" in a or "/citekey/" in b for a, b in pairs)


def check_06(r, _report):
    assert {(int(x["length"]), x["via"]) for x in r} == {(2, D + "plenum_xii_4")}


def check_07(r, _report):
    parent = {x["body"]: x["parent"] for x in r}
    assert parent[B + "bo-chinh-tri"] == B + "ban-chap-hanh-trung-uong"
    assert parent[B + "dang-cong-san-viet-nam"] is None


def check_08(r, report):
    keys = {x["key"].rsplit("/id/", 1)[1] for x in r}
    assert keys == {k["key"] for k in report["citation_keys_unresolved"]}
    counts = [int(x["citations"]) for x in r]
    assert counts == sorted(counts, reverse=True)


def check_09(r, _report):
    assert 1 <= len(r) <= 10
    ranks = [(int(x["articles"]), int(x["mentions"])) for x in r]
    assert ranks == sorted(ranks, reverse=True)
    assert r[0]["doc"] in {D + "charter", D + "plenum_xii_4"} and ranks[0][0] == 2
    assert not any("/citekey/" in x["doc"] for x in r)


def check_10(r, _report):
    parts = {x["partNumber"] for x in r if x["plenum"] == D + "plenum_xii_6"}
    assert parts == {"18-NQ/TW", "19-NQ/TW", "20-NQ/TW", "21-NQ/TW"}


def check_11(r, _report):
    types = {x["type"]: int(x["documents"]) for x in r}
    assert types["Quy định"] >= 1 and types["Nghị định"] == 2
    assert list(types.values()) == sorted(types.values(), reverse=True)


def check_12(r, report):
    forms = {x["form"]: int(x["mentions"]) for x in r}
    assert max(forms, key=forms.get) == "full"
    assert set(forms) <= {"full", "short", "list"}
    assert sum(forms.values()) >= report["articles"]


def check_13(r, report):
    assert len(r) == len(report["conflicts"])
    assert any(x["doc"] == D + "kl-tw_2021_21" and x["conflict"].startswith("date") for x in r)


def check_14(r, _report):
    assert [(x["province"], x["doc"], x["kind"], x["target"]) for x in r] == [
        ("(central)", D + "ctr-btctw_2021_02", "implements", D + "congress_xiii")]
    assert all(int(x["articles"]) >= 1 for x in r)


def check_15(r, _report):
    found = {(x["source"], x["kind"], x["target"]) for x in r}
    assert {(D + "ctr-btctw_2021_02", "implements", D + "congress_xiii"),
            (D + "qd-tw_2021_24", "guides", D + "charter"), (D + "hd-tw_2021_01", "guides", D + "charter")} <= found
    assert all(x["words"] and x["words"].lower() in x["sentence"].lower() for x in r)


def check_16(r, _report):
    # Nghị định 77/2022/NĐ-CP amends 15/2018/NĐ-CP; 155/2018, named beside it without a verb, does not
    assert [(x["direction"], x["kind"], x["other"]) for x in r] == [
        ("is changed by", "amends", D + "nd-cp_2022_77")]
    assert r[0]["date"] == "2022-10-11" and int(r[0]["texts"]) == 1


def check_17(r, _report):
    # the preamble of Nghị quyết 03/NQ-CP: Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi …
    # ngày 22 tháng 11 năm 2019; Căn cứ Nghị định 123/2016/NĐ-CP; Căn cứ Nghị quyết 57-NQ/TW
    assert [(x["basis"], x["type"], x["date"]) for x in r] == [
        (D + "luat-qh13_2015_76", "Luật", "2015-06-19"), (D + "nd-cp_2016_123", "Nghị định", "2016-09-01"),
        (D + "luat-qh14_2019_47", "Luật", "2019-11-22"), (D + "nq-tw_2024_57", "Nghị quyết", "2024-12-22")]


ON_RELATIONS_CORPUS = {"16-what-amends-or-repeals-a-document.rq", "17-what-a-document-rests-on.rq"}

CHECKS: dict[str, Callable] = {
    "01-articles-citing-a-document.rq": check_01,
    "02-documents-of-an-issuer.rq": check_02,
    "03-central-documents-cited-in-a-province.rq": check_03,
    "04-citations-per-year.rq": check_04,
    "05-documents-cited-together.rq": check_05,
    "06-short-paths-between-two-documents.rq": check_06,
    "07-bodies-and-their-parents.rq": check_07,
    "08-ambiguous-references.rq": check_08,
    "09-most-cited-documents.rq": check_09,
    "10-plenum-resolutions-and-their-parts.rq": check_10,
    "11-documents-by-type.rq": check_11,
    "12-how-references-are-written.rq": check_12,
    "13-conflicting-values.rq": check_13,
    "14-what-implements-a-directive-by-province.rq": check_14,
    "15-relations-stated-between-documents.rq": check_15,
    "16-what-amends-or-repeals-a-document.rq": check_16,
    "17-what-a-document-rests-on.rq": check_17,
}


def test_every_query_is_checked_and_documented() -> None:
    names = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert len(names) >= 12
    assert names == sorted(CHECKS)
    for name in names:
        text = (QUERIES / name).read_text(encoding="utf-8")
        assert text.startswith("# ") and len(text.split("\n", 1)[0]) > 20, f"{name}: no header comment"


def test_queries_ship_in_the_package() -> None:
    shipped = files("graphbuild.ontology") / "queries"
    if not shipped.is_dir():
        pytest.skip("package not installed with its data")
    assert {p.name for p in shipped.iterdir() if p.name.endswith(".rq")} == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_query(request, graph_dir, name: str) -> None:
    report = json.loads((graph_dir / "report.json").read_text(encoding="utf-8"))
    store = request.getfixturevalue("relations_store" if name in ON_RELATIONS_CORPUS else "store")
    CHECKS[name](rows(store, name), report)
