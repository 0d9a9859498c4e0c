"""Step 6, ask: a reader's reference matched to documents; cites/refs/show/stats, SPARQL, the HTTP endpoint.
Imports the steps it reads with (text, domain, read, extract, write); never the CLI or click.
"""
