"""Step 1, read: bytes to decoded text, and files, folders, JSON Lines, CSV, HTML, WET/WARC to Articles.

``opening`` opens one file (regular files only, decompressed, bounded); ``textio`` decodes bytes and
lists folders; ``records`` (JSON Lines, CSV, JSON), ``html`` and ``webarchive`` parse; ``heading``
finds dates and titles; ``identity`` gives ids and duplicate keys; ``articles`` puts them together.
Imports text and domain.
"""
