"""Other engines for the same pipeline (Spark). Imports the steps, pipeline and graphbuild.processes;
never the CLI.
"""
