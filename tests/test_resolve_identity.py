"""Corpus-level identity (issue 15): folders of short articles whose right grouping is known, built with
`graphbuild build` and asked with `graphbuild cites --format json` (document -> articles, resolved_by)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli


def _write(folder: Path, articles: dict[str, tuple[str, str]]) -> Path:
    """name -> (dateline dd/mm/yyyy, text): one text file per article, a title line, its dateline, its text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (day, text) in articles.items():
        (folder / f"{name}.txt").write_text(f"Tin {name}\nCập nhật ngày: {day} 08:00\n{text}\n", encoding="utf-8")
    return folder


def _build(tmp_path: Path, articles: dict[str, tuple[str, str]], *extra: str) -> Path:
    src = _write(tmp_path / "src", articles)
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["build", str(src), "--out", str(out), "--jobs", "1", "-q", *extra],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def _cites(out: Path, x: str) -> dict[str, dict[str, str | None]]:
    """document -> {article file name: resolved_by} of `graphbuild cites X --format json`."""
    r = CliRunner().invoke(cli, ["cites", x, "--graph", str(out), "--format", "json"], catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output
    rows = json.loads(r.stdout) if r.stdout.strip() else []
    found: dict[str, dict[str, str | None]] = {}
    for row in rows:
        found.setdefault(row["document"], {})[Path(row["source"]).stem] = row["resolved_by"]
    return found


def _graph_lines(out: Path) -> list[str]:
    """graph.nt without the build run's two nodes (named by a digest of the article ids in input order)."""
    return [line for line in (out / "graph.nt").read_text(encoding="utf-8").splitlines()
            if "/id/run/" not in line and "/id/dataset/" not in line]


def _mentions(out: Path) -> list[dict]:
    with open(out / "mentions.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _catalogued(doc_id: str) -> list[str]:
    """The dates the shipped catalogue gives ``doc_id`` (tests below need some numbers it does not hold)."""
    from graphbuild.resolve.catalogue import catalogue

    return [e.date or "" for e in catalogue().entries.get(doc_id, [])]


# 87-KL/TW: a central number the catalogue does not hold, so only the corpus can say which it is
BARE_AFTER_FULL = {
    "a1": ("10/06/2016", "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và "
                         "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. Kết luận số 87-KL/TW ngày 20/6/2018 "
                         "của Bộ Chính trị về công tác dân vận được quán triệt."),
    "a2": ("01/09/2018", "Chi bộ tiếp tục thực hiện Chỉ thị 05 của Bộ Chính trị và Kết luận 87 của Bộ Chính trị."),
}


def test_bare_mention_joins_the_document_another_article_cites_in_full(tmp_path: Path) -> None:
    assert _catalogued("party:87-KL/TW") == [] and _catalogued("party:05-CT/TW") == ["2016-05-15"]
    out = _build(tmp_path, BARE_AFTER_FULL)
    assert _cites(out, "05-CT/TW") == {"doc/ct-tw_2016_05": {"a1": "stated", "a2": "catalogue"}}
    assert _cites(out, "87-KL/TW") == {"doc/kl-tw_2018_87": {"a1": "stated", "a2": "corpus"}}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["resolved_by"] == {"catalogue": 1, "corpus": 1, "near-miss": 0, "same-article": 0, "stated": 2}


def test_any_input_order_and_jobs_give_the_same_graph(tmp_path: Path) -> None:
    """The bare mention in a1 (read first) joins the document a2 cites in full: nothing depends on order."""
    articles = {"a1": BARE_AFTER_FULL["a2"], "a2": BARE_AFTER_FULL["a1"]}
    src = _write(tmp_path / "src", articles)
    outs = []
    for n, (args, jobs) in enumerate(((["a1.txt", "a2.txt"], "1"), (["a2.txt", "a1.txt"], "2"))):
        out = tmp_path / f"out{n}"
        r = CliRunner().invoke(cli, ["build", *(str(src / a) for a in args), "--out", str(out), "-j", jobs, "-q",
                                     "--no-store"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        outs.append(out)
    assert _graph_lines(outs[0]) == _graph_lines(outs[1])
    assert "doc/kl-tw_2018_87" in {m["document"] for m in _mentions(outs[0]) if m["surface"] == "Kết luận 87"}


def test_two_terms_stay_two_documents_and_khoa_picks_one(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "x2010": ("01/08/2010", "Thực hiện Chỉ thị số 45-CT/TW ngày 22/7/2010 của Bộ Chính trị về các ngày kỷ niệm."),
        "x2020": ("01/07/2020", "Thực hiện Chỉ thị số 45-CT/TW ngày 20/6/2020 của Bộ Chính trị về bầu cử."),
        "bare": ("01/03/2021", "Các cấp ủy quán triệt Chỉ thị số 45-CT/TW của Bộ Chính trị."),
        "khoa": ("01/08/2020", "Thực hiện Chỉ thị số 45-CT/TW của Bộ Chính trị khóa XII, các chi bộ chuẩn bị bầu cử."),
    })
    found = _cites(out, "45-CT/TW")
    assert found["doc/ct-tw_2010_45"] == {"x2010": "stated"}
    assert found["doc/ct-tw_2020_45"] == {"x2020": "stated", "khoa": "catalogue"}
    keys = {m["document"] for m in _mentions(out) if Path(m["source"]).stem == "bare"}
    assert keys == {"citekey/ct-tw_45"}, "2010 and 2020 both fit an undated 45-CT/TW of 2021: ambiguous"


def test_two_provinces_each_keep_their_own_number(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "tn": ("10/04/2019", "Tỉnh ủy Thái Nguyên ban hành Nghị quyết số 10-NQ/TU ngày 5/3/2019 về chuyển đổi số."),
        "na": ("20/04/2019", "Tỉnh ủy Nghệ An ban hành Nghị quyết số 10-NQ/TU ngày 12/4/2019 về du lịch Nghệ An."),
        "tn2": ("10/06/2019", "Các chi bộ ở Thái Nguyên thực hiện Nghị quyết số 10-NQ/TU của Tỉnh ủy Thái Nguyên."),
        "noprov": ("10/06/2019", "Các chi bộ thực hiện Nghị quyết số 10-NQ/TU ngày 5/3/2019 của Tỉnh ủy."),
        # the next local term (its numbers restart): the 2019 document is no evidence for an undated number
        "tn3": ("10/06/2022", "Các chi bộ ở Thái Nguyên thực hiện Nghị quyết số 10-NQ/TU của Tỉnh ủy Thái Nguyên."),
        # the season of provincial congresses before the national one: either term's number
        "tn4": ("15/09/2020", "Các chi bộ ở Thái Nguyên thực hiện Nghị quyết số 10-NQ/TU của Tỉnh ủy Thái Nguyên."),
    })
    documents = {d: a for d, a in _cites(out, "10-NQ/TU").items() if d.startswith("doc/")}
    # an undated provincial number joins the only document of its province issued in the local term its
    # article is certainly in (numbers restart each term)
    assert documents == {"doc/nq-tu_thai-nguyen_2019_10": {"tn": "stated", "noprov": "corpus", "tn2": "corpus"},
                         "doc/nq-tu_nghe-an_2019_10": {"na": "stated"}}
    for stem in ("tn3", "tn4"):
        [m] = [m for m in _mentions(out) if Path(m["source"]).stem == stem]
        assert m["document"].startswith("citekey/"), stem


def test_a_typod_date_is_a_conflict_not_a_second_document(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "right": ("01/10/2019", "Quy định số 205-QĐ/TW ngày 23/9/2019 của Bộ Chính trị về kiểm soát quyền lực."),
        "typo": ("01/12/2019", "Quy định số 205-QĐ/TW ngày 23/10/2019 của Bộ Chính trị về kiểm soát quyền lực."),
        "kl1": ("01/08/2018", "Kết luận số 87-KL/TW ngày 20/6/2018 của Bộ Chính trị về công tác dân vận."),
        "kl2": ("01/09/2018", "Kết luận số 87-KL/TW ngày 20/7/2018 của Bộ Chính trị về công tác dân vận."),
        "kl3": ("01/10/2018", "Kết luận số 87-KL/TW ngày 20/6/2018 của Bộ Chính trị về công tác dân vận."),
    })
    assert _cites(out, "205-QĐ/TW") == {"doc/qd-tw_2019_205": {"right": "stated", "typo": "stated"}}
    assert _cites(out, "87-KL/TW") == {"doc/kl-tw_2018_87": {"kl1": "stated", "kl2": "stated", "kl3": "stated"}}
    conflicts = json.loads((out / "report.json").read_text(encoding="utf-8"))["conflicts"]
    assert {"document": "doc/qd-tw_2019_205", "conflict": "date 2019-10-23 (catalogue 2019-09-23)"} in conflicts
    assert {"document": "doc/kl-tw_2018_87", "conflict": "date 2018-07-20 (kept 2018-06-20)"} in conflicts


def test_a_near_miss_code_joins_the_catalogued_document_and_keeps_what_was_written(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "miss": ("01/10/2018", "Thực hiện Quy định 07-QĐ/TƯ ngày 28-8-2018 của Bộ Chính trị về kỷ luật."),
        "right": ("01/11/2018", "Quy định số 07-QĐi/TW ngày 28/8/2018 của Bộ Chính trị về xử lý kỷ luật."),
        "other": ("01/11/2018", "Quy định 07-QĐ/TW ngày 5/3/2018 của Bộ Chính trị."),
    })
    assert _cites(out, "07-QĐi/TW") == {"doc/qdi-tw_2018_07": {"miss": "near-miss", "right": "stated"}}
    [miss] = [m for m in _mentions(out) if Path(m["source"]).stem == "miss"]
    assert (miss["surface"], miss["document"]) == ("Quy định 07-QĐ/TƯ", "doc/qdi-tw_2018_07")
    [other] = [m for m in _mentions(out) if Path(m["source"]).stem == "other"]
    assert other["document"] != "doc/qdi-tw_2018_07", "neither the date nor a subject agrees: not the QĐi"


