"""`graphbuild build --engine spark`: the options that pick where a build runs, and what every engine's
outcome prints (errors with exit 2, the summary, skipped inputs with exit 1).

They live here, as one decorator on the build command, so that the command itself stays
about the one-machine build and the Spark path costs it two lines.  Nothing Spark-related
is imported unless ``--engine spark`` is given: PySpark is an optional extra
(``pip install 'graphbuild[spark]'``) and takes seconds to import.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(command: F) -> F:
    """Add ``--engine``, ``--spark-master`` and ``--spark-merge`` to a build command, and dispatch on them.

    With ``--engine local`` (the default) the wrapped command runs unchanged.  With ``--engine
    spark`` the command's own arguments (inputs, --out, --strict, --quiet, --no-store, ...) go to
    :func:`_run_spark` instead; options it does not use are ignored there.
    """

    @functools.wraps(command)
    def run(*args: Any, engine: str, spark_master: str | None, spark_merge: bool, **kwargs: Any) -> Any:
        if engine == "local":
            if spark_master or spark_merge:
                raise click.UsageError("--spark-master and --spark-merge need --engine spark")
            return command(*args, **kwargs)
        return _run_spark(master=spark_master, merge=spark_merge, **kwargs)

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


def _run_spark(*, inputs: tuple[str, ...], out: str, master: str | None, merge: bool, jobs: int | None = None,
               quiet: bool = False, strict: bool = False, no_store: bool = False, catalogues: tuple[str, ...] = (),
               **_local_only: Any) -> None:
    """``graphbuild build --engine spark``: options of the local build that do not apply are ignored."""
    try:
        from graphbuild.engines.spark import build_spark, spark_session
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] in ("pyspark", "py4j"):
            fail("--engine spark needs PySpark: pip install 'graphbuild[spark]'")
        raise
    from graphbuild.pipeline.results import BuildError
    from graphbuild.resolve.user_catalogue import CatalogueError

    spark = spark_session(master, jobs, quiet)
    try:
        result = build_spark(spark, inputs, out, strict=strict, merge=merge, store=not no_store, catalogues=catalogues)
    except (BuildError, CatalogueError) as e:
        fail(str(e))
    tell_outcome(result, out, quiet, list_skipped=20)  # Spark's skipped inputs are listed here, not as they come


def fail(message: str) -> NoReturn:
    """A build that could not run: its error on stderr, exit status 2 (the same for every engine)."""
    click.echo(f"graphbuild build: error: {message}", err=True)
    sys.exit(2)


def tell_outcome(result: Any, out: str, quiet: bool, list_skipped: int = 0) -> None:
    """The summary line, the conflict count and exit 1 when inputs were skipped: the same for every engine."""
    if not quiet:
        click.echo(f"{result.summary()} -> {out}", err=True)
        if result.conflicts:
            click.echo(f"graphbuild build: {len(result.conflicts)} conflict(s), see {os.path.join(out, 'report.json')}",
                       err=True)
    if result.skipped:
        for s in result.skipped[:list_skipped]:
            click.echo(f"graphbuild build: {getattr(s, 'verb', 'skipped')} {s}", err=True)
        repaired = sum(getattr(s, "severity", "") == "repaired" for s in result.skipped)
        click.echo(f"graphbuild build: {len(result.skipped) - repaired} input(s) skipped"
                   + (f", {repaired} repaired" if repaired else ""), err=True)
        sys.exit(1)
