"""The types every stage passes on: Article, Mention, SkippedInput, DocumentKey and ids, places,
issuers as texts name them.
Imports only graphbuild.text.
"""
