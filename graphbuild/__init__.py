"""graphbuild: Vietnamese articles -> a knowledge graph of the Party and state documents they cite.

Pipeline, one module per step:
    normalize -> lexicon/grammar -> extract (find + short forms) -> articles (read inputs)
    -> resolve (mentions to documents) -> rdf / graphml / build (write) -> query (ask).

Library entry points: ``graphbuild.extract.find.extract(text, source)`` and
``graphbuild.pipeline.build.build(paths, out)``.
"""

__version__ = "0.1.0"
