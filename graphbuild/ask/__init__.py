"""Step 6, ask: cites/refs/show/stats over a built graph, SPARQL, and the HTTP endpoint.
Imports the steps it reads with (read, extract, graph, write); never the CLI.
"""
