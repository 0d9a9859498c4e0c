"""Page latency of the web face: every page type of `graphbuild serve`, p50/p95 against the 100 ms target.

Builds (once, cached under bench/_work/) the graph of a generated corpus, starts ``graphbuild
serve`` on it as a child process, picks pages of every type through the server's own /sparql
endpoint (the most cited documents and a random sample of the others, issuers, articles,
provinces, terms), then asks for each page ``--repeat`` times over one keep-alive connection
and prints the figures.  A benchmark that prints, not a timed test.

    python bench/bench_pages.py                       # 10k articles (seed 1), 20 pages per type, 3 times each
    python bench/bench_pages.py --articles 100000 --jobs 4    # the issue's 100k-article graph
    python bench/bench_pages.py --graph out/          # an existing graph instead of a generated one
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from common import ROOT, WORK, corpus, git_commit, machine

TARGET_MS = 100.0
ID = "https://w3id.org/graphbuild/id/"


def built_graph(articles: int, seed: int, jobs: int) -> Path:
    """The graph of the generated corpus, built with ``graphbuild build`` unless already there."""
    out = WORK / f"pages-s{seed}-n{articles}"
    if (out / "report.json").is_file() and (out / "store").is_dir():
        print(f"reusing graph {out.relative_to(ROOT)}")
        return out
    src = corpus(articles, seed)
    print(f"building the graph of {articles:,} articles into {out.relative_to(ROOT)} ...", flush=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "graphbuild", "build", str(src), "--out", str(out), "--jobs", str(jobs),
                    "--formats", "none"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    print(f"  built in {time.perf_counter() - t:.0f} s")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(graph: Path, workers: int | None) -> Iterator[int]:
    """``graphbuild serve`` on a free port, until the block ends; yields the port once pages answer."""
    port = free_port()
    cmd = [sys.executable, "-m", "graphbuild", "serve", "--graph", str(graph), "--port", str(port), "--quiet"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise SystemExit(f"graphbuild serve did not start: {err}") from None
                time.sleep(0.2)
        warmed(proc.pid)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def warmed(pid: int, limit: float = 600.0) -> None:
    """Wait until the server's process tree is idle: each page worker fills its caches (home figures,
    search index, the most cited documents' lists) as it starts, and the figures are of a server
    that has done so.  Prints how long that took."""
    import psutil

    began = time.monotonic()
    root = psutil.Process(pid)

    def cpu() -> float:
        total = 0.0
        for p in [root, *root.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    last = cpu()
    while time.monotonic() - began < limit:
        time.sleep(1.0)
        now = cpu()
        if now - last < 0.05:
            break
        last = now
    print(f"server warm-up (caches filled, tree idle): {time.monotonic() - began:.1f} s", flush=True)


class Client:
    """One keep-alive connection; :meth:`get` returns (status, body, milliseconds)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, accept: str = "text/html") -> tuple[int, bytes, float]:
        t = time.perf_counter()
        self.conn.request("GET", path, headers={"Accept": accept})
        r = self.conn.getresponse()
        body = r.read()
        return r.status, body, (time.perf_counter() - t) * 1000

    def select(self, sparql: str) -> list[dict[str, str]]:
        status, body, _ = self.get("/sparql?" + urlencode({"query": sparql}), "application/sparql-results+json")
        if status != 200:
            raise SystemExit(f"/sparql answered {status}: {body[:300]!r}")
        return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


PREFIXES = "PREFIX gb: <https://w3id.org/graphbuild/ns#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "


def page_path(iri: str) -> str:
    return "/" + quote(iri[len(ID) - 3:], safe="/:_-.")  # id/... keeps its path


