"""The types every stage passes on: Article, Mention, DocumentKey and ids, places.
Imports only graphbuild.text.
"""