def test_a_bare_mention_with_two_compatible_catalogue_documents_stays_a_citation_key(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "bare": ("01/03/2023", "Các cấp ủy tiếp tục thực hiện Nghị quyết số 21 của Ban Chấp hành Trung ương."),
        "full": ("01/07/2022", "Nghị quyết số 21-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương về tổ chức "
                               "cơ sở đảng."),
    })
    found = _cites(out, "21-NQ/TW")
    assert found.get("doc/nq-tw_2022_21") == {"full": "stated"}
    assert "bare" not in found.get("doc/nq-tw_2017_21", {})
    [bare] = [m for m in _mentions(out) if Path(m["source"]).stem == "bare"]
    assert bare["document"].startswith("citekey/") and bare["resolved_by"] is None
    key = json.loads((out / "report.json").read_text(encoding="utf-8"))["citation_keys_unresolved"]
    assert {"doc/nq-tw_2017_21", "doc/nq-tw_2022_21"} <= set(next(k for k in key if k["key"] == bare["document"])
                                                             ["candidates"])


def test_a_subject_tells_two_compatible_documents_apart(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "bare": ("01/03/2023", "Thực hiện Nghị quyết số 21 của Ban Chấp hành Trung ương về tăng cường củng cố, "
                               "xây dựng tổ chức cơ sở đảng."),
    })
    assert _cites(out, "21-NQ/TW").get("doc/nq-tw_2022_21") == {"bare": "catalogue"}


