"""How every command ends when it is told to: Ctrl-C, SIGTERM, or a reader that closed its pipe.

* SIGINT (Ctrl-C) and SIGTERM raise :class:`Stopped` in the main thread.  Each command's own
  clean-up runs as the exception passes (a build removes its temporary folder and stops its
  processes; serve stops its workers); a second signal meanwhile is ignored, so the clean-up is
  not cut short.  Then one line, ``graphbuild CMD: stopped by SIGINT``, and the exit status
  128 + the signal's number (130, 143), as a shell reports a process killed by it.
* The processes a command starts ignore SIGINT (a terminal sends it to the whole process
  group): the command decides, and they end with it (graphbuild.pipeline.processes).
* Output piped into ``head``: when the reader is gone, the command stops writing and exits
  quietly with 141 (128 + SIGPIPE), as a shell tool killed by SIGPIPE does.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import click

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
PIPE_CLOSED = 128 + int(signal.SIGPIPE)


class Stopped(KeyboardInterrupt):
    """The command was told to stop by ``signum``.

    A KeyboardInterrupt, so that code which lets Ctrl-C through (waitress's event loop among
    them) lets this through too.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, _frame: object) -> None:
    for sig in STOP_SIGNALS:  # the clean-up the exception runs must not be cut short by a second one
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


def catch_stop_signals() -> None:
    """From now on SIGINT and SIGTERM raise :class:`Stopped` in the main thread."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _raise_stopped)


def ignore_stop_signals() -> None:
    """The command is over, its outputs complete: a signal now would meet the interpreter's shutdown,
    which puts back the default action of the handlers it set and dies of it (exit -2, no word said)."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


class StoppableGroup(click.Group):
    """A click group whose sub-commands end as this module describes when stopped or when their pipe closes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as e:  # Stopped, or Ctrl-C where no handler was installed
            signum = e.signum if isinstance(e, Stopped) else int(signal.SIGINT)
            name = ctx.invoked_subcommand or ctx.info_name
            click.echo(f"graphbuild {name}: stopped by {signal.Signals(signum).name}", err=True)
            raise SystemExit(128 + signum) from None
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(PIPE_CLOSED) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what is left has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
