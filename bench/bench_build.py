#!/usr/bin/env python3
"""End-to-end ``graphbuild build`` against the floor and a plain in-memory rdflib pipeline on the same corpus.

The floor (issue 19) is the work no build can avoid, measured right after each build on the same
files: the CPU seconds of ``graphbuild extract --format jsonl`` plus those of bulk-loading the
build's own ``graph.nt`` into a fresh Oxigraph store with ``optimize()``.  The build's CPU over the
floor is printed beside it (target <= 1.5x), and its wall time over its CPU (target <= 0.6 on two
cores).  ``--no-baseline`` skips the rdflib pipeline, which is slow.

Why a baseline: the build command's worth is judged against the obvious way to do the job
(extract every article, ``Graph.add`` one triple at a time, ``serialize(format="turtle")``), whose
costs rdf-gephi-performance.md section 3 measured (rdflib ~25 s to add 1.2M triples, Turtle output
pathologically slow when every article is its own namespace).  Both run as child processes of this
script and are measured the same way:

* wall seconds (``time.perf_counter`` around the child),
* MB/s of the input files and articles/s,
* peak RSS: the largest sum of RSS over the child's process tree (psutil, polled every 50 ms,
  which is what a multi-process ``--jobs N`` build really costs) and the kernel's ``ru_maxrss`` of
  the child from ``os.wait4`` (largest single process; exact but blind to sums).

Corpora come from bench/generate.py (JSONL, ``--shards`` files so a parallel build can split work)
and are cached under bench/_work/.  Until ``graphbuild build`` exists the script says so, runs the
baseline alone and exits 0.

    python bench/bench_build.py [--sizes 10000,100000] [--jobs 1,2] [--seed 1] [--shards 4]

Each build runs with ``GRAPHBUILD_PROFILE=1``, so its time and RSS per phase are printed under it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

CLI = [sys.executable, "-m", "graphbuild.cli.main"]  # the working tree's CLI, whatever is on PATH


# --------------------------------------------------------------------------------------------------
# The baseline (runs in a child process: ``bench_build.py --baseline-worker OUT FILE...``)
# --------------------------------------------------------------------------------------------------


def baseline_worker(out: Path, files: list[Path]) -> int:
    """Plain pipeline: extract each article, one ``Graph.add`` per article->document triple, Turtle.

    IRIs are flat (``…/article/<id>``, ``…/doc/<id>``) so rdflib's Turtle writer sees two
    namespaces, not one per article: the baseline is naive but not pathological.
    """
    from rdflib import Graph, Namespace, URIRef

    from graphbuild.extract.find import extract

    base = "https://graphbuild.example/"
    cites = Namespace(base + "ns#")["cites"]
    g = Graph()
    g.bind("gb", Namespace(base + "ns#"))
    g.bind("art", Namespace(base + "article/"))
    g.bind("doc", Namespace(base + "doc/"))
    t_read = t_extract = t_add = 0.0
    articles = mentions = 0
    t0 = time.perf_counter()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                a = time.perf_counter()
                obj = json.loads(line)
                b = time.perf_counter()
                ms = extract(obj["text"], obj["id"])
                c = time.perf_counter()
                art = URIRef(base + "article/" + quote(obj["id"], safe=""))
                for m in ms:
                    key = m.id or f"{m.doc_type}-{m.number}-{m.type_code}-{m.issuer_code}"
                    g.add((art, cites, URIRef(base + "doc/" + quote(key, safe=""))))
                d = time.perf_counter()
                t_read += b - a
                t_extract += c - b
                t_add += d - c
                articles += 1
                mentions += len(ms)
    t_loop = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    g.serialize(destination=str(out / "graph.ttl"), format="turtle")
    t_ser = time.perf_counter() - t1
    print(json.dumps({"articles": articles, "mentions": mentions, "triples": len(g), "read_s": t_read,
                      "extract_s": t_extract, "add_s": t_add, "loop_s": t_loop, "serialize_s": t_ser}))
    return 0


def graph_baseline_worker(out: Path, files: list[Path]) -> int:
    """The issue's baseline: the *same graph* as the build, by a plain in-memory rdflib pipeline.

    Same reader, extractor and resolver as the build (so the triples are the build's, counted
    below against graph.nt), the build's triple emitter (graphbuild.graph.triples), every triple
    parsed into an in-memory rdflib ``Graph`` (in batches of lines), and one
    ``serialize(format="turtle")``.  No store, no GraphML: only what the plain pipeline would make.
    """
    import hashlib

    from rdflib import Graph

    from graphbuild.domain.model import Article
    from graphbuild.extract.find import extract
    from graphbuild.graph import triples
    from graphbuild.graph.namespaces import PREFIXES
    from graphbuild.read.articles import read_articles
    from graphbuild.resolve.resolver import Resolver

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    pending: list[str] = []

    def add(lines: list[str], at_least: int = 100_000) -> None:
        """Parse the lines into the graph once enough are pending (one parse per line would cost more)."""
        pending.extend(lines)
        if len(pending) >= at_least:
            g.parse(data="".join(pending), format="nt")
            pending.clear()

    resolver = Resolver()
    digest = hashlib.sha1(b"graphbuild-0")
    t_loop = t_extract = 0.0
    articles = mentions = 0
    t0 = time.perf_counter()
    for item in read_articles([str(f) for f in files]):
        if not isinstance(item, Article):
            continue
        a = time.perf_counter()
        ms = extract(item.text, item.source)
        t_extract += time.perf_counter() - a
        citations = resolver.resolve_article(item, ms)
        add(triples.article_nt_lines(item, citations))
        digest.update(item.id.encode("utf-8") + b"\n")
        articles += 1
        mentions += len(ms)
    resolver.finish()
    docs = resolver.documents()
    for d in docs:
        add(triples.document_nt_lines(d))
    for b in resolver.body_records():
        add(triples.body_nt_lines(b))
    add(triples.run_nt_lines(digest.hexdigest()[:16], resolver.stats.articles, sum(not d.is_citekey for d in docs)),
        at_least=0)
    t_loop = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    g.serialize(destination=str(out / "graph.ttl"), format="turtle")
    t_ser = time.perf_counter() - t1
    print(json.dumps({"articles": articles, "mentions": mentions, "triples": len(g), "read_s": 0.0,
                      "extract_s": t_extract, "add_s": t_loop - t_extract, "loop_s": t_loop, "serialize_s": t_ser}))
    return 0


# --------------------------------------------------------------------------------------------------
# Measuring a child process
# --------------------------------------------------------------------------------------------------


def measure(cmd: list[str], timeout: float | None = None, keep_stdout: bool = True) -> dict:
    """Run ``cmd``; wall time, peak tree RSS (psutil polling), ru_maxrss (wait4), output, exit code.
    ``keep_stdout`` false sends the child's stdout to /dev/null (``extract`` prints every mention)."""
    import psutil

    peak = [0]
    peak_pss = [0]
    stop = threading.Event()
    t0 = time.perf_counter()
    env = {**os.environ, "GRAPHBUILD_PROFILE": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=common.ROOT, env=env)

    def poll() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        procs: list = []
        listed = sampled = 0.0
        while not stop.is_set():
            now = time.perf_counter()
            # Listing the tree walks all of /proc and smaps_rollup walks every page table: both
            # cost CPU the build then lacks (polling them every 20 ms slowed a 10k build by a
            # third).  RSS (statm, a counter) is read every 50 ms; the tree is re-listed every
            # 0.25 s; PSS is read when the RSS sum reaches a new high, at most every 0.5 s.
            if now - listed >= 0.25:
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    break
                listed = now
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
                    pass
            if total > peak[0]:
                peak[0] = total
                if now - sampled >= 0.5:
                    # PSS counts a page shared by n processes 1/n in each: forked children share
                    # most of their parent's pages, which a plain RSS sum counts n times.
                    peak_pss[0] = max(peak_pss[0], sum(_pss(p.pid) for p in procs))
                    sampled = now
            elif now - sampled >= 5.0:
                peak_pss[0] = max(peak_pss[0], sum(_pss(p.pid) for p in procs))
                sampled = now
            stop.wait(0.05)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks)) if s is not None]
    for r in readers:
        r.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            pid, status, ru = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it ourselves; tell Popen
    stop.set()
    th.join()
    for r in readers:
        r.join()
    # CPU seconds of the whole tree: wait4's usage includes every descendant the child reaped
    # (its workers, writers, the store loader).  On a shared box this moves less than wall time.
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime,
            "peak_tree_rss_mb": peak[0] / 2**20, "peak_tree_pss_mb": peak_pss[0] / 2**20,
            "maxrss_mb": ru.ru_maxrss / 1024,
            "rc": proc.returncode, "stdout": "".join(out_chunks), "stderr": "".join(err_chunks)}


