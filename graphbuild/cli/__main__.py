"""``python -m graphbuild.cli``: the command line."""

from graphbuild.cli.main import main

main()
