"""SERVICE, LOAD and updates are refused from the query's tokens, never from a scan of its text
(issue 20): every spelling below would make Oxigraph fetch a URL.  Each runs against a real HTTP
listener on loopback that counts the requests it gets; a refused query must leave it at zero.
A control query sent past the guard proves the listener would have seen the fetch."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from graphbuild.ask.sparql import SparqlError, check_read_only, execute


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def _answer(self) -> None:
        type(self).hits += 1
        body = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"leak"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # http.server naming

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


# {URL} is the listener; each is a query Oxigraph would run with a federated call in it.
BYPASSES = [
    "SELECT * WHERE { SERVICE <{URL}> { ?a ?b ?c } }",
    "select * where { service <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { SERVICE SILENT <{URL}> { ?a ?b ?c } }",
    "PREFIX gb: <http://x/> SELECT * WHERE { VALUES ?z { gb:x\\' } SERVICE <{URL}> { ?a ?b ?c } #'\n}",
    'PREFIX gb: <http://x/> SELECT * WHERE { VALUES ?z { gb:x\\" } SERVICE <{URL}> { ?a ?b ?c } #"\n}',
    "PREFIX gb: <http://x/> SELECT * WHERE { VALUES ?z { gb:a\\#b } SERVICE <{URL}> { ?a ?b ?c } }",
    "PREFIX gb: <http://x/> SELECT * WHERE { VALUES ?z { gb:x\\'\\' } SERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s <http://x/'> ?o . SERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { \\u0053ERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { SERVIC\\u0045 <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { \\U00000053ERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{URL}> { ?a ?b ?c } } } }",
    "SELECT * WHERE { OPTIONAL { SERVICE <{URL}> { ?a ?b ?c } } }",
    "SELECT * WHERE { BIND(1 AS ?x) FILTER EXISTS { SERVICE <{URL}> { ?a ?b ?c } } }",
    "SELECT * WHERE { BIND(<{URL}> AS ?u) SERVICE ?u { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p 'it\\'s' . SERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p \"\\\\\" . SERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE {\tSERVICE\n<{URL}>{?a ?b ?c}}",
    "SELECT * WHERE {#comment\nSERVICE<{URL}>{?a ?b ?c}}",
    "ASK { SERVICE <{URL}> { ?a ?b ?c } }",
    "CONSTRUCT { ?a ?b ?c } WHERE { SERVICE <{URL}> { ?a ?b ?c } }",
    "DESCRIBE ?a WHERE { SERVICE <{URL}> { ?a ?b ?c } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{URL}> { ?a ?b ?c } } }",
    "SELECT * WHERE { MINUS { SERVICE <{URL}> { ?a ?b ?c } } }",
    "SELECT * WHERE { GRAPH ?g { SERVICE <{URL}> { ?a ?b ?c } } }",
]


@pytest.mark.parametrize("template", BYPASSES)
def test_every_spelling_of_service_is_refused_and_fetches_nothing(listener: str, template: str) -> None:
    query = template.replace("{URL}", listener)
    before = _Counter.hits
    with pytest.raises(SparqlError) as refused:
        execute(ox.Store(), query, timeout=10)
    assert refused.value.status in (400, 403), refused.value
    assert _Counter.hits == before, "the query reached the network"


def test_the_listener_would_see_an_unguarded_fetch(listener: str) -> None:
    """The control: the same store, asked directly, does make the request (so the test above can fail)."""
    before = _Counter.hits
    rows = list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener}> {{ ?a ?b ?c }} }}"))
    assert _Counter.hits > before and rows


@pytest.mark.parametrize(("query", "status"), [
    ("LOAD <http://127.0.0.1:9/x.ttl>", 403),
    ("load <http://127.0.0.1:9/x.ttl>", 403),
    ("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }", 403),
    ("WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 403),
    ("\\u0044ROP ALL", 403),
    ("SELECT * WHERE { ?s ?p ?o } \x01", 400),
])
def test_updates_and_load_are_refused(query: str, status: int) -> None:
    with pytest.raises(SparqlError) as refused:
        check_read_only(query)
    assert refused.value.status == status


def test_an_update_after_a_query_is_a_syntax_error_and_changes_nothing() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b"), ox.Literal("c")))
    with pytest.raises(SparqlError) as refused:
        execute(store, "SELECT * WHERE { ?s ?p ?o } ; DROP ALL", timeout=10)
    assert refused.value.status == 400 and len(store) == 1


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }' }",
    'SELECT * WHERE { ?s ?p """a "SERVICE" and LOAD""" }',
    "SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE <http://127.0.0.1:9/>",
    "PREFIX service: <http://x/> SELECT * WHERE { ?s service:load ?o }",
    "SELECT ?service WHERE { ?service ?p ?o FILTER(?o < 3 && ?o >= 1) }",
    "SELECT * WHERE { ?s ?p 'it\\'s' . ?s ?p '''x''' }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t ; ?p ?o FILTER(LANG(?o) = 'vi' || ?o != \"x\"@vi-VN) } LIMIT 5",
    "SELECT * WHERE { ?s ?p 1.5e3, .5, 7, -2, _:b1 } ORDER BY DESC(?s)",
    "SELECT * WHERE { ?s ^<http://x/p>/<http://x/q>* ?o . ?o ?p ?x FILTER(?x = 'đ' && STRLEN(?x) > 0) }",
])
def test_read_only_queries_that_mention_the_words_still_run(query: str) -> None:
    check_read_only(query)
    execute(ox.Store(), query, timeout=10)
