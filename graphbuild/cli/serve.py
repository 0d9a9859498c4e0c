"""`graphbuild serve`: the web face and a read-only SPARQL 1.1 Protocol endpoint on the built graph."""

from __future__ import annotations

import click

from graphbuild.cli._ask import fail_graph, graph_option
from graphbuild.cli._stop import catch_stop_signals
from graphbuild.write.store import GraphError


@click.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default keeps the endpoint on this machine).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="0 = any free port.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds a query may run (then 503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Largest result returned (then 413).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Query worker processes; a query over --timeout is killed with its worker "
                   "[default: all cores]. 0 runs queries in the request threads (a timed-out query then "
                   "runs on in the background).")
@click.option("--quiet", "-q", is_flag=True, help="No request log.")
def serve(graph_dir: str, host: str, port: int, timeout: float, max_rows: int, workers: int | None,
          quiet: bool) -> None:
    """Serve the graph to a browser at http://HOST:PORT/ and as a read-only SPARQL endpoint at /sparql.

    Pages: home, search, every document, issuer, article, province and term, and a query
    page; every /id/... IRI also answers as Turtle, JSON-LD or N-Triples. /sparql takes
    GET ?query= or POST (form or application/sparql-query); results as SPARQL JSON, XML, CSV
    or TSV (N-Triples or Turtle for CONSTRUCT) by the Accept header. Updates, SERVICE and
    LOAD are refused. Paste the URL into YASGUI (https://yasgui.org) or Gephi's SemanticWebImport.
    """
    from graphbuild.ask.server import make_server
    from graphbuild.ask.workers import default_workers
    from graphbuild.web.site import Site

    if workers is None:
        workers = default_workers()
    catch_stop_signals()  # SIGTERM (service managers, kill) stops like Ctrl-C, also when called as a function
    try:
        server = make_server(graph_dir, host, port, timeout=timeout, max_rows=max_rows, quiet=quiet, workers=workers,
                             pages=Site)
    except GraphError as e:
        fail_graph("serve", e)
        return
    except RuntimeError as e:  # a query worker could not start
        click.echo(f"graphbuild serve: error: {e}", err=True)
        raise SystemExit(2) from e
    except OSError as e:
        click.echo(f"graphbuild serve: error: cannot listen on {host}:{port}: {e.strerror}", err=True)
        raise SystemExit(2) from e
    click.echo(f"SPARQL endpoint: {server.url}  web pages: {server.base_url}/  (read-only; Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    finally:  # Stopped (graphbuild.cli._stop) says the one line; the workers end here
        server.server_close()
