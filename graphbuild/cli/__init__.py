"""The command line: thin click commands over the library. Nothing in graphbuild imports it.
"""
