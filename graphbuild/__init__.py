"""graphbuild: Vietnamese articles -> a knowledge graph of the Party and state documents they cite.

Pipeline, one module per step:
    normalize -> lexicon/grammar -> extract (find + short forms) -> articles (read inputs)
    -> resolve (mentions to documents) -> rdf / graphml (write) -> query (ask).
"""

__version__ = "0.1.0"

from graphbuild.model import Mention  # noqa: E402

__all__ = ["Mention", "extract", "__version__"]


def extract(text: str, source: str = "<text>") -> list[Mention]:
    """Every document reference in ``text`` (see :func:`graphbuild.extract.extract`)."""
    from graphbuild.extract import extract as _extract

    return _extract(text, source)
