"""Step 3, resolve: mentions of the whole corpus to documents and bodies, with the catalogue (and a user's own,
user_catalogue); mentions lacking part of their key decided once every article is read (identity); records that
merge in any order, spilled to sorted runs on disk past a bound.  Imports text and domain.
"""
