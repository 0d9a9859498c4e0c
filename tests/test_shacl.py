"""SHACL: the graph built from data/ conforms; hand-made graphs that break a promise do not."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pyshacl
import pytest
from click.testing import CliRunner
from rdflib import Graph

from graphbuild.cli.main import cli

DATA = Path(__file__).resolve().parents[1] / "data"
HEAD = """@prefix gb: <https://w3id.org/graphbuild/ns#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix sdo: <https://schema.org/> .
"""
GOOD = HEAD + """
<https://w3id.org/graphbuild/id/doc/qd-tw_2019_205> a gb:PartyDocument ; rdfs:label "Quy định 205-QĐ/TW" ;
  gb:citeKey "party:205-QĐ/TW" ; eli:number "205-QĐ/TW" ; sdo:legislationIdentifier "205-QĐ/TW" ;
  dct:date "2019"^^xsd:gYear ; eli:date_document "2019-09-23"^^xsd:date ; sdo:legislationDate "2019-09-23"^^xsd:date ;
  eli:passed_by <https://w3id.org/graphbuild/id/body/bo-chinh-tri> ;
  sdo:legislationPassedBy <https://w3id.org/graphbuild/id/body/bo-chinh-tri> .
<https://w3id.org/graphbuild/id/body/bo-chinh-tri> a gb:Body ; rdfs:label "Bộ Chính trị" ; skos:prefLabel "Bộ Chính trị" .
<https://w3id.org/graphbuild/id/article/a1> a gb:Article ; rdfs:label "a1" ; dct:identifier "a1" ;
  dct:references <https://w3id.org/graphbuild/id/doc/qd-tw_2019_205> .
<https://w3id.org/graphbuild/id/mention/a1_0_9> a gb:Mention ; nif:referenceContext <https://w3id.org/graphbuild/id/article/a1> ;
  nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "9"^^xsd:nonNegativeInteger ; nif:anchorOf "205-QĐ/TW" ;
  gb:refersTo <https://w3id.org/graphbuild/id/doc/qd-tw_2019_205> ; gb:form "full" .
"""


def _shapes() -> Graph:
    return Graph().parse(str(files("graphbuild.ontology") / "shapes.ttl"))


def _ontology() -> Graph:
    return Graph().parse(str(files("graphbuild.ontology") / "graphbuild.ttl"))


def conforms(data: Graph) -> tuple[bool, str]:
    ok, _, text = pyshacl.validate(data, shacl_graph=_shapes(), ont_graph=_ontology(), inference="rdfs")
    return ok, text


def test_ontology_and_shapes_parse_and_ship_as_package_data():
    assert len(_ontology()) > 100 and len(_shapes()) > 100


def test_built_graph_conforms(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(DATA), "--out", str(out), "-j", "1", "-q", "--no-store"])
    assert result.exit_code == 0, result.output
    ok, text = conforms(Graph().parse(out / "graph.nt"))
    assert ok, text


def test_hand_made_good_example_conforms():
    ok, text = conforms(Graph().parse(data=GOOD, format="turtle"))
    assert ok, text


@pytest.mark.parametrize("broken, why", ids=lambda v: v if len(v) < 60 else "", argvalues=[
    (GOOD.replace('"2019-09-23"^^xsd:date', '"23/9/2019"'), "date not xsd:date"),
    (GOOD.replace('sdo:legislationIdentifier "205-QĐ/TW" ;', ""), "ELI and schema.org disagree"),
    (GOOD.replace('nif:endIndex "9"', 'nif:endIndex "0"'), "empty span"),
    (GOOD.replace('dct:date "2019"^^xsd:gYear ; ', ""), "numbered document without a year"),
    (GOOD.replace("doc/qd-tw_2019_205>", "doc/QĐ 205>"), "IRI outside the flat scheme"),
    (GOOD.replace('<https://w3id.org/graphbuild/id/body/bo-chinh-tri> ;\n', '<https://w3id.org/graphbuild/id/article/a1> ;\n')
     .replace('sdo:legislationPassedBy <https://w3id.org/graphbuild/id/body/bo-chinh-tri>',
              'sdo:legislationPassedBy <https://w3id.org/graphbuild/id/article/a1>'), "issuer is not a body"),
    (GOOD.replace('gb:form "full"', 'gb:form "partial"'), "unknown mention form"),
    (GOOD + '<https://w3id.org/graphbuild/id/mention/a1_0_9> gb:refersTo <https://w3id.org/graphbuild/id/doc/x_2020_1> .',
     "mention with two referents"),
])
def test_broken_examples_fail(broken, why):
    ok, _ = conforms(Graph().parse(data=broken, format="turtle"))
    assert not ok, why
