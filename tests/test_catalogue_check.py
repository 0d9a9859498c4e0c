"""The catalogue checker: the shipped catalogue passes; each kind of bad entry fails, naming the entry."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.resolve.catalogue_check import SHIPPED, check_catalogue, main

CONGRESSES = [
    {"term": "XII", "opened": "2016-01-20", "closed": "2016-01-28", "source": "s"},
    {"term": "XIII", "opened": "2021-01-26", "closed": "2021-02-01", "source": "s"},
]
GOOD = {
    "id": "party:05-CT/TW", "doc_type": "Chỉ thị", "date": "2016-05-15", "issuer": "bo-chinh-tri",
    "subject": "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "status": "verified",
    "source": "https://example.org/ct-05",
}


def catalogue(*docs: dict, plenums: list | None = None) -> dict:
    return {"documents": list(docs), "plenums": plenums or [], "congresses": copy.deepcopy(CONGRESSES)}


def changed(**fields) -> dict:
    entry = dict(GOOD, **fields)
    return {k: v for k, v in entry.items() if v is not ...}


def test_shipped_catalogue_passes_and_prints_coverage(capsys):
    assert main([str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| term |")
    assert "| all |" in out


def test_shipped_catalogue_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "graphbuild.resolve.catalogue_check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "documents (" in done.stdout


def test_a_small_good_catalogue_passes():
    later = changed(id="party:45-CT/TW", date="2020-06-20", subject="bầu cử")
    again = changed(id="party:45-CT/TW", date="2021-05-01", subject="khác")  # same number, next term
    report = check_catalogue(catalogue(GOOD, later, again))
    assert report.ok, report.errors
    assert report.documents == 3


BAD = {
    "duplicate key in one term": ([GOOD, changed(date="2017-01-02")], "duplicate key"),
    "unpadded number": ([changed(id="party:5-CT/TW")], "not canonical"),
    "unknown type code": ([changed(id="party:05-XX/TW")], "type code"),
    "copy marker as type": ([changed(id="party:05-BS/TW")], "type code"),
    "type word against code": ([changed(doc_type="Nghị quyết")], "type word"),
    "unknown issuer code": ([changed(id="party:05-CT/ZZTW")], "issuer code"),
    "state id": ([changed(id="state:05/2016/CT-TTg")], "party:NN-TYPE/ISSUER"),
    "issuer not in bodies.json": ([changed(issuer="bo-khong-co")], "not a body"),
    "issuer outside the code's series": ([changed(issuer="van-phong-trung-uong")], "series"),
    "state body as issuer": ([changed(issuer="chinh-phu")], "central Party body"),
    "date before every term": ([changed(date="2010-01-01")], "outside every committee term"),
    "not an ISO date": ([changed(date="15/05/2016")], "ISO date"),
    "plenum of another term": ([changed(plenum={"term": "XIII", "number": 4})], "plenum of term"),
    "no source": ([changed(source="")], "no source"),
    "source missing": ([changed(source=...)], "missing source"),
    "unknown status": ([changed(status="recalled")], "status"),
    "unknown field": ([changed(note="x")], "unknown field"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_entries_fail_naming_the_entry(case, tmp_path: Path, capsys):
    docs, words = BAD[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(catalogue(*docs), ensure_ascii=False), encoding="utf-8")
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    bad_id = docs[-1]["id"]
    assert any(bad_id in line and words in line for line in err.splitlines()), err


def test_plenum_naming_an_uncatalogued_resolution_fails():
    report = check_catalogue(catalogue(GOOD, plenums=[{"term": "XII", "number": 6, "resolutions": ["party:18-NQ/TW"]}]))
    assert not report.ok
    assert any("party:18-NQ/TW" in e and "XII/6" in e for e in report.errors)


def test_unreadable_file_is_an_error(tmp_path: Path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    assert main([str(path)]) == 2


def test_the_readme_shows_the_shipped_catalogues_coverage() -> None:
    """The coverage table in the README is the checker's own output for the shipped catalogue."""
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([sys.executable, "-m", "graphbuild.resolve.catalogue_check"], capture_output=True,
                         text=True, check=True).stdout
    table = [line for line in out.splitlines() if line.startswith("|")]
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = [line.strip() for line in readme.splitlines() if line.strip().startswith("| ") and
             line.strip().split("|")[1].strip() in {"term", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "all"}
             or line.strip().startswith("|---|---|---|---|---|---|---|---|---|---|")]
    assert table and all(row in shown for row in table), "update the README's catalogue table"
