"""The run: read -> extract -> resolve -> graph -> write in processes, with cache, output folder and report.
Imports every step above; never the CLI.
"""
