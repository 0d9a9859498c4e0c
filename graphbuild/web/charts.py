"""Charts drawn on the server as SVG: no script, no library, readable without either.

The markup is built here with every text escaped (labels come from the graph) and returned as
``Markup`` for the templates; colours are classes styled by the site's CSS.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def bar_chart(points: list[tuple[str, int]], title: str, width: int = 640, height: int = 200) -> Markup:
    """Vertical bars, one per (label, value), with the values on top and every nth label below.

    The SVG scales to its container (viewBox); ``title`` is its accessible name, and a table
    of the same numbers is given by the page for screen readers and copying.
    """
    if not points:
        return Markup("")
    top = max(v for _, v in points) or 1
    pad_left, pad_bottom, pad_top = 8, 24, 18
    plot_h = height - pad_bottom - pad_top
    step = (width - 2 * pad_left) / len(points)
    bar = min(48.0, max(1.0, step * 0.75))
    every = max(1, len(points) // 12)  # at most about a dozen labels under the axis
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (name, value) in enumerate(points):
        x = pad_left + i * step + (step - bar) / 2
        h = plot_h * value / top
        y = pad_top + plot_h - h
        parts.append(f'<g><title>{escape(name)}: {value}</title>'
                     f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}"/>')
        if value and len(points) <= 40:
            parts.append(f'<text class="value" x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{value}</text>')
        parts.append("</g>")
        if i % every == 0:
            parts.append(f'<text class="axis" x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                         f"{escape(name)}</text>")
    parts.append(f'<line class="baseline" x1="0" x2="{width}" y1="{pad_top + plot_h}" y2="{pad_top + plot_h}"/></svg>')
    return Markup("".join(parts))
