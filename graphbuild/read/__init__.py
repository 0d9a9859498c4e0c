"""Step 1, read: bytes to decoded text, and files, folders, JSON Lines, CSV, HTML, WET/WARC to Articles.
Imports text and domain.
"""
