"""The `graphbuild` command: a click group; each sub-command lives in graphbuild/commands/."""

from __future__ import annotations

import click

from graphbuild import __version__
from graphbuild.commands import build as build_cmd
from graphbuild.commands import cites as cites_cmd
from graphbuild.commands import extract as extract_cmd
from graphbuild.commands import refs as refs_cmd
from graphbuild.commands import serve as serve_cmd
from graphbuild.commands import show as show_cmd
from graphbuild.commands import sparql as sparql_cmd
from graphbuild.commands import stats as stats_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphbuild")
def cli() -> None:
    """Vietnamese articles -> a knowledge graph of the Party and state documents they cite."""


cli.add_command(extract_cmd.extract)
cli.add_command(build_cmd.build)
cli.add_command(cites_cmd.cites)
cli.add_command(stats_cmd.stats)
cli.add_command(sparql_cmd.sparql)
cli.add_command(show_cmd.show)
cli.add_command(refs_cmd.refs)
cli.add_command(serve_cmd.serve)


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
