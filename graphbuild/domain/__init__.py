"""The types every stage passes on: Article, Mention, SkippedInput, DocumentKey and ids, places.
Imports only graphbuild.text.
"""
