"""`graphbuild build INPUT... --out DIR`: the knowledge graph of a corpus, as RDF, a store and graph files."""

from __future__ import annotations

import os

import click

from graphbuild.cli import _streams
from graphbuild.cli._engine import engine_options, fail, tell_outcome

# graphbuild.pipeline (and rdflib behind it) is imported inside the command: every other
# `graphbuild` command loads this module at start-up and must not pay for it.

PROGRESS_MIN_BYTES = 4_000_000  # below this (about 600 articles) a run is short: no progress line
# Below this much input (about 600 articles) starting the reader and extraction processes and
# pickling articles to them costs more than the parallel part saves: the default is one process.
SMALL_INPUT_BYTES = 4_000_000


def _formats(ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """``--formats ttl,graphml`` (or repeated): the optional files to write; ``all`` for every one,
    ``nt`` for none of them (graph.nt is always written).  Click runs this only for `build`, so the
    import of graphbuild.pipeline here costs the other commands nothing."""
    from graphbuild.pipeline.results import FORMATS

    optional = tuple(FORMATS)
    if not values:
        return optional
    chosen: list[str] = []
    for value in values:
        for name in (v.strip().lower() for v in value.split(",")):
            if name == "all":
                chosen.extend(optional)
            elif name in optional:
                chosen.append(name)
            elif name != "nt":
                raise click.BadParameter(f"unknown format {name!r}: choose from nt, "
                                         f"{', '.join(optional)} or all")
    return tuple(f for f in optional if f in chosen)


def _default_jobs(inputs: tuple[str, ...]) -> int:
    """All cores, except for small inputs (stdin counts as large: its size is unknown)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    from graphbuild.pipeline.reading import input_bytes

    if "-" not in inputs and input_bytes(inputs) < SMALL_INPUT_BYTES:
        return 1
    return cores


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Output directory (replaced atomically when the build succeeds).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes: with N > 1 reading and extraction run beside resolution and writing "
                   "[default: all cores; 1 for inputs under 4 MB]. Output is identical for any value.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary; errors only.")
@click.option("--strict", is_flag=True, help="Fail (exit 2, nothing written) if any input is skipped.")
@click.option("--graph-scope", type=click.Choice(["all", "documents"]), default="all", show_default=True,
              help="GraphML/GEXF: everything, or documents and bodies only.")
@click.option("--since", metavar="YYYY-MM-DD", default=None, help="GraphML/GEXF: articles published on or after.")
@click.option("--until", metavar="YYYY-MM-DD", default=None, help="GraphML/GEXF: articles published on or before.")
@click.option("--formats", "formats", multiple=True, callback=_formats, metavar="LIST",
              help="Which of graph.ttl, graph.jsonld, graph.graphml, graph.gexf to write: a comma-separated list "
                   "of ttl, jsonld, graphml, gexf, 'all', or 'nt' for none of them. graph.nt, mentions.jsonl and "
                   "report.json are always written.  [default: all]")
@click.option("--no-store", is_flag=True, help="Skip the Oxigraph store (out/store/).")
@click.option("--no-cache", is_flag=True,
              help="Re-extract every article instead of reusing the previous build's out/cache/.")
@click.option("--catalogue", "catalogues", multiple=True, metavar="FILE",
              help="Your own catalogue of documents (same schema as graphbuild/data/catalogue.json; provincial "
                   "entries carry a province), merged with the shipped one. Repeatable.")
@engine_options
def build(inputs: tuple[str, ...], out: str, jobs: int | None, quiet: bool, strict: bool, graph_scope: str,
          since: str | None, until: str | None, formats: tuple[str, ...], no_store: bool, no_cache: bool,
          catalogues: tuple[str, ...]) -> None:
    """Build the knowledge graph of INPUT files and folders ('-' = stdin) into --out.

    Writes graph.nt, graph.ttl, graph.jsonld (RDF), store/ (Oxigraph), graph.graphml and
    graph.gexf (Gephi), mentions.jsonl and report.json (counts, skipped inputs, conflicts,
    unresolved keys); --formats and --no-store leave out the ones not needed.
    On an --out built before, only new or changed articles are extracted again (the rest
    comes from out/cache/); the result is identical to a build from scratch.
    Exit status: 0 on success, 1 when some inputs were skipped (the rest is built), 2 on
    failure.
    """
    from graphbuild.domain.model import Article
    from graphbuild.domain.skipped import SkippedInput
    from graphbuild.pipeline.build import build as run_build
    from graphbuild.pipeline.progress import Progress
    from graphbuild.pipeline.reading import input_bytes
    from graphbuild.pipeline.results import BuildError
    from graphbuild.resolve.user_catalogue import CatalogueError
    from graphbuild.write.gephi_elements import Options

    jobs = jobs or _default_jobs(inputs)
    err = _streams.text_stream("stderr")
    total = 0 if quiet or "-" in inputs else input_bytes(inputs)
    show = not quiet and total > 0 and (total >= PROGRESS_MIN_BYTES or "GRAPHBUILD_PROGRESS_EVERY" in os.environ)
    bar = Progress(total, err) if show else None
    position = [0]  # input bytes read so far, kept up to date by the reader
    count = [0]

    def on_article(item: Article | SkippedInput) -> None:
        if isinstance(item, SkippedInput):
            if bar is not None and bar.tty and bar.width:
                err.write("\n")
                bar.width = 0
            click.echo(f"graphbuild build: {item.verb} {item}", err=True)
        else:
            count[0] += 1
        if bar is not None:
            bar.update(position[0], count[0])

    try:
        result = run_build(inputs, out, jobs=jobs, strict=strict, on_article=on_article,
                           graph_options=Options(graph_scope, since, until), store=not no_store, use_cache=not no_cache,
                           progress=position, on_stage=bar.stage if bar is not None else None, formats=formats,
                           catalogues=catalogues)
    except (BuildError, CatalogueError) as e:
        fail(str(e))
    tell_outcome(result, out, quiet)

