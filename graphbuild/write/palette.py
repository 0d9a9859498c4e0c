"""The colours of the graph's node kinds: one palette for GraphML, GEXF, the notebook and the web pages.

Why one place: a reader who learns in Gephi that orange is an article and red a Party
document should see the same colours in the notebook's drawing and on the web face.  Colour-blind
safe (Tableau 10), distinct in greyscale order; ``citekey`` (an unresolved number) is grey.
"""

from __future__ import annotations

# kind -> #rrggbb, in the order a legend lists them
NODE_COLORS: dict[str, str] = {
    "article": "#f28e2b",
    "party": "#e15759",
    "state": "#4e79a7",
    "named": "#59a14f",
    "citekey": "#9c9c9c",
    "body": "#b07aa1",
}


def node_color(kind: str) -> str:
    """The colour of one node kind (grey for a kind the palette does not know)."""
    return NODE_COLORS.get(kind, NODE_COLORS["citekey"])
