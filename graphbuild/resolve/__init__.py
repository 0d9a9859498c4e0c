"""Step 3, resolve: mentions of the whole corpus to documents and bodies, with the catalogue; records that merge in
any order, spilled to sorted runs on disk past a bound.  Imports text and domain.
"""