def test_the_sentence_speaking_of_one_catalogued_subject_tells_them_apart(tmp_path: Path) -> None:
    # 10-CT/TW is two catalogued documents (Ban Bí thư 2007 on Party cell meetings, Bộ Chính trị 2011 on
    # education); the mention gives no date or subject, its sentence speaks of the first one's subject
    out = _build(tmp_path, {
        "cells": ("01/03/2023", "Các đảng bộ tập trung nâng cao chất lượng sinh hoạt chi bộ theo tinh thần "
                                "Chỉ thị 10-CT/TW."),
        "plain": ("01/03/2023", "Các đảng bộ đã sơ kết Chỉ thị 10-CT/TW."),
    })
    found = _cites(out, "10-CT/TW")
    assert found.get("doc/ct-tw_2007_10") == {"cells": "catalogue"}
    assert "plain" not in found.get("doc/ct-tw_2007_10", {}) and "doc/ct-tw_2011_10" not in found
    [plain] = [m for m in _mentions(out) if Path(m["source"]).stem == "plain"]
    assert plain["document"].startswith("citekey/") and plain["resolved_by"] is None


def test_a_bare_mention_dated_before_the_only_candidate_does_not_join(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "early": ("01/03/2015", "Chi bộ thực hiện Chỉ thị 05 của Bộ Chính trị và Kết luận 87 của Bộ Chính trị."),
        "full": ("01/08/2018", "Kết luận số 87-KL/TW ngày 20/6/2018 của Bộ Chính trị về công tác dân vận."),
    })
    assert _cites(out, "05-CT/TW").get("doc/ct-tw_2016_05", {}) == {}
    assert _cites(out, "87-KL/TW") == {"doc/kl-tw_2018_87": {"full": "stated"}}


