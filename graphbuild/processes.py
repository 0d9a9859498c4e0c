"""Child processes of a build: they end when the build ends, even by SIGKILL, and yield the CPU to it.

Every process a build starts (the reader, the extraction workers, the forked writers, the store
loader, GNU sort) sets itself up with :func:`die_with_parent`.  Imports nothing of graphbuild, so
every package may import it.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

# The folder that holds graphbuild/: a child Python started with ``-m`` must import this very copy.
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does, even by SIGKILL.

    Why: a SIGKILLed build used to leave its reader and pool processes blocked forever on a
    queue, holding the temp folder open.  On Linux the kernel does it for us
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); the check after it closes the race where the parent
    died before the call.  Elsewhere the check alone remains (children then notice at their next
    queue timeout).  Safe in a ``preexec_fn``: it only calls ``prctl`` and, at worst, ``_exit``.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def renice(increment: int) -> None:
    """Lower this process's priority by ``increment`` where the platform allows it (a no-op elsewhere)."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):
        pass


def pythonpath(current: str | None) -> str:
    """``current`` (a PYTHONPATH value) with :data:`PACKAGE_ROOT` in front unless it is in it already."""
    paths = [p for p in (current or "").split(os.pathsep) if p]
    if PACKAGE_ROOT in paths:
        return current or ""
    return os.pathsep.join([PACKAGE_ROOT, *paths])
