"""Step 5, write: the output files (sorted N-Triples, Turtle, JSON-LD, GraphML/GEXF) and the Oxigraph store.
Imports text, domain, resolve and graph.
"""
