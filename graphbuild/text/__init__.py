"""Vietnamese text itself: length-preserving normalisation, folding, sentences, and the vocabularies
(type words, codes, bodies) read from graphbuild/data. Imports nothing else of graphbuild.
"""