def test_khoa_after_a_bare_number_states_its_term(tmp_path: Path) -> None:
    out = _build(tmp_path, {
        "nq18": ("01/03/2023", "Thực hiện Nghị quyết số 18 của Ban Chấp hành Trung ương khóa XII về tinh gọn tổ "
                               "chức bộ máy."),
    })
    assert _cites(out, "18-NQ/TW") == {"doc/nq-tw_2017_18": {"nq18": "catalogue"}}


def test_an_incremental_build_that_adds_an_article_re_resolves_the_others(tmp_path: Path) -> None:
    src = _write(tmp_path / "src", {"a2": BARE_AFTER_FULL["a2"]})
    out, scratch = tmp_path / "out", tmp_path / "scratch"
    run = CliRunner().invoke
    assert run(cli, ["build", str(src), "--out", str(out), "-j", "1", "-q", "--no-store"]).exit_code == 0
    assert [m["document"] for m in _mentions(out) if m["surface"] == "Kết luận 87"] == ["citekey/kl_87"]
    _write(src, {"a1": BARE_AFTER_FULL["a1"]})
    assert run(cli, ["build", str(src), "--out", str(out), "-j", "1", "-q", "--no-store"]).exit_code == 0
    assert run(cli, ["build", str(src), "--out", str(scratch), "-j", "1", "-q", "--no-store",
                     "--no-cache"]).exit_code == 0
    assert [m["document"] for m in _mentions(out) if m["surface"] == "Kết luận 87"] == ["doc/kl-tw_2018_87"]
    for name in ("graph.nt", "mentions.jsonl", "report.json"):
        assert (out / name).read_bytes() == (scratch / name).read_bytes(), name


# --------------------------------------------------------------------------- --catalogue FILE


