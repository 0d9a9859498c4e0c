"""``python -m graphbuild``: the same command line as the ``graphbuild`` script (handy under a profiler)."""

from graphbuild.cli.main import main

if __name__ == "__main__":
    main()
