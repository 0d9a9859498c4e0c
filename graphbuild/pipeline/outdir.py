"""The output folder, replaced atomically: a build writes into a temporary folder beside ``--out`` and
swaps it into place only when all of it is complete, so a crash or Ctrl-C never leaves half-written
files (the previous build stays where it was).  Both engines write through :class:`StagedOutput`.

A disk that fills up is one of the ways a build ends early: :func:`is_disk_full` knows the
errors that say so (Python's, Oxigraph's, GNU sort's, a writer process's exit status), and
:func:`disk_full` words the one line the user sees.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO

from graphbuild.pipeline.results import OutputError

DISK_FULL_EXIT = errno.ENOSPC  # the exit status of a build's child process that ran out of disk space
MARKER = "report.json"  # an existing --out without it is not ours, and is never replaced
LOCK = ".lock"  # inside a temp dir: held (flock) by the build that owns it, for its lifetime


class StagedOutput:
    """A fresh temporary folder (``tmp``) beside ``out``, locked while this build writes into it.

    Creating one refuses an ``out`` that is not a previous build and removes the temporary folders
    of builds that died earlier.  Then exactly one of :meth:`commit` (swap it into place) or
    :meth:`discard` (remove it).
    """

    def __init__(self, out: Path) -> None:
        check_out(out)
        remove_stale_temp_dirs(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o777 & ~umask)  # mkdtemp makes it private; the output should not be
        self._lock: IO[str] = open(self.tmp / LOCK, "w")  # held open until commit or discard
        _try_lock(self._lock)

    def commit(self) -> None:
        """Put the finished folder at ``out``."""
        # Not part of the output.  Unlinked before it is unlocked: from here on another build's
        # clean-up finds no lock file and checks our pid instead, which is alive.
        os.unlink(self.tmp / LOCK)
        self._lock.close()
        swap_into_place(self.tmp, self.out)

    def discard(self) -> None:
        """Remove the temporary folder; ``out`` stays as it was."""
        self._lock.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def check_out(out: Path) -> None:
    """Refuse to replace anything but a folder that is empty or a previous build (it has a :data:`MARKER`)."""
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out}: exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise OutputError(f"{out}: not empty and not a graphbuild output (no {MARKER}); choose another --out")


def _try_lock(fh: IO[str]) -> bool:
    """Take an exclusive, non-blocking flock on ``fh``; False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # not Unix: fall back to the pid in the folder name
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _is_stale(folder: Path) -> bool:
    """Nobody holds the flock on its lock file, or, without a lock file, the pid in its name is not alive."""
    lock = folder / LOCK
    if lock.is_file():
        try:
            with open(lock, "a") as fh:
                return _try_lock(fh)
        except OSError:
            return False
    digits = folder.name.rsplit(".", 1)[-1].split("-")[1:2]
    return bool(digits and digits[0].isdigit() and not _pid_alive(int(digits[0])))


def remove_stale_temp_dirs(out: Path) -> list[Path]:
    """Remove the ``.OUT.tmp-PID-*`` / ``.OUT.old-PID`` folders that builds killed earlier left beside ``out``.

    A folder is stale when nobody holds the flock on its lock file (its build is gone, whatever
    happened to its pid since), or, without a lock file, when its pid is not a live process.
    Folders of a build still running are left alone.  Returns what was removed.
    """
    removed: list[Path] = []
    parent = out.parent
    if not parent.is_dir():
        return removed
    for d in parent.iterdir():
        name = d.name
        if not (name.startswith(f".{out.name}.tmp-") or name.startswith(f".{out.name}.old-")) or not d.is_dir():
            continue
        if _is_stale(d):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False  # glibc before 2.28
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    status: int = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return status == 0


def swap_into_place(tmp: Path, out: Path) -> None:
    """Put the finished build at ``out`` so that a kill at any moment leaves the old or the new output there.

    ``out`` absent: one rename.  ``out`` present: one atomic exchange of the two folders (the old
    output then sits in the temp folder, which is removed; if that removal is interrupted, the
    next build removes it as stale).  Where the exchange is not available (not Linux, or a file
    system without it), two renames, with a tiny window in which ``out`` is missing.
    """
    if not out.exists():
        os.replace(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


class DiskFull(OutputError):
    """The disk of ``--out`` filled up during the build; the temporary folder is gone, the previous output kept."""


def is_disk_full(e: BaseException) -> bool:
    """Whether ``e`` says a disk (or a quota) is full: an OSError with ENOSPC/EDQUOT, or Oxigraph's
    (RocksDB's) error, which carries the words only."""
    if not isinstance(e, OSError):
        return False
    return e.errno in (errno.ENOSPC, errno.EDQUOT) or any(
        words in str(e) for words in ("No space left on device", "Disk quota exceeded"))


def disk_full(out: Path, step: str, e: OSError) -> DiskFull:
    """The one line a user reads: what ran out, on which file system, during which step, and what to do."""
    folder = out.parent.resolve()
    mount = folder
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    what = "disk space"
    if e.errno == errno.EDQUOT or "quota" in str(e).lower():
        what = "the disk quota"
    else:
        try:
            stats = os.statvfs(folder)
            if stats.f_files and not stats.f_favail:
                what = "free inodes (files)"
        except OSError:
            pass
    where = str(mount) if mount == folder else f"{mount} (the file system of {folder})"
    return DiskFull(f"{what} ran out on {where} while {step}; free some space there, "
                    f"or give --out on another disk; {out} is unchanged")