def _catalogue(path: Path, documents: list[dict]) -> Path:
    path.write_text(json.dumps({"documents": documents}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_users_catalogue_resolves_provincial_documents(tmp_path: Path) -> None:
    cat = _catalogue(tmp_path / "mine.json", [{
        "id": "party:10-NQ/TU", "province": "Thái Nguyên", "doc_type": "Nghị quyết", "date": "2019-03-05",
        "issuer": "tinh-uy", "subject": "chuyển đổi số", "status": "verified", "source": "https://example.org/nq10"}])
    out = _build(tmp_path, {"tn": ("10/06/2019", "Các chi bộ ở Thái Nguyên thực hiện Nghị quyết số 10-NQ/TU của "
                                                 "Tỉnh ủy Thái Nguyên.")}, "--catalogue", str(cat))
    assert _cites(out, "10-NQ/TU") == {"doc/nq-tu_thai-nguyen_2019_10": {"tn": "catalogue"}}
    nt = (out / "graph.nt").read_text(encoding="utf-8")
    assert "<https://w3id.org/graphbuild/id/doc/nq-tu_thai-nguyen_2019_10> <http://purl.org/dc/terms/source> " \
           "\"https://example.org/nq10\"" in nt


@pytest.mark.parametrize(("entry", "said"), [
    ({"id": "party:10-NQ/TU", "doc_type": "Nghị quyết", "date": "2019-03-05", "source": "x"}, "give its province"),
    ({"id": "party:10-XX/TW", "doc_type": "Nghị quyết", "date": "2019-03-05", "source": "x"}, "type code 'XX'"),
    ({"id": "party:10-NQ/TW", "doc_type": "Nghị quyết", "date": "5/3/2019", "source": "x"}, "not an ISO date"),
])
def test_a_bad_catalogue_is_a_clear_error_naming_file_and_entry(tmp_path: Path, entry: dict, said: str) -> None:
    cat = _catalogue(tmp_path / "bad.json", [entry])
    src = _write(tmp_path / "src", {"a": ("01/01/2020", "Nghị quyết số 10-NQ/TW.")})
    r = CliRunner().invoke(cli, ["build", str(src), "--out", str(tmp_path / "out"), "--catalogue", str(cat)])
    assert r.exit_code == 2
    assert str(cat) in r.output and f"documents[0] {entry['id']}" in r.output and said in r.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("date", "term"), [
    ("2019-03-05", "XII"),  # inside the local term that runs beside khóa XII
    ("2022-10-09", "XIII"),
    ("2026-03-01", "XIV"),
    ("2020-09-15", None),  # provincial congresses sat in Aug–Oct 2020, before the national one of January 2021
    ("2025-10-01", None),  # and in Sept–Oct 2025
    ("2021", None),  # not a full date
    ("2021-13-40", None),
    (None, None),
])
def test_local_term_of_a_date(date: str | None, term: str | None) -> None:
    from graphbuild.resolve.catalogue import local_term_of

    assert local_term_of(date) == term


def test_a_subject_after_a_list_is_no_items_own(tmp_path: Path) -> None:
    """'Kết luận 21, Kế hoạch 03 và Quy định 37 của Trung ương về công tác xây dựng Đảng': the words after the
    shared body are the list's theme, so they do not keep the last item from its catalogued document."""
    out = _build(tmp_path, {
        "list": ("01/06/2022", "Ngành tổ chức triển khai Kết luận số 21-KL/TW, Kế hoạch số 03-KH/TW và Quy định số "
                               "37-QĐ/TW của Trung ương về công tác xây dựng, chỉnh đốn Đảng."),
    })
    assert _cites(out, "37-QĐ/TW") == {"doc/qd-tw_2021_37": {"list": "catalogue"}}


# 87-KL/TW is not catalogued: three articles date it, two of them with a year typo (2019 for 2018)
YEAR_TYPO = {
    "y1": ("01/08/2018", "Thực hiện Kết luận số 87-KL/TW ngày 20/6/2018 của Bộ Chính trị về công tác dân vận."),
    "y2": ("01/10/2019", "Quán triệt Kết luận số 87-KL/TW ngày 20/6/2019 của Bộ Chính trị về công tác dân vận."),
    "y3": ("01/11/2019", "Sơ kết Kết luận số 87-KL/TW ngày 20/6/2019 của Bộ Chính trị; các chi bộ thực hiện "
                         "Kết luận 87-KL/TW nghiêm túc."),
    "bare": ("01/12/2019", "Chi bộ tiếp tục thực hiện Kết luận 87 của Bộ Chính trị về công tác dân vận."),
}


def test_one_term_one_document_whatever_year_its_mentions_give(tmp_path: Path) -> None:
    """Rule 1 across years: one node for the term's 87-KL/TW, named by its most cited date's year (2019 here:
    two articles against one), the other date a conflict on it, every article citing it; in any input order
    and number of processes."""
    assert _catalogued("party:87-KL/TW") == []
    src = _write(tmp_path / "src", YEAR_TYPO)
    outs = []
    for n, (names, jobs) in enumerate(((["y1", "y2", "y3", "bare"], "1"), (["bare", "y3", "y2", "y1"], "2"))):
        out = tmp_path / f"out{n}"
        r = CliRunner().invoke(cli, ["build", *(str(src / f"{a}.txt") for a in names), "--out", str(out), "-j", jobs,
                                     "-q", "--no-store"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        outs.append(out)
    assert _graph_lines(outs[0]) == _graph_lines(outs[1])
    assert _cites(outs[0], "87-KL/TW") == {"doc/kl-tw_2019_87": {"y1": "stated", "y2": "stated", "y3": "stated",
                                                                  "bare": "corpus"}}
    lines = _graph_lines(outs[0])
    assert not [line for line in lines if "kl-tw_2018_87" in line], "no second node for the typo'd year"
    assert any('conflict> "date 2018-06-20 (kept 2019-06-20)"' in line for line in lines)


def test_a_relation_on_a_mention_whose_year_the_corpus_moves_still_ends_on_a_node(tmp_path: Path) -> None:
    """A relation is written while its article is read, before rule 1 names the node by its most cited date:
    its end is the node of the mention's own year, made then (never an IRI with nothing said of it)."""
    out = _build(tmp_path, {
        "y1": ("01/08/2018", "Tỉnh ủy Thái Bình ban hành Kế hoạch số 146-KH/TU ngày 1/7/2018 thực hiện Kết luận "
                             "số 87-KL/TW ngày 20/6/2018 của Bộ Chính trị về công tác dân vận."),
        "y2": YEAR_TYPO["y2"], "y3": YEAR_TYPO["y3"],
    }, "--no-store")
    lines = _graph_lines(out)
    ends = {line.split()[2] for line in lines if line.split()[1].endswith("#ensures_implementation_of>")}
    assert ends, "the text states the relation"
    typed = {line.split()[0] for line in lines if "22-rdf-syntax-ns#type>" in line}
    assert ends <= typed
    assert _cites(out, "87-KL/TW") == {"doc/kl-tw_2019_87": {"y1": "stated", "y2": "stated", "y3": "stated"}}


def test_a_state_number_with_no_issuer_joins_the_one_document_that_fits(tmp_path: Path) -> None:
    """Rule 2 for state numbers: 'Thông tư 36/2017' (year and type, no issuer) is the corpus's one circular
    36/2017/TT-*; with two such circulars a citation key between them; with none, its own node as written.
    'Nghị định 123/2021' is the Government's decree (the only body that issues decrees)."""
    out = _build(tmp_path, {
        "full": ("01/02/2018", "Thông tư số 36/2017/TT-BGDĐT ngày 28/12/2017 của Bộ Giáo dục và Đào tạo về công "
                               "khai; Thông tư số 99/2018/TT-BTC và Thông tư số 99/2018/TT-BYT được ban hành; Nghị "
                               "định số 123/2021/NĐ-CP ngày 28/12/2021 của Chính phủ."),
        "short": ("01/03/2022", "Theo Thông tư 36/2017, các trường công khai; Thông tư 99/2018 quy định khác; "
                                "Thông tư 12/2015 vẫn áp dụng; Nghị định 123/2021 tăng mức phạt."),
    }, "--no-store")
    rows = {m["surface"]: m for m in _mentions(out) if Path(m["source"]).stem == "short"}
    assert (rows["Thông tư 36/2017"]["document"], rows["Thông tư 36/2017"]["resolved_by"]) == \
        ("doc/tt-bgddt_2017_36", "corpus")
    assert rows["Thông tư 99/2018"]["document"].startswith("citekey/")
    assert (rows["Thông tư 12/2015"]["document"], rows["Thông tư 12/2015"]["resolved_by"]) == \
        ("doc/tt_2015_12", "stated")
    assert _cites(out, "123/2021/NĐ-CP") == {"doc/nd-cp_2021_123": {"full": "stated", "short": "stated"}}
    keys = [line for line in _graph_lines(out) if "citekey/tt_99>" in line and "#candidate>" in line]
    assert len(keys) == 2


def test_the_subject_a_bare_number_gives_picks_the_document_it_names_most_closely(tmp_path: Path) -> None:
    """Two catalogued 18-NQ/TW (2017 on the political system's apparatus, 2022 on land) both share 'hiệu lực,
    hiệu quả' with either subject; the one sharing far more words is meant. No subject: a key between them."""
    out = _build(tmp_path, {
        "land": ("10/05/2023", "Thực hiện Nghị quyết 18 của Trung ương về tiếp tục đổi mới, hoàn thiện thể chế, "
                               "chính sách, nâng cao hiệu lực, hiệu quả quản lý và sử dụng đất."),
        "apparatus": ("10/05/2023", "Tổng kết Nghị quyết 18 về sắp xếp tổ chức bộ máy của hệ thống chính trị tinh "
                                    "gọn, hoạt động hiệu lực, hiệu quả."),
        "none": ("10/05/2023", "Các cấp ủy tiếp tục thực hiện Nghị quyết 18."),
    })
    found = {Path(m["source"]).stem: m["document"] for m in _mentions(out)}
    assert found["land"] == "doc/nq-tw_2022_18" and found["apparatus"] == "doc/nq-tw_2017_18"
    assert found["none"].startswith("citekey/")
