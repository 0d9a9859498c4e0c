"""Step 2, extract: find every reference in an article's text (the grammar is built from the lexicon).
Imports text and domain.  Entry point: :func:`extract` (:mod:`graphbuild.extract.find` runs the steps).
"""

from graphbuild.extract.find import extract

__all__ = ["extract"]
