"""Step 4, graph: the triples of articles, mentions, documents, bodies and the run as N-Triples lines
(triples.py, the one emitter), under the namespaces (namespaces.py).  Imports text, domain and resolve.
"""
