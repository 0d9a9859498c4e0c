"""Helpers shared by several test modules (kept out of conftest so imports stay explicit)."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

TONES = set("\u0300\u0301\u0303\u0309\u0323")


def to_cp1258(text: str) -> bytes:
    """Encode like Windows tools do: precomposed base letter + a combining tone byte."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in d if c in TONES).encode("cp1258")
    return bytes(out)


def folder_digest(folder: Path) -> str:
    """One hash over every file's relative path and bytes: equal digests mean identical trees."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def read_unreadable_file(content: bytes, reader: str) -> str:
    """What ``reader`` (Python lines reading the file ``path``, printing what it says) prints for a file
    its user may not read.

    The file is chmod 000 in a world-traversable temporary folder; as root (CI), where chmod does not
    stop reads, the child drops to the unprivileged user 'nobody' first.
    """
    import shutil
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="gb-unreadable-"))
    try:
        folder.chmod(0o755)
        path = folder / "secret.txt"
        path.write_bytes(content)
        path.chmod(0)
        # Imports first: as 'nobody' the interpreter may not read its own library (a Python under /root).
        imports = "".join(line + "\n" for line in reader.splitlines() if line.startswith(("from ", "import ")))
        body = "".join(line + "\n" for line in reader.splitlines() if not line.startswith(("from ", "import ")))
        child = ("import os, sys, bz2, csv, gzip, hashlib, json, lzma, sqlite3, tempfile\npath = sys.argv[1]\n"
                 + imports + "if os.geteuid() == 0:\n    os.setgid(65534); os.setuid(65534)\n" + body)
        r = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
