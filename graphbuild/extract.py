"""Find every document reference in a text (placeholder: the real finder lands next)."""

from __future__ import annotations

from graphbuild.model import Mention


def extract(text: str, source: str = "<text>") -> list[Mention]:
    """Every reference in ``text``, in text order."""
    return []
