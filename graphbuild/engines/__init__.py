"""Other engines for the same pipeline (Spark). Imports the steps and pipeline; never the CLI.
"""
