"""The web face of `graphbuild serve` over plain HTTP (issue 18) and the server under slow clients (issue 20).

* Linked Data: the same /id/ path answers HTML to a browser, Turtle, JSON-LD and N-Triples to
  machines (each parsed by rdflib), by Accept or by suffix; 406 and 404 where they belong.
* /sparql keeps the protocol for clients and gives a browser the query page.
* Search folds diacritics; a hostile title, search or path comes back as text, never markup.
* A client that has not sent its whole request within the limit is closed while others are
  answered (quickly with a 2 s limit in a thread; once with the real 30 s default of `serve`);
  hundreds of idle sockets do not stop the server; SIGTERM and SIGINT end it with one line.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from _web_graph import D205, HOSTILE_TITLE, Served, web_graph
from markupsafe import escape

from graphbuild.ask.server import make_server, serve_in_thread, wants_html
from graphbuild.web.site import Site

IRI = "https://w3id.org/graphbuild/id/doc/qd-tw_2019_205"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return web_graph(tmp_path_factory)


@pytest.fixture(scope="module")
def served(graph):
    s = Served(graph, "--timeout", "10", "--workers", "2")
    yield s
    s.stop()


def get(url: str, accept: str | None = BROWSER, timeout: float = 30) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_the_url_line_names_the_endpoint_and_the_pages(served: Served) -> None:
    assert served.first_line.startswith("SPARQL endpoint: http://127.0.0.1:")
    assert f"web pages: {served.base}/" in served.first_line


@pytest.mark.parametrize("accept, suffix, ctype, rdf_format", [
    ("text/turtle", ".ttl", "text/turtle", "turtle"),
    ("application/ld+json", ".jsonld", "application/ld+json", "json-ld"),
    ("application/n-triples", ".nt", "application/n-triples", "nt"),
])
def test_one_iri_answers_every_rdf_format(served: Served, accept: str, suffix: str, ctype: str, rdf_format: str) -> None:
    for url, header in ((served.base + D205, accept), (served.base + D205 + suffix, BROWSER)):
        status, headers, body = get(url, header)
        assert status == 200 and headers["Content-Type"].startswith(ctype), (url, status, headers)
        g = rdflib.Graph().parse(data=body.decode("utf-8"), format=rdf_format)
        number = rdflib.URIRef("http://data.europa.eu/eli/ontology#number")
        assert str(g.value(rdflib.URIRef(IRI), number)) == "205-QĐ/TW"
        assert len(g) > 10


def test_one_iri_answers_html_to_a_browser(served: Served) -> None:
    status, headers, body = get(served.base + D205)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<html lang="vi">' in page and "205-QĐ/TW" in page and 'name="viewport"' in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert 'href="/id/body/bo-chinh-tri"' in page  # the issuer, linked
    assert '<mark class="ref">' in page  # the citing sentence, reference highlighted
    assert "<svg" in page  # citations per year
    assert get(served.base + D205, "image/png")[0] == 406
    assert get(served.base + "/id/doc/no-such-document")[0] == 404
    assert get(served.base + "/id/doc/no-such-document.ttl", "text/turtle")[0] == 404


def test_sparql_keeps_the_protocol_and_gives_browsers_the_query_page(served: Served) -> None:
    q = urllib.parse.urlencode({"query": "SELECT ?n WHERE { doc:qd-tw_2019_205 eli:number ?n }"})
    status, headers, body = get(served.sparql + "?" + q, "application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "205-QĐ/TW"
    status, headers, body = get(served.sparql + "?" + q, BROWSER)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<table" in body.decode() and "205-QĐ/TW" in body.decode()
    status, headers, body = get(served.base + "/query?" + q + "&format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"] and body.decode().splitlines() == ["n", "205-QĐ/TW"]
    assert wants_html(BROWSER) and not wants_html("application/sparql-results+json,application/json")
    assert not wants_html(None) and not wants_html("*/*")


def test_every_page_answers(served: Served) -> None:
    for path in ("/", "/search?q=205", "/id/body/bo-chinh-tri", "/id/province/thai-binh", "/term/XII", "/query",
                 "/query?example=09-most-cited-documents", "/id/type/quy-dinh", "/static/site.css",
                 "/static/table.js", "/static/palette.css"):
        status, _, body = get(served.base + path)
        assert status == 200, (path, status, body[:300])
    assert get(served.base + "/no/such/page")[0] == 404
    assert get(served.base + "/static/../pyproject.toml")[0] == 404


def test_search_folds_diacritics_and_groups_by_kind(served: Served) -> None:
    for q in ("kiem soat quyen luc", "KIỂM SOÁT quyền lực", "205-QĐ/TW", "qd 205 tw"):
        status, _, body = get(served.base + "/search?" + urllib.parse.urlencode({"q": q}))
        assert status == 200 and f'href="{D205}"' in body.decode(), q
    body = get(served.base + "/search?q=thai+binh")[2].decode()
    assert 'href="/id/province/thai-binh"' in body and "Tỉnh, thành" in body


def _search(served: Served, **params: str) -> str:
    status, _, body = get(served.base + "/search?" + urllib.parse.urlencode(params))
    assert status == 200, params
    return body.decode()


def _listed(page: str) -> set[str]:
    section = page.split('id="documents"', 1)[1].split("</section>", 1)[0] if 'id="documents"' in page else ""
    return set(re.findall(r'href="(/id/(?:doc|citekey)/[^"]+)"', section))


def test_search_filters_are_the_docs_command(served: Served, graph) -> None:
    """The filters list what `graphbuild docs` lists for the same conditions, and keep them across pages."""
    from graphbuild.ask.catalog_search import find_documents_by

    expected = {"/id/" + e.document for e in find_documents_by(graph, issuer="Bộ Chính trị",
                                                                 type="Quy định")}
    page = _search(served, issuer="bo chinh tri", type="quy dinh")
    assert expected and _listed(page) == expected and D205 in expected
    # a number and a filter: the documents that are both
    assert _listed(_search(served, q="205-QĐ/TW", issuer="Bộ Chính trị")) == {D205}
    assert _listed(_search(served, q="205-QĐ/TW", issuer="Ban Bí thư")) == set()
    # dates and terms narrow
    assert D205 not in _listed(_search(served, issuer="Bộ Chính trị", since="2020-01-01"))
    assert D205 in _listed(_search(served, issuer="Bộ Chính trị", term="XII", until="2019-12-31"))
    # a name no node carries is said, not taken for "nothing issued"
    page = _search(served, issuer="Bộ Không Có")
    assert 'class="problem"' in page and "Bộ Không Có" in page
    # the links to the other pages of the documents keep the filters
    page = _search(served, type="Quy định")
    assert all("type=" in link for link in re.findall(r'href="(/search\?[^"]*kind=documents[^"]*)"', page))


def test_hostile_text_comes_back_as_text(served: Served) -> None:
    page = get(served.base + D205)[2].decode()
    assert str(escape(HOSTILE_TITLE)) in page  # shown, as text
    assert "<script>window" not in page and "<img src=x" not in page
    evil = '"><script>alert(1)</script>'
    page = get(served.base + "/search?" + urllib.parse.urlencode({"q": evil}))[2].decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    status, _, body = get(served.base + "/id/doc/" + urllib.parse.quote(evil))
    assert status == 404 and b"<script>alert" not in body
    q = urllib.parse.urlencode({"query": "SELECT ('<script>alert(1)</script>' AS ?x) WHERE {}"})
    page = get(served.base + "/query?" + q)[2].decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- slow and idle clients ----------------------------------------------------------------------


def _half_request(base: str) -> socket.socket:
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    s = socket.create_connection((host, port), timeout=60)
    s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return s


def _closed_within(s: socket.socket, seconds: float, base: str) -> float:
    """Seconds until the server closes ``s``, answering other requests meanwhile (trickling a byte a second)."""
    t0 = time.monotonic()
    s.settimeout(1.0)
    while time.monotonic() - t0 < seconds:
        try:
            if s.recv(1024) == b"":
                return time.monotonic() - t0
        except TimeoutError:
            pass
        except OSError:
            return time.monotonic() - t0
        try:
            s.sendall(b"a")  # slowloris: never idle, never done
        except OSError:
            return time.monotonic() - t0
        status, _, _ = get(base + "/sparql?query=ASK%20%7B%7D", "application/sparql-results+json", timeout=10)
        assert status == 200, "the server stopped answering others while a slow client was connected"
    raise AssertionError(f"a client that never finished its request was still open after {seconds} s")


def test_slow_client_is_closed_and_others_are_answered(graph) -> None:
    server = make_server(graph, "127.0.0.1", 0, quiet=True, pages=Site, client_timeout=2)
    serve_in_thread(server)
    try:
        took = _closed_within(_half_request(server.base_url), 8, server.base_url)
        assert took >= 1.5, took
    finally:
        server.shutdown()
        server.server_close()


def test_serve_closes_a_slow_client_within_35_s(served: Served) -> None:
    took = _closed_within(_half_request(served.base), 36, served.base)
    assert 25 <= took <= 36, took


def test_hundreds_of_idle_sockets_do_not_stop_the_server(served: Served) -> None:
    host, port = urllib.parse.urlsplit(served.base).hostname, urllib.parse.urlsplit(served.base).port
    idle = [socket.create_connection((host, port), timeout=10) for _ in range(300)]
    try:
        status, _, _ = get(served.sparql + "?query=ASK%20%7B%7D", "application/sparql-results+json", timeout=10)
        assert status == 200
    finally:
        for s in idle:
            s.close()


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_serve_with_one_line(graph, sig: int, code: int) -> None:
    s = Served(graph, "--workers", "1")
    assert get(s.base + "/")[0] == 200
    status, rest = s.stop(sig)
    assert status == code, (status, rest)
    assert rest.strip().count("\n") == 0 and "Traceback" not in rest and signal.Signals(sig).name in rest, rest


def test_a_document_pages_citing_list_is_the_cites_answer(graph) -> None:
    """The document page lists its citing articles triple by triple (citing_order, then citations_in for the page
    shown): the same rows, in the same order, as the SPARQL behind `graphbuild cites`, for every document."""
    from graphbuild.ask.query import Graph, citations_in, citing_articles, citing_order

    g = Graph(graph)
    fields = ("document", "article", "source", "title", "date", "surface", "url", "article_iri", "mentions", "start",
              "end", "resolved_by")
    compared = 0
    for doc in g.documents.values():
        expected = [tuple(getattr(c, f) for f in fields) for c in citing_articles(g, doc, context=False)]
        order = citing_order(g, doc.iri)
        assert [a for _date, a in order] == [row[fields.index("article_iri")] for row in expected], doc.iri
        assert [date for date, _a in order] == [row[fields.index("date")] for row in expected]
        got = citations_in(g, doc, [a for _date, a in order])
        assert [tuple(getattr(c, f) for f in fields) for c in got] == expected, doc.iri
        compared += len(expected)
    assert compared > 30  # every citation of the sample graph, not an empty loop


def test_what_points_to_a_document_is_read_by_the_predicates_documents_write(graph) -> None:
    """`show` reads a document's incoming links by the few properties one document writes to another (not the
    thousands of mentions and articles citing it): the same links as a scan of every triple pointing at it."""
    import pyoxigraph as ox

    from graphbuild.ask.directives import RELATION_IRIS
    from graphbuild.ask.query import Graph, show

    g = Graph(graph)
    linked = 0
    for doc in g.documents.values():
        scanned = sorted((q.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], q.subject.value)
                         for q in g.store.quads_for_pattern(None, None, ox.NamedNode(doc.iri))
                         if q.subject.value in g.documents and q.subject.value != doc.iri
                         and q.predicate.value not in RELATION_IRIS)
        info = show(g, doc.iri)[1][0]
        assert sorted((r.relation, r.document_iri) for r in info.incoming) == scanned, doc.iri
        linked += len(scanned)
    assert linked > 0
