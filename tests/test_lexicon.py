"""The lexicon's tables, built from the data files: what a listed issuer code stands for."""

from __future__ import annotations

from graphbuild.text.lexicon import Lexicon, build_lexicon, lexicon, load_json


def _built(bodies: list[dict]) -> Lexicon:
    return build_lexicon(load_json("doc_types.json"), {"bodies": bodies}, load_json("numerals.json"))


def test_tu_listed_for_a_provincial_committee_is_its_own_code_whatever_the_order() -> None:
    """'TƯ' is listed for the provincial committee (Tỉnh ủy, TU): registering it must not claim the central
    committee's TW for the provincial committee, whichever of the two bodies the data file lists first."""
    bodies = load_json("bodies.json")["bodies"]
    for order in (bodies, list(reversed(bodies))):
        lex = _built(order)
        assert lex.issuer_body["TW"] == "ban-chap-hanh-trung-uong"
        assert lex.issuer_body["TU"] == "tinh-uy"
        assert lex.issuer_code("TƯ") == "TW"  # written alone, TƯ is central unless the context says provincial
        assert lex.issuer_code("TU") == "TU"


def test_tu_listed_alone_names_the_provincial_committee() -> None:
    """A data file with the provincial committee but no central one: TƯ listed there is no TW code of it."""
    tinh_uy = next(b for b in load_json("bodies.json")["bodies"] if b["id"] == "tinh-uy")
    assert "TƯ" in tinh_uy["codes"]
    lex = _built([tinh_uy])
    assert "TW" not in lex.issuer_body
    assert lex.issuer_body["TU"] == "tinh-uy"


def test_built_tables_are_the_loaded_lexicon() -> None:
    data = build_lexicon(load_json("doc_types.json"), load_json("bodies.json"), load_json("numerals.json"))
    lex = lexicon()
    for table in ("type_words", "word_codes", "codes", "code_exact", "code_ascii", "bodies", "issuer_exact",
                  "issuer_ascii", "issuer_body", "body_names", "ordinals", "quantity_words", "max_central_term"):
        assert getattr(data, table) == getattr(lex, table), table
