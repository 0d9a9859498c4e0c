"""Step 4, graph: resolved documents, bodies and citations as RDF triples, under the namespaces.
Imports text, domain and resolve.
"""
