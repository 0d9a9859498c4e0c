"""The command line's standard streams, in one place: text in UTF-8 whatever the locale says, and bytes.

(click's ``get_text_stream`` did this and is deprecated since click 8.5.)
"""

from __future__ import annotations

import io
import sys
from typing import BinaryIO, Literal, TextIO


def text_stream(name: Literal["stdout", "stderr"]) -> TextIO:
    """``sys.stdout`` or ``sys.stderr``, switched to UTF-8 when the locale gave it another encoding
    (a C or POSIX locale would otherwise fail on the first Vietnamese letter)."""
    stream = sys.stdout if name == "stdout" else sys.stderr
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" and isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8")
    return stream


def binary_stdout() -> BinaryIO:
    """Standard output as bytes (for answers already encoded, such as SPARQL results)."""
    return sys.stdout.buffer
