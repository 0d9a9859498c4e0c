"""HTML pages as articles: the decoded page, then its title, date, canonical URL and body text.

Parsed leniently by lxml through BeautifulSoup, so malformed pages still give their text; the
body is walked without recursion, so deeply nested pages do too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.heading import find_date, parse_date
from graphbuild.read.textio import decode_noting

__all__ = ["decode_html", "decode_html_noting", "html_article", "HTML_SUFFIXES"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "blockquote", "pre", "figcaption", "figure", "dd", "dt", "dl", "header", "main", "hr",
    "td", "th", "address", "center",
}
_DROP = ("script", "style", "nav", "footer", "noscript", "template", "svg", "iframe", "form", "button", "aside")
_META_DATE = (
    ("property", "article:published_time"), ("property", "og:published_time"),
    ("name", "pubdate"), ("name", "publishdate"), ("name", "publish-date"), ("name", "date"),
    ("name", "dc.date"), ("name", "dc.date.issued"), ("name", "article:published_time"),
    ("itemprop", "datePublished"), ("name", "created"),
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")  # markup left inside <title> by a page that forgot to close a tag
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def decode_html(data: bytes, name: str) -> str:
    """Decode HTML bytes, honouring a declared non-UTF-8 <meta charset> when UTF-8 fails."""
    return decode_html_noting(data, name)[0]


def decode_html_noting(data: bytes, name: str) -> tuple[str, SkippedInput | None]:
    """(text, note) of HTML bytes: :func:`~graphbuild.read.textio.decode_noting`, and when that refuses them a
    declared non-UTF-8 <meta charset>."""
    try:
        return decode_noting(data, name)
    except SkippedInput:
        m = _CHARSET.search(data[:4096])
        if not m:
            raise
        enc = m.group(1).decode("ascii", "replace")
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            raise SkippedInput(name, None, f"declares charset {enc} but does not decode as it; re-save as UTF-8") from None
        return unicodedata.normalize("NFC", text), None


def _block_text(node: Any) -> str:
    """Visible text with a newline at every block boundary, inline markup kept on one line.

    Walked with a stack, not by recursion: a page nested a thousand elements deep is still a page.
    """
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction

    parts: list[str] = []
    # Each entry: a node whose children are still to visit, or the newline that closes a block.
    stack: list[Any] = [iter(node.children)]
    while stack:
        top = stack[-1]
        if isinstance(top, str):
            parts.append(stack.pop())
            continue
        child = next(top, None)
        if child is None:
            stack.pop()
        elif isinstance(child, (Comment, Doctype, ProcessingInstruction)):
            continue
        elif isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            if child.name in _BLOCK:
                parts.append("\n")
                stack.append("\n")
            stack.append(iter(child.children))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def html_article(html: str) -> tuple[str | None, str | None, str | None, str]:
    """(title, date, canonical url, body text) of an HTML page.

    Title: og:title, then <title>, then the first <h1>.  Date: publication meta tags,
    JSON-LD datePublished, <time datetime>, then a dateline in the body text.  Body: the
    <article> (else <main>, else <body>) without scripts, styles, navigation and footers.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")

    def meta(attr: str, value: str) -> str | None:
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(value)}$", re.I)})
        content = tag.get("content") if tag else None
        return content.strip() if isinstance(content, str) and content.strip() else None

    title = meta("property", "og:title") or meta("name", "og:title")
    if not title and soup.title and soup.title.get_text(strip=True):
        title = " ".join(soup.title.get_text().split())
    if not title:
        h1 = soup.find("h1")
        if h1 and h1.get_text(strip=True):
            title = " ".join(h1.get_text().split())

    date = None
    for attr, value in _META_DATE:
        date = parse_date(meta(attr, value))
        if date:
            break
    if not date:
        for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
            m = _LD_DATE.search(script.get_text())
            if m and (date := parse_date(m.group(1))):
                break
    if not date:
        for t in soup.find_all("time"):
            if (date := parse_date(t.get("datetime") or t.get_text())):
                break

    url = meta("property", "og:url")
    if not url:
        link = soup.find("link", attrs={"rel": "canonical"})
        href = link.get("href") if link else None
        url = href.strip() if isinstance(href, str) and href.strip() else None

    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    body = _block_text(root)
    if not date:
        date = find_date(body)
    if title:
        title = " ".join(_TAG.sub(" ", title).split()) or None
    return title, date, url, body
