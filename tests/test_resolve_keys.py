"""Document keys are made once by the extractor and read, not re-parsed, by the resolver.

The extractor makes a :class:`DocumentKey` where it reads a reference; its string form is the
``id`` of the extract contract, and :meth:`DocumentKey.parse` of that id gives back an equal key
(which is what a build with ``--jobs 2`` or a warm cache resolves, since worker pipes and the cache
carry the id).  So the keys the extractor makes must be exactly the keys its ids parse to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphbuild.domain.ids import CHARTER, DocumentKey, party_id, state_id
from graphbuild.domain.model import Article, Mention
from graphbuild.extract.find import extract
from graphbuild.resolve.catalogue import catalogue
from graphbuild.resolve.resolver import Resolver

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]


def _case_texts() -> list[str]:
    """Every ``text`` of the extractor's case files."""
    texts: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "text" and isinstance(v, str):
                    texts.append(v)
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for p in sorted((ROOT / "tests" / "cases").glob("*.json")):
        walk(json.loads(p.read_text(encoding="utf-8")))
    return texts


def test_extracted_keys_are_the_keys_their_ids_parse_to() -> None:
    mentions = [m for t in SAMPLES + _case_texts() for m in extract(t)]
    assert len(mentions) > 400
    kinds = set()
    for m in mentions:
        assert m.key is not None and str(m.key) == m.id == m.to_dict()["id"]
        assert DocumentKey.parse(m.id) == m.key, (m.id, m.key)
        kinds.add(m.key.kind)
    assert kinds == {"party", "state", "named", "bare"}


@pytest.mark.parametrize("doc_id", ["party:205-QĐ/TW", "party:159-TB", "state:108/2014/NĐ-CP", "state:439/QĐ-TTg",
                                    "state:22/2018/QH14", "state:19046/BTC-TCHQ", "named:plenum/XII/6",
                                    "named:plenum/?/4", "named:congress/XIII", "named:charter", "bare:CT/35",
                                    "bare:Chỉ thị/35"])
def test_an_id_parses_to_a_key_whose_string_is_the_id(doc_id: str) -> None:
    assert str(DocumentKey.parse(doc_id)) == doc_id


def test_constructors_give_the_ids_of_the_contract() -> None:
    assert str(DocumentKey.party("6", "NQ", "TW")) == party_id("6", "NQ", "TW") == "party:06-NQ/TW"
    assert str(DocumentKey.party("159", "TB", None)) == "party:159-TB"
    assert str(DocumentKey.state("108", 2014, "NĐ", "CP")) == state_id("108", 2014, "NĐ", "CP") == "state:108/2014/NĐ-CP"
    assert str(DocumentKey.state("19046", None, None, "BTC-TCHQ")) == "state:19046/BTC-TCHQ"
    assert str(DocumentKey.of_plenum(6, None)) == "named:plenum/?/6"
    assert str(DocumentKey.of_congress("XIII")) == "named:congress/XIII"
    assert str(DocumentKey.bare("Chỉ thị", "035")) == "bare:Chỉ thị/35"
    assert str(CHARTER) == "named:charter" and CHARTER.is_charter
    assert DocumentKey.state("108", 2014, "NĐ", "CP").cited_as == "108/2014/NĐ-CP"
    with pytest.raises(ValueError):
        str(DocumentKey("named"))


def test_rows_carry_the_id_and_load_back_to_an_equal_key() -> None:
    for m in extract(SAMPLES[0], "a.txt"):
        row = json.loads(json.dumps(m.to_row()))
        assert m.id in row
        back = Mention.from_row(row, "a.txt")
        assert back == m and back.key == m.key


def test_the_resolver_reads_keys_without_parsing_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolving extracted mentions never calls DocumentKey.parse (the catalogue was parsed when loaded)."""
    articles = [(Article(id=f"a{i}", text=t, source=f"a{i}.txt"), extract(t, f"a{i}.txt")) for i, t in enumerate(SAMPLES)]
    expected = Resolver()
    want = [[c.target for c in expected.resolve_article(a, ms)] for a, ms in articles]
    catalogue()

    def refuse(doc_id: str) -> DocumentKey:
        raise AssertionError(f"parsed {doc_id!r}")

    monkeypatch.setattr(DocumentKey, "parse", staticmethod(refuse))
    r = Resolver()
    assert [[c.target for c in r.resolve_article(a, ms)] for a, ms in articles] == want
