"""Step 3, resolve: mentions of the whole corpus to documents and bodies, with the catalogue.
Imports text and domain.
"""
