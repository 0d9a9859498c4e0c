"""One module per `graphbuild` sub-command; each is a thin click layer over library functions."""