def pages(client: Client, samples: int, rng: random.Random) -> dict[str, list[str]]:
    """The pages to time, by page type: the heaviest ones of each type and a random sample of the rest."""
    def iris(sparql: str, top: int) -> list[str]:
        rows = [r["x"] for r in client.select(PREFIXES + sparql)]
        head, rest = rows[:top], rows[top:]
        return head + rng.sample(rest, min(len(rest), samples - len(head)))

    docs = iris("SELECT ?x WHERE { ?x gb:citationCount ?n FILTER(STRSTARTS(STR(?x), \"" + ID + "doc/\")) } "
                "ORDER BY DESC(?n) ?x", 5)
    bodies = iris("SELECT ?x (COUNT(?d) AS ?n) WHERE { ?d eli:passed_by ?x } GROUP BY ?x ORDER BY DESC(?n) ?x", 5)
    articles = iris("SELECT ?x WHERE { ?x a gb:Article } ORDER BY ?x", 0)
    provinces = iris("SELECT ?x (COUNT(?a) AS ?n) WHERE { ?a gb:province ?x } GROUP BY ?x ORDER BY DESC(?n) ?x", 3)
    terms = [r["t"] for r in client.select(PREFIXES + "SELECT DISTINCT ?t WHERE { ?d gb:term ?t } ORDER BY ?t")]
    words = ["205-QĐ/TW", "Nghị quyết Trung ương 4 khóa XII", "kiem soat quyen luc", "xây dựng Đảng", "Thái Bình",
             "chỉ thị 35", "qd 205 tw", "cán bộ"]
    return {
        "home": ["/"],
        "search": ["/search?" + urlencode({"q": w}) for w in words],
        "document": [page_path(i) for i in docs],
        "issuer": [page_path(i) for i in bodies],
        "article": [page_path(i) for i in articles],
        "province": [page_path(i) for i in provinces],
        "term": ["/term/" + quote(t) for t in terms[:samples]],
        "query page": ["/query"],
        "document as Turtle": [page_path(i) + ".ttl" for i in docs[:10]],
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def measure(client: Client, by_type: dict[str, list[str]], repeat: int) -> list[tuple[str, int, list[float], float]]:
    """Per page type: (type, pages, times of the warm requests, the first request's time)."""
    out = []
    for kind, paths in by_type.items():
        first: float | None = None
        times: list[float] = []
        for _ in range(repeat):
            for p in paths:
                status, _, ms = client.get(p)
                if status >= 500:
                    print(f"  {kind}: {p} answered {status}", file=sys.stderr)
                if first is None:
                    first = ms
                else:
                    times.append(ms)
        out.append((kind, len(paths), times or [first or 0.0], first or 0.0))
    return out


def report(rows: list[tuple[str, int, list[float], float]], label: str) -> None:
    print(f"\n{label}\n{machine()}; commit {git_commit()}; target {TARGET_MS:.0f} ms\n")
    print(f"{'page':20} {'pages':>5} {'requests':>8} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
    for kind, n, times, first in rows:
        p95 = percentile(times, 95)
        verdict = "ok" if p95 <= TARGET_MS else "OVER"
        print(f"{kind:20} {n:5d} {len(times) + 1:8d} {first:9.1f} {statistics.median(times):8.1f} {p95:8.1f} "
              f"{max(times):8.1f}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000, help="generated articles (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="build processes")
    ap.add_argument("--graph", type=Path, help="time an existing graph instead of a generated one")
    ap.add_argument("--samples", type=int, default=20, help="pages per page type (default 20)")
    ap.add_argument("--repeat", type=int, default=3, help="times each page is asked for (default 3)")
    ap.add_argument("--workers", type=int, default=None, help="graphbuild serve --workers")
    args = ap.parse_args(argv)
    graph = args.graph or built_graph(args.articles, args.seed, args.jobs)
    with serving(graph, args.workers) as port:
        client = Client(port)
        by_type = pages(client, args.samples, random.Random(args.seed))
        rows = measure(client, by_type, args.repeat)
    label = f"graph {graph}" if args.graph else f"{args.articles:,} generated articles (seed {args.seed})"
    report(rows, label)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
