"""SPARQL 1.1 Protocol details of the endpoint (issue #20), against the endpoint running in a thread.

* two ``query=`` parameters: 400, by GET and by form POST;
* ``default-graph-uri`` / ``named-graph-uri`` make the dataset (a graph the store does not hold is
  empty; an invalid IRI is a 400), in the URL or in a form body;
* ``GET /sparql`` with no query: a SPARQL 1.1 Service Description (Turtle, or JSON-LD if asked);
* CONSTRUCT / DESCRIBE as RDF/XML and JSON-LD, and SPARQLWrapper with its default return format;
* a syntax error in words: ``unknown prefix foo:``, a line and column, never Oxigraph's Unicode ranges.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
import rdflib
from _query_graph import sample_graph
from SPARQLWrapper import JSONLD, XML, SPARQLWrapper
from test_server import http

from graphbuild.ask.server import make_server, serve_in_thread

D205 = "https://w3id.org/graphbuild/id/doc/qd-tw_2019_205"
SD = "http://www.w3.org/ns/sparql-service-description#"
ASK_ANY = "ASK { ?s ?p ?o }"
CONSTRUCT_205 = f"CONSTRUCT {{ <{D205}> ?p ?o }} WHERE {{ <{D205}> ?p ?o }}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    server = make_server(sample_graph(tmp_path_factory), "127.0.0.1", 0, timeout=5.0, max_rows=500, quiet=True)
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


def get(endpoint, pairs: list[tuple[str, str]], accept: str = "application/sparql-results+json"):
    return http(endpoint, path="/sparql?" + urllib.parse.urlencode(pairs), headers={"Accept": accept})


def post_form(endpoint, pairs: list[tuple[str, str]], accept: str = "application/sparql-results+json"):
    return http(endpoint, data=urllib.parse.urlencode(pairs).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})


def test_two_queries_are_a_400(endpoint) -> None:
    pairs = [("query", ASK_ANY), ("query", "ASK { ?s a ?t }")]
    for status, _h, body in (get(endpoint, pairs), post_form(endpoint, pairs)):
        assert status == 400 and b"one query parameter, not 2" in body


def test_the_dataset_parameters_are_honoured(endpoint) -> None:
    assert json.loads(get(endpoint, [("query", ASK_ANY)])[2])["boolean"] is True
    # the graph of a build is the default graph: a default graph made of another, absent graph is empty
    for send in (get, post_form):
        status, _h, body = send(endpoint, [("query", ASK_ANY), ("default-graph-uri", "http://example.org/none")])
        assert status == 200 and json.loads(body)["boolean"] is False
    status, _h, body = get(endpoint, [("query", "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                      ("named-graph-uri", "http://example.org/g")])
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _h, body = http(endpoint, data=ASK_ANY.encode(), path="/sparql?default-graph-uri=http%3A%2F%2Fexample.org%2Fx",
                            headers={"Content-Type": "application/sparql-query",
                                     "Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is False
    status, _h, body = get(endpoint, [("query", ASK_ANY), ("default-graph-uri", "not an iri")])
    assert status == 400 and b"default-graph-uri" in body


@pytest.mark.parametrize("accept, rdf_format", [(None, "turtle"), ("text/turtle", "turtle"),
                                                ("application/ld+json", "json-ld"),
                                                ("application/rdf+xml", "xml")])
def test_a_bare_get_is_a_service_description(endpoint, accept: str | None, rdf_format: str) -> None:
    status, headers, body = http(endpoint, headers={"Accept": accept} if accept else {})
    assert status == 200
    g = rdflib.Graph().parse(data=body, format=rdf_format)
    service = rdflib.URIRef(endpoint.url)
    assert (service, rdflib.RDF.type, rdflib.URIRef(SD + "Service")) in g
    assert (service, rdflib.URIRef(SD + "endpoint"), service) in g
    assert (service, rdflib.URIRef(SD + "supportedLanguage"), rdflib.URIRef(SD + "SPARQL11Query")) in g
    formats = set(g.objects(service, rdflib.URIRef(SD + "resultFormat")))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats and len(formats) == 8


@pytest.mark.parametrize("accept, rdf_format", [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
                                                ("application/x-json+ld", "json-ld")])
def test_construct_as_rdf_xml_and_json_ld(endpoint, accept: str, rdf_format: str) -> None:
    status, headers, body = http(endpoint, query=CONSTRUCT_205, headers={"Accept": accept})
    assert status == 200, body
    g = rdflib.Graph().parse(data=body, format=rdf_format)
    assert (rdflib.URIRef(D205), rdflib.URIRef("http://data.europa.eu/eli/ontology#number"),
            rdflib.Literal("205-QĐ/TW")) in g


@pytest.mark.parametrize("fmt", [XML, JSONLD])
def test_sparqlwrapper_construct_with_its_defaults(endpoint, fmt) -> None:
    """SPARQLWrapper's default return format is XML, which for a CONSTRUCT means RDF/XML (it got 406 before)."""
    s = SPARQLWrapper(endpoint.url)
    s.setReturnFormat(fmt)
    s.setQuery(CONSTRUCT_205)
    g = s.queryAndConvert()
    assert len(g) > 3 and (rdflib.URIRef(D205), None, None) in g
    s = SPARQLWrapper(endpoint.url)  # and XML for a SELECT
    s.setQuery(f"SELECT ?n WHERE {{ <{D205}> eli:number ?n }}")
    assert "205-QĐ/TW" in s.queryAndConvert().toxml()


@pytest.mark.parametrize("query, words", [
    ("SELECT * WHERE { foo:bar ?p ?o }", "unknown prefix foo: (declare it with PREFIX foo:"),
    ("PREFIX foo: <http://x/>\nSELECT * WHERE { ?s ?p ?o . bar:x ?p ?o }", "line 2, column 29: unknown prefix bar:"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY", "line 1, column 37, at the end of the query"),
    ("PREFIX foo <http://x/> SELECT * {}", "line 1, column 11, near ' <http://x/> SELECT"),
    ("SELECT ?", "line 1"),
])
def test_a_syntax_error_says_what_is_wrong_in_words(endpoint, query: str, words: str) -> None:
    status, _h, body = http(endpoint, query=query, headers={"Accept": "application/sparql-results+json"})
    text = body.decode()
    assert status == 400 and words in text, text
    assert "\\u{" not in text and "..=" not in text and "[_]" not in text, text
    assert text.count("\n") == 1, text
