"""`graphbuild serve` under load: requests per second and latency with many concurrent clients, on loopback.

Starts ``graphbuild serve`` (a child process, its default workers) on a graph of data/ (or of a
generated corpus with ``--articles N``), then for each query shape -- a cheap one (one
document's number) and a heavy one (an aggregate over every mention) -- runs ``--clients``
threads, each sending the query again and again over its own keep-alive connection, for
``--seconds``.  Prints requests/s, p50/p99/max latency, the status codes seen, and the resident
memory of the server and its workers before, after each shape, and at the end.  Bounded in time
(the run takes about 2 x --seconds plus start-up); figures, not a test.

    python bench/bench_http.py                       # data/, 50 clients, 10 s per query
    python bench/bench_http.py --articles 2000 --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import common

QUERIES = {
    "cheap": "SELECT ?d WHERE { ?d eli:number '205-QĐ/TW' }",
    "heavy": "SELECT ?t (COUNT(?m) AS ?n) WHERE { ?m a gb:Mention ; gb:surface ?s . ?a ?p ?m ; a ?t } "
             "GROUP BY ?t ORDER BY DESC(?n)",
}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (the query workers), from /proc."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for t in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (t / "children").read_text().split()]
        except OSError:
            continue
    return total / 1024


def client(host: str, port: int, path: str, until: float, latencies: list[float], codes: dict[int, int]) -> None:
    """One client: the same GET over one keep-alive connection until ``until`` (reconnecting if closed)."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    while time.monotonic() < until:
        began = time.monotonic()
        try:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            r = conn.getresponse()
            r.read()
            status = r.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
        latencies.append(time.monotonic() - began)
        codes[status] = codes.get(status, 0) + 1
    conn.close()


def load(host: str, port: int, query: str, clients: int, seconds: float) -> dict:
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    latencies: list[float] = []
    codes: dict[int, int] = {}
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(host, port, path, until, latencies, codes), daemon=True)
               for _ in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 90)
    wall = time.monotonic() - began
    ordered = sorted(latencies)
    pick = (lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000) if ordered else (lambda q: 0.0)
    return {"requests": len(latencies), "rps": len(latencies) / wall, "p50": pick(0.50), "p99": pick(0.99),
            "max": pick(1.0), "mean": statistics.fmean(ordered) * 1000 if ordered else 0.0, "codes": codes}


def graph_of(articles: int | None, work: Path) -> Path:
    out = work / "graph"
    inputs = [str(common.corpus(articles, seed=1))] if articles else [str(common.ROOT / "data")]
    subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "build", *inputs, "--out", str(out), "-q",
                    "--formats", "nt"], check=True, cwd=common.ROOT)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0, help="per query shape")
    ap.add_argument("--articles", type=int, default=None, help="a generated corpus of N articles instead of data/")
    ap.add_argument("--workers", type=int, default=None, help="serve --workers (default: its own)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-http-") as work:
        graph = graph_of(args.articles, Path(work))
        cmd = [sys.executable, "-m", "graphbuild.cli.main", "serve", "--graph", str(graph), "--port", "0", "-q"]
        if args.workers is not None:
            cmd += ["--workers", str(args.workers)]
        server = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=common.ROOT, start_new_session=True)
        try:
            m = re.search(r"http://([\d.]+):(\d+)/sparql", server.stderr.readline() if server.stderr else "")
            if not m:
                raise SystemExit("serve did not start")
            host, port = m.group(1), int(m.group(2))
            corpus = f"{args.articles:,} generated articles" if args.articles else "data/"
            print(f"# graphbuild serve on a graph of {corpus}, {args.clients} clients, {args.seconds:g} s per query; "
                  f"commit {common.git_commit()}; {common.machine()}")
            print(f"server+workers RSS before: {tree_rss_mb(server.pid):.0f} MB")
            print("| query | requests | req/s | p50 ms | p99 ms | max ms | statuses | RSS after (MB) |")
            print("|---|---|---|---|---|---|---|---|")
            for name, query in QUERIES.items():
                r = load(host, port, query, args.clients, args.seconds)
                codes = ", ".join(f"{c or 'conn. error'}: {n}" for c, n in sorted(r["codes"].items()))
                print(f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p99']:.0f} | "
                      f"{r['max']:.0f} | {codes} | {tree_rss_mb(server.pid):.0f} |", flush=True)
            time.sleep(1)
            print(f"server+workers RSS at the end: {tree_rss_mb(server.pid):.0f} MB")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
