"""`graphbuild serve`: a standard client (SPARQLWrapper) against the endpoint running in a thread."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from _query_graph import sample_graph
from SPARQLWrapper import CSV, JSON, N3, POST, TSV, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from graphbuild.ask.server import make_server, negotiate, serve_in_thread

Q205 = "SELECT ?d WHERE { ?d <http://data.europa.eu/eli/ontology#number> '205-QĐ/TW' }"
D205 = "https://w3id.org/graphbuild/id/doc/qd-tw_2019_205"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    graph: Path = sample_graph(tmp_path_factory)
    server = make_server(graph, "127.0.0.1", 0, timeout=5.0, max_rows=50, quiet=True)
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


def client(endpoint, fmt=JSON, method=None) -> SPARQLWrapper:
    s = SPARQLWrapper(endpoint.url)
    s.setReturnFormat(fmt)
    if method:
        s.setMethod(method)
    return s


def http(endpoint, data: bytes | None = None, headers: dict | None = None, query: str | None = None,
         path: str = "/sparql", method: str | None = None):
    url = endpoint.url.replace("/sparql", path)
    if query is not None:
        url += "?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_binds_to_localhost_by_default(endpoint) -> None:
    assert endpoint.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize("method", [None, POST])
def test_select_json_get_and_post(endpoint, method) -> None:
    s = client(endpoint, JSON, method)
    s.setQuery(Q205)
    res = s.query().convert()
    assert [b["d"]["value"] for b in res["results"]["bindings"]] == [D205]


def test_select_xml_csv_tsv(endpoint) -> None:
    for fmt, needle in ((XML, D205), (CSV, D205), (TSV, f"<{D205}>")):
        s = client(endpoint, fmt)
        s.setQuery(Q205)
        raw = s.query().convert()
        text = raw.toxml() if hasattr(raw, "toxml") else raw.decode("utf-8") if isinstance(raw, bytes) else raw
        assert needle in text, fmt


def test_ask_and_construct(endpoint) -> None:
    s = client(endpoint, JSON)
    s.setQuery("ASK { ?a a <https://w3id.org/graphbuild/ns#Article> }")
    assert s.query().convert()["boolean"] is True
    s = client(endpoint, N3)
    s.setQuery(f"CONSTRUCT {{ <{D205}> ?p ?o }} WHERE {{ <{D205}> ?p ?o }}")
    g = s.query().convert()  # an rdflib Graph parsed from our Turtle / N-Triples
    assert len(g) > 5


def test_prefixes_are_predeclared(endpoint) -> None:
    s = client(endpoint)
    s.setQuery("SELECT ?n WHERE { doc:qd-tw_2019_205 eli:number ?n }")
    assert s.query().convert()["results"]["bindings"][0]["n"]["value"] == "205-QĐ/TW"


def test_post_sparql_query_body_and_negotiation(endpoint) -> None:
    status, headers, body = http(endpoint, Q205.encode(), {"Content-Type": "application/sparql-query",
                                                           "Accept": "text/csv;q=0.5, text/tab-separated-values"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines() == ["?d", f"<{D205}>"]
    status, headers, body = http(endpoint, query=Q205, headers={"Accept": "image/png"})
    assert status == 406
    status, headers, _ = http(endpoint, query=f"CONSTRUCT WHERE {{ <{D205}> ?p ?o }}",
                              headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")


@pytest.mark.parametrize("query, status", [
    ("INSERT DATA { <a:b> <a:b> <a:b> }", 403),
    ("DROP ALL", 403),
    ("LOAD <http://example.org/data.ttl>", 403),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
    ("SELEC * WHERE {", 400),
    ("SELECT * WHERE { ?s ?p ?o }", 413),  # more than max_rows=50
])
def test_refusals(endpoint, query: str, status: int) -> None:
    assert http(endpoint, query=query)[0] == status


def test_updates_refused_by_every_route(endpoint) -> None:
    upd = "INSERT DATA { <a:b> <a:b> <a:b> }"
    assert http(endpoint, upd.encode(), {"Content-Type": "application/sparql-update"})[0] == 403
    form = urllib.parse.urlencode({"update": upd}).encode()
    assert http(endpoint, form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    s = SPARQLWrapper(endpoint.url)
    s.setMethod(POST)
    s.setQuery(upd)
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        s.query()
    s = client(endpoint)
    s.setQuery("SELECT (COUNT(*) AS ?n) WHERE { <a:b> ?p ?o }")
    assert s.query().convert()["results"]["bindings"][0]["n"]["value"] == "0"


def test_bad_query_raises_in_client(endpoint) -> None:
    s = client(endpoint)
    s.setQuery("SELECT ?x WHERE { ?x }")
    with pytest.raises(QueryBadFormed):
        s.query()


def test_time_limit_answers_503(tmp_path_factory) -> None:
    server = make_server(sample_graph(tmp_path_factory), "127.0.0.1", 0, timeout=0.2, max_rows=10**9, quiet=True)
    serve_in_thread(server)
    try:
        # billions of rows, streamed: the worker sees the stop flag at its next row and ends
        slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        assert http(server, query=slow)[0] == 503
    finally:
        server.shutdown()
        server.server_close()


def test_cors_and_preflight(endpoint) -> None:
    status, headers, _ = http(endpoint, query="ASK {}")
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(endpoint, method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_negotiate() -> None:
    assert negotiate(None, "select") == "json"
    assert negotiate("application/sparql-results+xml, */*;q=0.1", "select") == "xml"
    assert negotiate("text/html, */*;q=0.8", "select") == "json"
    assert negotiate("application/n-triples;q=0.5, text/turtle", "graph") == "ttl"
    assert negotiate("text/html", "select") is None
    assert json.loads(json.dumps(negotiate("text/csv", "select"))) == "csv"
