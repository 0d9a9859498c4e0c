"""The web face: one :class:`Site` per query worker turns a page request into a finished answer.

Routes (every ``/id/...`` path is the IRI ``https://w3id.org/graphbuild/id/...`` it names):

* ``/`` home; ``/search?q=`` search; ``/query`` the SPARQL page; ``/term/XII`` a term;
* ``/id/doc/...`` and ``/id/citekey/...`` documents, ``/id/body/...`` issuers, ``/id/article/...``
  articles, ``/id/province/...`` provinces, any other ``/id/...`` node as its triples;
* each ``/id/...`` path answers by content negotiation (HTML; Turtle, JSON-LD, N-Triples) or by
  its ``.ttl`` / ``.jsonld`` / ``.nt`` suffix;
* ``/static/...`` the style sheet and the table-sorting script, shipped in the package.

Safe by construction: templates escape everything (Jinja2 autoescape), values reach queries as
bound terms (:mod:`graphbuild.web.browse`), user SPARQL goes through the guarded
:func:`graphbuild.ask.sparql.execute`, and every answer carries a Content-Security-Policy that
allows only this server's own style sheet and script.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Generic, TypeVar, cast
from urllib.parse import parse_qs, quote, urlencode

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader

from graphbuild.ask.catalog_search import SORTS, CatalogFilter, UnknownName, find_documents_by
from graphbuild.ask.query import Graph, citations_in, citing_order, describe, find_documents, stats
from graphbuild.ask.sparql import Result, SparqlError, execute
from graphbuild.ask.sparql_formats import GRAPH_TYPES, RESULT_TYPES, compact, serialize
from graphbuild.ask.workers import PageRequest, Reply
from graphbuild.web import browse
from graphbuild.web.charts import bar_chart
from graphbuild.write.store import GB, ID, PREFIXES

HTML = "text/html; charset=utf-8"
SECURITY = (("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                                       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))
RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
_RDF_BY_TYPE = {"text/turtle": "ttl", "application/x-turtle": "ttl", "application/ld+json": "jsonld",
                "application/n-triples": "nt", "text/html": "html", "application/xhtml+xml": "html",
                "*/*": "html", "text/*": "html", "application/*": "jsonld"}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
MAX_Q = 300  # characters of a search kept (find_documents parses what it is given)
PAGE = 25
KEEP_CITED = 200  # citing articles from which a document's list is kept for the worker's life (Site._citing)
KEEP_PAGES = 256  # long lists kept at most (the most cited documents', the issuers', the provinces')
WARM_DOCUMENTS = 120  # the most cited documents whose lists a worker makes as it starts (Site.warm)
RESULT_PAGE = 200


class NotFound(Exception):
    pass


Item = TypeVar("Item")
Kept = TypeVar("Kept")


@dataclass
class Pager(Generic[Item]):
    """One page of a long list, and what the links to the others need."""

    items: list[Item]
    page: int
    pages: int
    total: int
    start: int

    @classmethod
    def of(cls, items: list[Item], page: int, size: int = PAGE) -> Pager[Item]:
        pages = max(1, math.ceil(len(items) / size))
        page = min(max(1, page), pages)
        return cls(items[(page - 1) * size: page * size], page, pages, len(items), (page - 1) * size)


def local_path(iri: str | None) -> str | None:
    """The page of an IRI of this graph (``/id/...``), or None for any other IRI."""
    if iri and iri.startswith(ID):
        return "/id/" + quote(iri[len(ID):], safe="/_-.~:")
    return None


def negotiate_rdf(accept: str | None) -> str | None:
    """html, ttl, jsonld or nt from an Accept header (browsers and no preference get html); None if nothing fits."""
    from graphbuild.ask.server import accept_offers

    if not accept:
        return "html"
    for _q, _i, media in accept_offers(accept):
        if media in _RDF_BY_TYPE:
            return _RDF_BY_TYPE[media]
    return None


class Site:
    """The pages of one graph.  Caches (home figures, search index) live as long as the worker."""

    def __init__(self, graph_dir: str, store: ox.Store, max_rows: int, timeout: float | None) -> None:
        self.graph = Graph(graph_dir, store=store)
        self.store = store
        self.max_rows = max_rows
        self.timeout = timeout
        self.env = Environment(loader=PackageLoader("graphbuild.web", "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["path"] = local_path
        self.env.globals.update(page_url=page_url, marked=browse.marked)
        self._home: dict[str, Any] | None = None
        self._index: browse.SearchIndex | None = None
        self._terms: list[str] | None = None
        self._warming, self._indexing = threading.Lock(), threading.Lock()  # see warm()
        self._kept_answers: dict[tuple[str, str], Any] = {}  # see _kept
        self._kept_lock = threading.Lock()

    def terms(self) -> list[str]:
        if self._terms is None:
            self._terms = browse.terms(self.graph)
        return self._terms

    # ------------------------------------------------------------------ dispatch

    def render(self, request: PageRequest) -> Reply:
        params = {k: v[0] for k, v in parse_qs(request.query, keep_blank_values=True).items()}
        path = request.path
        try:
            if path.startswith("/static/"):
                return self.static(path[len("/static/"):])
            if path == "/":
                return self.home()
            if path == "/search":
                return self.search(params)
            if path in ("/query", "/sparql"):
                return self.query_page(params)
            if path.startswith("/term/"):
                return self.term(path[len("/term/"):])
            if path.startswith("/id/"):
                return self.entity(path[len("/id/"):], request.accept, params)
            raise NotFound(path)
        except NotFound:
            return self.page("error.html", status=404, title="Không tìm thấy", message=f"Không có trang {path}")

    def page(self, template: str, status: int = 200, **context: Any) -> Reply:
        body = self.env.get_template(template).render(**context).encode("utf-8")
        return Reply(status, body, HTML, SECURITY)

    def static(self, name: str) -> Reply:
        suffix = name[name.rfind("."):] if "." in name else ""
        if not re.fullmatch(r"[a-z0-9_-]+\.(css|js)", name):
            raise NotFound(name)
        if name == "palette.css":
            return Reply(200, palette_css().encode(), STATIC_TYPES[suffix], (("Cache-Control", "max-age=3600"),))
        try:
            body = (resources.files("graphbuild.web") / "static" / name).read_bytes()
        except (FileNotFoundError, IsADirectoryError) as e:
            raise NotFound(name) from e
        return Reply(200, body, STATIC_TYPES[suffix], (("Cache-Control", "max-age=3600"),))

    # ------------------------------------------------------------------ home and search

    def warm(self) -> None:
        """The home page's figures, the search index and the terms, made as the worker starts (in a thread
        of their own, so queries need not wait): at 100k articles they take seconds, which the first
        visitor of every worker used to wait."""
        figures = self._home_figures()
        self._search_index()
        self.terms()
        for top in figures["top_documents"]:  # the pages most visited and slowest to make
            if self.graph.document(ID + top["document"]) is not None:
                self._citing(ID + top["document"])
        for top in figures["top_issuers"]:
            self._body_info(ID + top["body"])
        for province in browse.provinces_with_articles(self.graph):  # 0.5 s each for 5k articles at 100k
            self._province_lists(province)
        self.graph.context.index_lines(browse.article_sources(self.graph))  # sentences of a page: no file scan
        cited = sorted((d for d in self.graph.documents.values() if d.citations >= KEEP_CITED),
                       key=lambda d: (-d.citations, d.iri))
        for d in cited[:WARM_DOCUMENTS]:  # every first visit of a much cited document under 100 ms
            self._citing(d.iri)

    def home(self) -> Reply:
        return self.page("home.html", title="graphbuild", s=self._home_figures())

    def _home_figures(self) -> dict[str, Any]:
        with self._warming:  # one computation, whether warm() or a request gets here first
            return self._home_figures_held()

    def _home_figures_held(self) -> dict[str, Any]:
        if self._home is None:
            g = self.graph
            figures = stats(g, limit=10)
            figures["bodies"] = browse.count_of(g, GB + "Body")
            figures["provinces"] = browse.count_of(g, GB + "Province")
            figures["newest"] = browse.newest_articles(g, 10)
            points = [(str(y["year"]), y["mentions"]) for y in figures["per_year"]]
            figures["chart"] = bar_chart(points, "Số lần trích dẫn theo năm đăng bài")
            figures["points"] = points
            figures["terms"] = self.terms()
            self._home = figures
        return self._home

    def _search_index(self) -> browse.SearchIndex:
        with self._indexing:
            if self._index is None:
                self._index = browse.search_index(self.graph)
            return self._index

    def search(self, params: dict[str, str]) -> Reply:
        """Words and numbers (``q``) over every kind; with a filter (issuer, type, term, dates, province) the
        documents are those :func:`find_documents_by` lists, the function behind ``graphbuild docs``."""
        q = " ".join(params.get("q", "").split())[:MAX_Q]
        kind = params.get("kind")
        filters = {k: " ".join(params.get(k, "").split())[:MAX_Q] for k in FILTERS}
        sort = params.get("sort") or "citations"
        sort = sort if sort in SORTS else "citations"
        wanted = {k: v for k, v in {"q": q, **filters, "sort": sort if any(filters.values()) else ""}.items() if v}
        groups: dict[str, list[browse.Record]] = {}
        problem = None
        if q:
            groups = self._found(q)
        if any(filters.values()):
            try:
                listed = find_documents_by(self.graph, CatalogFilter(**filters), sort=sort)
            except (UnknownName, ValueError) as err:
                listed, problem = [], str(err)
            keep = {d["iri"] for d in groups["documents"]} if q else None
            groups = {k: v for k, v in groups.items() if k == "documents"} if q else {}
            groups["documents"] = [{"iri": e.iri, "name": e.label, "note": _listing_note(e)}
                                   for e in listed if keep is None or e.iri in keep]
        if kind in groups:
            shown = {kind: Pager.of(groups[kind], _int(params.get("page")), 50)}
        else:
            shown = {k: Pager.of(v, 1, 10) for k, v in groups.items()}
        return self.page("search.html", title=f"Tìm: {q}" if q else "Tìm kiếm", q=q, kind=kind, groups=shown,
                         total=sum(len(v) for v in groups.values()), wanted=wanted, filters=filters, sort=sort,
                         sorts=SORTS, problem=problem, terms=self.terms(),
                         searched=bool(wanted))

    def _found(self, q: str) -> dict[str, list[browse.Record]]:
        """Everything ``q`` names: documents by any spelling of their number, then by words; articles,
        bodies, provinces and terms by words."""
        found = browse.search_words(self._search_index(), q)
        named = find_documents(self.graph, q, references_only=True).documents
        docs = [{"iri": d.iri, "name": d.label, "note": None} for d in named]
        seen = {d.iri for d in named}
        docs += [{"iri": e.iri, "name": e.name, "note": e.note} for e in found["documents"] if e.iri not in seen]
        groups: dict[str, list[browse.Record]] = {"documents": docs}
        for k in ("articles", "bodies", "provinces", "terms"):
            groups[k] = [{"iri": e.iri, "name": e.name, "note": e.note} for e in found[k]]
        return groups

    # ------------------------------------------------------------------ entities

    def entity(self, local: str, accept: str | None, params: dict[str, str]) -> Reply:
        fmt = None
        for suffix in RDF_TYPES:
            if local.endswith("." + suffix):
                local, fmt = local[: -len(suffix) - 1], suffix
        iri = ID + local
        if not browse.exists(self.graph, iri):
            raise NotFound(iri)
        fmt = fmt or negotiate_rdf(accept)
        if fmt is None:
            return Reply(406, ("acceptable types: text/html, " + ", ".join(RDF_TYPES.values()) + "\n").encode(),
                         "text/plain; charset=utf-8")
        if fmt != "html":
            return self.rdf(iri, fmt)
        kind = local.split("/", 1)[0]
        if kind in ("doc", "citekey") and self.graph.document(iri) is not None:
            return self.document(iri, _int(params.get("page")))
        if kind == "body":
            return self.body(iri, _int(params.get("page")))
        if kind == "article":
            return self.article(iri)
        if kind == "province":
            return self.province(iri, _int(params.get("page")))
        return self.node(iri)

    def rdf(self, iri: str, fmt: str) -> Reply:
        """The triples of one node, by DESCRIBE through the guarded executor (the IRI as a term, escaped)."""
        result = execute(self.store, f"DESCRIBE {ox.NamedNode(iri)}", max_rows=self.max_rows, timeout=self.timeout)
        if fmt == "jsonld":
            buf = io.BytesIO()
            ox.serialize(result.triples, buf, format=ox.RdfFormat.JSON_LD)
            body = buf.getvalue()
        else:
            body = serialize(result, fmt)
        return Reply(200, body, RDF_TYPES[fmt] + "; charset=utf-8",
                     (("Content-Location", (local_path(iri) or "") + "." + fmt),))

    def document(self, iri: str, page: int) -> Reply:
        g = self.graph
        d = g.document(iri)
        assert d is not None
        order, chart, together = self._citing(iri)
        info = describe(g, d, articles=len(order))
        listed = Pager.of(order, page)
        pager = Pager(citations_in(g, d, [a for _date, a in listed.items]), listed.page, listed.pages, listed.total,
                      listed.start)
        browse.with_sentences(g, pager.items)
        return self.page("document.html", title=d.label, d=d, info=info, links=browse.document_links(g, iri),
                         citations=pager, chart=chart, together=together,
                         candidates=[ID + c for c in d.candidates], rdf=local_path(iri))

    def _citing(self, iri: str) -> tuple[list[tuple[str | None, str]], str, list[browse.Record]]:
        """A document's citing articles (date and IRI, newest first), their chart and the documents cited with
        it: what grows with the corpus (0.5 s for a document 5k articles cite at 100k), kept for the most cited."""
        def make() -> tuple[tuple[list[tuple[str | None, str]], str, list[browse.Record]], bool]:
            d = self.graph.document(iri)
            assert d is not None
            order = citing_order(self.graph, iri)
            chart = bar_chart(browse.per_year([date for date, _a in order]), f"Số bài viết trích dẫn {d.label} theo năm")
            return (order, chart, browse.cited_together(self.graph, iri)), len(order) >= KEEP_CITED
        return self._kept(("citing", iri), make)

    def _kept(self, key: tuple[str, str], make: Callable[[], tuple[Kept, bool]]) -> Kept:
        """What ``make`` answers for ``key``, kept for the worker's life when ``make`` says it is worth it
        (at most :data:`KEEP_PAGES` answers; the first kept goes first, and the home page's come first)."""
        with self._kept_lock:
            if key in self._kept_answers:
                return cast(Kept, self._kept_answers[key])
            answer, keep = make()
            if keep:
                if len(self._kept_answers) >= KEEP_PAGES:
                    del self._kept_answers[next(iter(self._kept_answers))]
                self._kept_answers[key] = answer
            return answer

    def body(self, iri: str, page: int) -> Reply:
        info, chart = self._body_info(iri)
        return self.page("body.html", title=info.label, b=info, docs=Pager.of(info.documents, page), chart=chart,
                         rdf=local_path(iri))

    def article(self, iri: str) -> Reply:
        info = browse.article(self.graph, iri)
        if info is None:
            raise NotFound(iri)
        return self.page("article.html", title=info.title or info.id, a=info, rdf=local_path(iri))

    def province(self, iri: str, page: int) -> Reply:
        g = self.graph
        articles, cites = self._province_lists(iri)
        return self.page("province.html", title=browse.label(g, iri), iri=iri, articles=Pager.of(articles, page),
                         cites=cites, bodies=browse.province_bodies(g, iri), rdf=local_path(iri))

    def _body_info(self, iri: str) -> tuple[browse.BodyInfo, str]:
        """An issuer with its documents and their chart; kept when it issued many (6.6k: 0.9 s at 100k)."""
        def make() -> tuple[tuple[browse.BodyInfo, str], bool]:
            info = browse.body(self.graph, iri)
            chart = bar_chart(info.by_year, f"Văn bản của {info.label} theo năm")
            return (info, chart), len(info.documents) >= KEEP_CITED
        return self._kept(("body", iri), make)

    def _province_lists(self, iri: str) -> tuple[list[browse.Record], list[browse.Record]]:
        """A province's articles (newest first) and the documents they cite most; kept when long."""
        def make() -> tuple[tuple[list[browse.Record], list[browse.Record]], bool]:
            articles = browse.province_articles(self.graph, iri)
            return (articles, browse.province_cites(self.graph, iri)), len(articles) >= KEEP_CITED
        return self._kept(("province", iri), make)

    def term(self, term: str) -> Reply:
        if term not in browse.terms(self.graph):
            raise NotFound(term)
        docs = browse.term_documents(self.graph, term)
        chart = bar_chart(browse.per_year([d["date"] for d in docs]), f"Văn bản khóa {term} theo năm")
        return self.page("term.html", title=f"Khóa {term}", term=term, docs=docs, chart=chart)

    def node(self, iri: str) -> Reply:
        """Any other node: its triples, both ways (types, plenums, mentions, ...)."""
        node = ox.NamedNode(iri)
        out = [(q.predicate, q.object) for q in self.store.quads_for_pattern(node, None, None)][:500]
        into = [(q.subject, q.predicate) for q in self.store.quads_for_pattern(None, None, node)][:500]
        return self.page("node.html", title=browse.label(self.graph, iri), iri=iri, out=out, into=into,
                         cell=cell, rdf=local_path(iri))

    # ------------------------------------------------------------------ SPARQL

    def query_page(self, params: dict[str, str]) -> Reply:
        examples = worked_queries()
        text = params.get("query")
        if text is None and params.get("example") in examples:
            text = examples[params["example"]][1]
        result: Result | None = None
        error: str | None = None
        status = 200
        if text:
            try:
                result = execute(self.store, text, max_rows=self.max_rows, timeout=self.timeout)
            except SparqlError as e:
                error, status = str(e), e.status
            if result is not None and params.get("format"):
                return download(result, params["format"])
        table = None
        if result is not None and result.kind == "select":
            table = Pager.of(result.rows, _int(params.get("page")), RESULT_PAGE)
        elif result is not None and result.kind == "graph":
            table = Pager.of([[t.subject, t.predicate, t.object] for t in result.triples], _int(params.get("page")),
                             RESULT_PAGE)
        formats = (list(GRAPH_TYPES) if result is not None and result.kind == "graph" else ["csv", "json", "tsv", "xml"])
        return self.page("query.html", status=status, title="Truy vấn SPARQL", text=text or "", examples=examples,
                         result=result, table=table, error=error, cell=cell, formats=formats,
                         prefixes=", ".join(PREFIXES))


def download(result: Result, fmt: str) -> Reply:
    """A query's result as a file to save (CSV, JSON, TSV, XML; Turtle or N-Triples for a graph)."""
    types = GRAPH_TYPES if result.kind == "graph" else RESULT_TYPES
    if fmt not in types:
        return Reply(406, ("formats: " + ", ".join(types) + "\n").encode(), "text/plain; charset=utf-8")
    ctype = types[fmt] + ("; charset=utf-8" if fmt != "xml" else "")
    return Reply(200, serialize(result, fmt), ctype,
                 (("Content-Disposition", f'attachment; filename="graphbuild-result.{fmt}"'),))


def cell(t: Any) -> dict[str, str | None]:
    """A term of a result for the table: its text and, for a node of this graph, the link to its page."""
    if t is None:
        return {"text": "", "href": None}
    if isinstance(t, ox.NamedNode):
        return {"text": compact(t), "href": local_path(t.value)}
    return {"text": compact(t), "href": None}


def worked_queries() -> dict[str, tuple[str, str]]:
    """The worked queries shipped in ontology/queries: name -> (title, text); the title is the first comment line."""
    out: dict[str, tuple[str, str]] = {}
    folder = resources.files("graphbuild.ontology") / "queries"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            text = item.read_text(encoding="utf-8")
            first = next((ln for ln in text.splitlines() if ln.startswith("#")), "# " + item.name)
            out[item.name[:-3]] = (first.lstrip("# ").strip(), text)
    return out


def palette_css() -> str:
    """The node kinds' colours, from the one palette the GraphML/GEXF writers use."""
    from graphbuild.write.graphml import COLORS

    return "".join(f".kind-{k}{{border-left-color:{c}}}mark.kind-{k}{{background:{c}33}}" for k, c in COLORS.items())


# The document filters of the search page: the fields of CatalogFilter a form can hold
FILTERS = ("issuer", "type", "term", "since", "until", "province", "subject", "cited_by_province")


def _listing_note(e: Any) -> str:
    """The line under a listed document: its date, issuer and citations."""
    parts = [e.date, e.issuer, f"{e.citations} lần trích dẫn, {e.articles} bài"]
    return " · ".join(p for p in parts if p)


def page_url(path: str, params: dict[str, Any], **change: Any) -> str:
    merged = {k: v for k, v in {**params, **change}.items() if v not in (None, "")}
    return path + ("?" + urlencode(merged) if merged else "")


def _int(s: str | None) -> int:
    try:
        return max(1, int(s or 1))
    except ValueError:
        return 1