# --------------------------------------------------------------------------------------------------
# The floor (issue 19): the work no build can avoid, measured beside each build on the same files
# --------------------------------------------------------------------------------------------------

_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)
store.optimize()
print(len(store))
"""


def floor(files: list[Path], graph_nt: Path, timeout: float | None) -> dict | None:
    """CPU seconds of ``graphbuild extract --format jsonl`` over ``files`` and of bulk-loading the build's
    own ``graph.nt`` into a fresh Oxigraph store with ``optimize()``; their sum is the floor."""
    if not graph_nt.is_file():
        return None
    ext = measure([*CLI, "extract", "--format", "jsonl", *map(str, files)], timeout, keep_stdout=False)
    store = common.WORK / "floor-store"
    subprocess.run(["rm", "-rf", str(store)], check=True)
    load = measure([sys.executable, "-c", _LOAD, str(store), str(graph_nt)], timeout)
    subprocess.run(["rm", "-rf", str(store)], check=True)
    if ext["rc"] != 0 or load["rc"] != 0:
        print(f"  floor FAILED: extract exit {ext['rc']}, load exit {load['rc']}: {load['stderr'][-500:]}")
        return None
    return {"extract_cpu_s": ext["cpu_s"], "extract_wall_s": ext["wall_s"], "load_cpu_s": load["cpu_s"],
            "load_wall_s": load["wall_s"], "cpu_s": ext["cpu_s"] + load["cpu_s"],
            "triples": int(load["stdout"].split()[-1])}


def report_floor(build: dict, fl: dict) -> None:
    """The build against the floor: CPU ratio (target <= 1.5) and wall / CPU (target <= 0.6 on two cores)."""
    ratio = build["cpu_s"] / fl["cpu_s"]
    print(f"  floor    extract {fl['extract_cpu_s']:.1f} + store load {fl['load_cpu_s']:.1f} = {fl['cpu_s']:.1f} CPU s "
          f"({fl['triples']:,} triples)")
    print(f"  ratio    build --jobs {build['jobs']}: {build['cpu_s']:.1f} CPU s = {ratio:.2f}x the floor "
          f"(target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}); wall {build['wall_s']:.1f} s = "
          f"{build['wall_s'] / build['cpu_s']:.2f} of its CPU (target <= 0.6)")


def _build_and_floor(a: argparse.Namespace, cmd: list[str], files: list[Path], in_mb: float, n: int, out: Path,
                     jobs: int, extra: str) -> dict | None:
    """One build and, right after it, the floor on the same files and its graph.nt (None: the build failed)."""
    m = measure(cmd, a.timeout)
    if m["rc"] == 1:  # documented: some inputs skipped, the rest built
        print("  graphbuild build exited 1 (some inputs skipped):\n    "
              + "\n    ".join(m["stderr"].strip().splitlines()[-5:]))
    if m["rc"] not in (0, 1):
        print(f"  graphbuild build FAILED (exit {m['rc']}): {' '.join(cmd[2:])}")
        print("    " + "\n    ".join(m["stderr"].strip().splitlines()[-15:]))
        return None
    print(row(f"graphbuild build --jobs {jobs}", m, in_mb, n, dir_mb(out))
          + (f"  [{extra}]" if extra.strip() else ""), flush=True)
    for line in m["stderr"].splitlines():
        if "phase" in line or "build: cpu " in line:
            print("      " + line.replace("graphbuild build: ", ""))
    entry = {k: v for k, v in m.items() if k not in ("stdout", "stderr")} | {
        "jobs": jobs, "args": extra, "out_mb": round(dir_mb(out), 2), "cmd": " ".join(cmd[2:])}
    if not a.no_floor and (fl := floor(files, out / "graph.nt", a.timeout)):
        entry["floor"] = fl
        report_floor(entry, fl)
    return entry


def _report_rounds(builds: list[dict]) -> None:
    """With --rounds > 1: the median ratio of the rounds (each round's build against its own floor, run right
    after it, so a machine whose speed drifts weighs on both sides of each ratio alike)."""
    ratios = sorted(b["cpu_s"] / b["floor"]["cpu_s"] for b in builds if "floor" in b)
    if len(ratios) < 2:
        return
    walls = sorted(b["wall_s"] / b["cpu_s"] for b in builds)
    print(f"  {len(ratios)} rounds: CPU ratio median {statistics.median(ratios):.2f}x (min {ratios[0]:.2f}, max "
          f"{ratios[-1]:.2f}); wall / CPU median {statistics.median(walls):.2f}")


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes (Linux smaps_rollup; 0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def dir_mb(d: Path) -> float:
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file()) / 1e6 if d.exists() else 0.0


def build_help() -> str | None:
    """``graphbuild build --help`` text, or None when the command does not exist (yet)."""
    r = subprocess.run([*CLI, "build", "--help"], capture_output=True, text=True, cwd=common.ROOT)
    if r.returncode != 0 or "Usage" not in r.stdout:
        return None
    return r.stdout


def build_cmd(help_text: str, inputs: list[Path], out: Path, jobs: int, extra: list[str]) -> list[str]:
    """The build command line, adapted to the options ``--help`` advertises."""
    cmd = [*CLI, "build", *map(str, inputs), "--out", str(out)]
    if "--jobs" in help_text:
        cmd += ["--jobs", str(jobs)]
    if "--quiet" in help_text:
        cmd.append("--quiet")  # a progress bar on a pipe is noise, not work worth timing
    return cmd + extra


# --------------------------------------------------------------------------------------------------


def row(name: str, m: dict, in_mb: float, n: int, out_mb: float) -> str:
    w = m["wall_s"]
    return (f"  {name:<26} {w:8.2f} s {in_mb / w:8.2f} MB/s {n / w:9,.0f} art/s  cpu {m.get('cpu_s', 0):8.1f} s  "
            f"peak RSS {m['peak_tree_rss_mb']:7,.0f} MB (tree)  {m['peak_tree_pss_mb']:7,.0f} MB (tree PSS)  "
            f"{m['maxrss_mb']:7,.0f} MB (maxrss)  "
            f"out {out_mb:7.1f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated article counts (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}",
                    help="comma-separated --jobs values, one build each (default: 1 and all cores)")
    ap.add_argument("--shards", type=int, default=4, help="JSONL input files per corpus (default 4)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the rdflib baseline")
    ap.add_argument("--rounds", type=int, default=1,
                    help="build and floor this many times in turn, and print the median ratio (default 1)")
    ap.add_argument("--no-floor", action="store_true",
                    help="skip the floor (extract + store load of the build's graph.nt) measured after each build")
    ap.add_argument("--no-build", action="store_true",
                    help="run only the rdflib baseline (e.g. the slow 100k baseline in the background)")
    ap.add_argument("--build-args", action="append", default=None,
                    help="extra arguments for graphbuild build, e.g. '--no-store'; repeat it to run several "
                         "configurations beside one baseline, e.g. --build-args '' --build-args '--formats ttl --no-store'")
    ap.add_argument("--timeout", type=float, default=None, help="kill a child after this many seconds")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--baseline", choices=("graph", "citations"), default="graph",
                    help="graph: the same graph as the build, added triple by triple to an in-memory rdflib "
                         "Graph and serialized as Turtle (the issue's baseline; default); citations: only "
                         "article->document triples (a much lighter pipeline)")
    ap.add_argument("--baseline-worker", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.baseline_worker:
        kind, out, *files = a.baseline_worker
        worker = graph_baseline_worker if kind == "graph" else baseline_worker
        return worker(Path(out), [Path(f) for f in files])

    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    commit = common.git_commit()
    help_text = build_help()
    results = []
    print(f"graphbuild build benchmark  {dt.date.today()}  commit {commit}")
    print(f"  machine  {common.machine()}")
    if help_text is None:
        print("  NOTE: `graphbuild build` does not exist yet (graphbuild.cli.main has no 'build' command);"
              " running the rdflib baseline only.")
    for n in sizes:
        d = common.corpus(n, a.seed, shards=a.shards)
        files = sorted(d.glob("articles*.jsonl"))
        in_mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"\n  {n:,} articles, {len(files)} JSONL files, {in_mb:,.1f} MB input, seed {a.seed}")
        res: dict = {"articles": n, "input_mb": round(in_mb, 2), "seed": a.seed}
        configs = [(jobs, extra) for extra in (a.build_args or [""])
                   for jobs in (int(j) for j in str(a.jobs).split(",") if j.strip())]
        for jobs, extra in configs:
            if help_text is None or a.no_build:
                break
            out = common.WORK / f"out-build-n{n}"
            # --no-cache: every run extracts every article, whatever an earlier run left in --out
            cmd = build_cmd(help_text, files, out, jobs, [*shlex.split(extra), "--no-cache"])
            for _round in range(a.rounds):
                entry = _build_and_floor(a, cmd, files, in_mb, n, out, jobs, extra)
                if entry is None:
                    break
                res.setdefault("builds", []).append(entry)
            _report_rounds([b for b in res.get("builds", []) if b["jobs"] == jobs and b["args"] == extra])
        if not a.no_baseline:
            out = common.WORK / f"out-baseline-n{n}"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--baseline-worker", a.baseline, str(out),
                   *map(str, files)]
            m = measure(cmd, a.timeout)
            if m["rc"] != 0:
                print(f"  baseline FAILED (exit {m['rc']}):\n    " + "\n    ".join(m["stderr"].strip().splitlines()[-15:]))
            else:
                info = json.loads(m["stdout"].strip().splitlines()[-1])
                print(row(f"rdflib baseline ({a.baseline})", m, in_mb, n, dir_mb(out)))
                print(f"      {info['mentions']:,} mentions -> {info['triples']:,} triples; json {info['read_s']:.1f} s, "
                      f"extract {info['extract_s']:.1f} s, Graph.add {info['add_s']:.1f} s, "
                      f"Turtle {info['serialize_s']:.1f} s")
                res["baseline"] = {k: v for k, v in m.items() if k not in ("stdout", "stderr")} | {
                    "out_mb": round(dir_mb(out), 2), "kind": a.baseline, **info}
        base = res.get("baseline")
        for b in res.get("builds", []):
            if base and b["rc"] in (0, 1):
                label = f" {b['args'].strip()}" if b.get("args", "").strip() else ""
                print(f"  ratio    build --jobs {b['jobs']}{label} / baseline: wall {b['wall_s'] / base['wall_s']:.2f}x, "
                      f"peak tree RSS {b['peak_tree_rss_mb'] / base['peak_tree_rss_mb']:.2f}x "
                      f"(speed-up {base['wall_s'] / b['wall_s']:.2f}x)")
        results.append(res)
    summary = {"date": dt.date.today().isoformat(), "commit": commit, "machine": common.machine(),
               "build_available": help_text is not None, "results": results}
    print("RESULT " + json.dumps(summary, ensure_ascii=False, default=float))
    if a.json:
        a.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=float) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
