"""The web face of ``graphbuild serve``: pages for people over a built graph (issue 18).

Owns the pages (``site``: routes, content negotiation, downloads), what they read from the
graph (``browse``), server-drawn SVG charts (``charts``), and the Jinja2 templates and static
files shipped as package data.  Imports ask (the query library, the guarded SPARQL executor,
the worker protocol), text, and write (the store's names, the node-kind palette); never the
CLI.  The HTTP server itself is :mod:`graphbuild.ask.server`, which is handed ``site.Site``.
"""
