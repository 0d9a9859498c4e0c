"""Where a build's files are written before they replace the output folder.

A build writes into a fresh folder beside ``--out`` and renames it into place at the end, so a
reader never sees half an output; the folder must be on the same file system for the rename to
be atomic.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def temp_dir_beside(target: Path) -> Path:
    """A fresh temporary directory on the same file system as ``target`` (so rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the output should not be
    return tmp
