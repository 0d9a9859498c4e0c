"""Turtle, JSON-LD and the on-disk Oxigraph store, each made from the sorted ``graph.nt``.

All three are written from the one sorted N-Triples file (:mod:`graphbuild.write.sorted_nt`), so
they hold the same triples and come out the same bytes on every run.  Oxigraph writes Turtle and
JSON-LD (rdflib's Turtle writer is quadratic in the number of IRIs) and bulk-loads the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from graphbuild.graph.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

# N-Triples bytes per ``bulk_load`` call.  Oxigraph's bulk loader costs less CPU in small batches:
# the 5.8M triples of 100k articles took 55.7 CPU s in 24 MB batches, 40.6 s in 8 MB, 36.9 s in
# 4 MB, 40.3 s in 2 MB and 47.0 s in 1 MB (plus ~7.5 s of optimize() in each case); peak RSS
# 284, 141, 99, 88 and 90 MB.  See bench/README.md.
STORE_BATCH_BYTES = 4 << 20


def _triples(fh: BinaryIO) -> ox.QuadParser:
    """The triples of a sorted N-Triples file this package wrote, parsed by Oxigraph as they come.

    ``lenient``: the file was written by this package a moment ago (IRIs checked or built from
    safe parts), so Oxigraph's IRI validation only costs time (about a third of the writers').
    """
    import pyoxigraph as ox

    return ox.parse(fh, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def write_turtle(nt_path: Path, out: Path) -> None:
    """Turtle from the sorted N-Triples, by Oxigraph (streams; groups each subject's triples)."""
    import pyoxigraph as ox

    with open(nt_path, "rb") as src, open(out, "wb") as fh:
        ox.serialize(_triples(src), fh, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def write_jsonld(nt_path: Path, out: Path) -> None:
    """JSON-LD (expanded, streamed by Oxigraph) from the sorted N-Triples."""
    import pyoxigraph as ox

    with open(nt_path, "rb") as src, open(out, "wb") as fh:
        ox.serialize(_triples(src), fh, format=ox.RdfFormat.JSON_LD, prefixes=PREFIXES)


def load_store(nt_path: Path, store_dir: Path, piece_bytes: int | None = None) -> int:
    """Bulk-load the N-Triples into an on-disk Oxigraph store; returns the number of triples.

    In pieces of ``piece_bytes`` (whole lines; default :data:`STORE_BATCH_BYTES`): one
    ``bulk_load`` of the whole file held memory in proportion to it (measured: 2.3 GB peak for the
    6M triples of 100k articles, 559 MB for 614k); pieces keep it flat and, down to about 4 MB,
    cost less CPU.  ``optimize()`` then compacts the pieces' files into one, so reads are as fast
    as after a single load.  ``lenient`` skips re-validating IRIs this package wrote itself.
    """
    import pyoxigraph as ox

    store = ox.Store(str(store_dir))
    with open(nt_path, "rb") as fh:
        while piece := fh.readlines(piece_bytes or STORE_BATCH_BYTES):
            store.bulk_load(b"".join(piece), format=ox.RdfFormat.N_TRIPLES, lenient=True)
            del piece
    store.optimize()
    n = len(store)
    store.flush()
    del store
    return n
