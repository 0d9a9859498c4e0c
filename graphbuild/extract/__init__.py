"""Step 2, extract: find every reference in an article's text (the grammar is built from the lexicon).
Imports text and domain.
"""
