"""`graphbuild build --engine spark`: the options that pick where a build runs.

They live here, as one decorator on the build command, so that the command itself stays
about the one-machine build and the Spark path costs it two lines.  Nothing Spark-related
is imported unless ``--engine spark`` is given: PySpark is an optional extra
(``pip install 'graphbuild[spark]'``) and takes seconds to import.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(command: F) -> F:
    """Add ``--engine``, ``--spark-master`` and ``--spark-merge`` to a build command, and dispatch on them.

    With ``--engine local`` (the default) the wrapped command runs unchanged.  With ``--engine
    spark`` the command's own arguments (inputs, --out, --strict, --quiet, --no-store, ...) go to
    :func:`graphbuild.engines.spark.run_from_cli` instead; options it does not use are ignored there.
    """

    @functools.wraps(command)
    def run(*args: Any, engine: str, spark_master: str | None, spark_merge: bool, **kwargs: Any) -> Any:
        if engine == "local":
            if spark_master or spark_merge:
                raise click.UsageError("--spark-master and --spark-merge need --engine spark")
            return command(*args, **kwargs)
        try:
            from graphbuild.engines.spark import run_from_cli
        except ModuleNotFoundError as e:
            if e.name and e.name.split(".")[0] in ("pyspark", "py4j"):
                click.echo("graphbuild build: error: --engine spark needs PySpark: pip install 'graphbuild[spark]'",
                           err=True)
                sys.exit(2)
            raise
        return run_from_cli(master=spark_master, merge=spark_merge, **kwargs)

    run = click.option("--spark-merge", is_flag=True,
                       help="--engine spark: also merge the N-Triples parts into one sorted out/graph.nt and "
                            "bulk-load out/store/ (for runs that fit one machine).")(run)
    run = click.option("--spark-master", metavar="URL", default=None,
                       help="--engine spark: Spark master (local[4], spark://host:7077, yarn) "
                            "[default: the one spark-submit gives, else local[--jobs or *]].")(run)
    run = click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
                       help="Where the build runs: this machine, or a PySpark job (see README, "
                            "'Spark: more than one machine').")(run)
    return run  # type: ignore[return-value]
