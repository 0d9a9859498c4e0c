"""The `graphbuild` command: a click group; each sub-command lives in its own module of graphbuild/cli/."""

from __future__ import annotations

import click

from graphbuild import __version__
from graphbuild.cli import build_cmd as build_cmd
from graphbuild.cli import cites as cites_cmd
from graphbuild.cli import docs_cmd as docs_cmd
from graphbuild.cli import export_cmd as export_cmd
from graphbuild.cli import extract_cmd as extract_cmd
from graphbuild.cli import refs as refs_cmd
from graphbuild.cli import serve as serve_cmd
from graphbuild.cli import show as show_cmd
from graphbuild.cli import sparql_cmd as sparql_cmd
from graphbuild.cli import stats as stats_cmd
from graphbuild.cli._stop import StoppableGroup, catch_stop_signals, ignore_stop_signals


@click.group(cls=StoppableGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphbuild")
def cli() -> None:
    """Vietnamese articles -> a knowledge graph of the Party and state documents they cite."""


cli.add_command(extract_cmd.extract)
cli.add_command(build_cmd.build)
cli.add_command(cites_cmd.cites)
cli.add_command(stats_cmd.stats)
cli.add_command(sparql_cmd.sparql)
cli.add_command(show_cmd.show)
cli.add_command(docs_cmd.docs)
cli.add_command(export_cmd.export)
cli.add_command(refs_cmd.refs)
cli.add_command(serve_cmd.serve)


def main() -> None:
    """Console-script entry point: Ctrl-C and SIGTERM stop any command with one line (graphbuild.cli._stop)."""
    catch_stop_signals()
    try:
        cli()
    finally:
        ignore_stop_signals()


if __name__ == "__main__":
    main()
