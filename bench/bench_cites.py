"""Benchmark: `graphbuild cites X` end to end on a graph of 100,000+ articles, and the same question as
SPARQL on the Oxigraph store against plain in-memory rdflib on the same data.

Why generated N-Triples and not `graphbuild build`: building 100k articles takes ~17 min (see the
build section); what `cites` reads is the graph, so this writes a graph of the same shape as
build's output directly (same IRI scheme and properties: articles, mentions with NIF offsets and
gb:refersTo, dct:references, documents with eli:number/gb:typeCode/gb:issuerCode/gb:citeKey/
gb:citationCount/rdfs:label/dct:date), bulk-loads it into out/store, and times:

1. ``graphbuild cites 'Quy định 205-QĐ/TW' --graph DIR --format json`` as a subprocess (wall time
   of the whole process, start-up included; median of --runs);
2. the citing-articles SPARQL (the query behind ``cites``, document bound) on the read-only
   Oxigraph store, and on an rdflib Graph parsed from graph.nt (query time only; load times are
   reported apart).

    python bench/bench_cites.py [--articles 100000] [--mentions 3] [--runs 5] [--work bench/_work]

``--stream 10000,50000`` instead measures streaming (issue 19, target 4) on real builds: for each
size, a corpus of bench/generate.py articles, each cut to its first paragraph and ending with a
sentence that cites Quy định 205-QĐ/TW (so every article cites it), is built with ``graphbuild
build``; then ``graphbuild cites 'Quy định 205-QĐ/TW' --format jsonl|csv`` runs beside the old
materialised path (every citation listed and every sentence read before the first row is
written), A and B alternated, printing the first row's latency, the whole answer's wall time and
the process's CPU seconds (user+sys).

    python bench/bench_cites.py --stream 10000,50000 [--runs 3] [--work bench/_work]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ID = "https://w3id.org/graphbuild/id/"
GB = "https://w3id.org/graphbuild/ns#"
ELI = "http://data.europa.eu/eli/ontology#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DCT = "http://purl.org/dc/terms/"
SDO = "https://schema.org/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

PARTY = [("QĐ", "Quy định", "qd"), ("CT", "Chỉ thị", "ct"), ("NQ", "Nghị quyết", "nq"), ("KL", "Kết luận", "kl"),
         ("HD", "Hướng dẫn", "hd")]
TERMS = [(2011, "XI"), (2016, "XII"), (2021, "XIII")]
TARGET = "doc/qd-tw_2016_205"  # 205-QĐ/TW exists in three terms, as in real data; cites reports all three


def lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typed(s: str, dt: str) -> str:
    return f'"{s}"^^<{XSD}{dt}>'


def generate(out: Path, articles: int, mentions: int, seed: int = 1) -> int:
    """graph.nt + report.json of a synthetic build; returns the number of triples."""
    rnd = random.Random(seed)
    docs = []  # (local, cite key, label)
    lines: list[str] = []

    def t(s: str, p: str, o: str) -> None:
        lines.append(f"<{s}> <{p}> {o} .\n")

    for code, word, slug in PARTY:
        for year, term in TERMS:
            for n in range(1, 301):
                number = f"{n:02d}-{code}/TW"
                local = f"doc/{slug}-tw_{year + n % 5}_{n:02d}"
                docs.append((local, f"party:{number}", f"{word} {number} ({year + n % 5})", number, code, "TW",
                             year + n % 5, term))
    for n in range(1, 501):
        year = 2010 + n % 14
        number = f"{n}/{year}/NĐ-CP"
        docs.append((f"doc/nd-cp_{year}_{n}", f"state:{number}", f"Nghị định {number} ({year})", number, "NĐ", "CP",
                     year, None))
    target = next(i for i, d in enumerate(docs) if d[0] == TARGET)
    counts = [0] * len(docs)
    weights = [1.0 / (1 + i % 97) for i in range(len(docs))]  # a long tail, some documents cited often
    for a in range(articles):
        aid = f"p{a:015x}"
        node = f"{ID}article/{aid}"
        date = f"{2015 + a % 10}-{1 + a % 12:02d}-{1 + a % 28:02d}"
        t(node, RDF_TYPE, f"<{GB}Article>")
        t(node, RDFS + "label", lit(f"Bài báo số {a}"))
        t(node, SDO + "headline", lit(f"Bài báo số {a}"))
        t(node, DCT + "identifier", lit(aid))
        t(node, DCT + "issued", typed(date, "date"))
        t(node, DCT + "source", lit(f"corpus/articles-{a // 10000:03d}.jsonl"))
        cited = set(rnd.choices(range(len(docs)), weights=weights, k=mentions))
        if a % 200 == 0:
            cited.add(target)  # 205-QĐ/TW of the XIIth term: cited by 0.5% of the articles
        for k, di in enumerate(sorted(cited)):
            local, key, label, number, *_ = docs[di]
            counts[di] += 1
            start = 100 + 60 * k
            m = f"{ID}mention/{aid}_{start}_{start + 20}"
            t(m, RDF_TYPE, f"<{GB}Mention>")
            t(m, NIF + "referenceContext", f"<{node}>")
            t(m, NIF + "beginIndex", typed(str(start), "nonNegativeInteger"))
            t(m, NIF + "endIndex", typed(str(start + 20), "nonNegativeInteger"))
            t(m, NIF + "anchorOf", lit(label.split(" (")[0]))
            t(m, GB + "refersTo", f"<{ID}{local}>")
            t(m, GB + "form", lit("full"))
            t(node, DCT + "references", f"<{ID}{local}>")
    for di, (local, key, label, number, tc, ic, year, term) in enumerate(docs):
        node = f"{ID}{local}"
        t(node, RDF_TYPE, f"<{GB}{'StateDocument' if key.startswith('state') else 'PartyDocument'}>")
        t(node, RDFS + "label", lit(label))
        t(node, GB + "citeKey", lit(key))
        t(node, GB + "citationCount", typed(str(counts[di]), "integer"))
        t(node, ELI + "number", lit(number))
        t(node, GB + "typeCode", lit(tc))
        t(node, GB + "issuerCode", lit(ic))
        t(node, DCT + "date", typed(str(year), "gYear"))
        if term:
            t(node, GB + "term", lit(term))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "graph.nt", "w", encoding="utf-8") as fh:
        fh.writelines(lines)
    (out / "report.json").write_text(json.dumps({"articles": articles, "documents": len(docs),
                                                 "generated_by": "bench/bench_cites.py"}) + "\n")
    return len(lines)


def load_store(out: Path) -> float:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    if (out / "store").exists():
        shutil.rmtree(out / "store")
    store = ox.Store(str(out / "store"))
    store.bulk_load(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.optimize()
    store.flush()
    del store
    return time.perf_counter() - t0


CITING = """PREFIX gb: <https://w3id.org/graphbuild/ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdo: <https://schema.org/>
SELECT ?doc ?a ?title ?date ?source ?surface WHERE {
  ?m gb:refersTo ?doc ; nif:referenceContext ?a ; nif:anchorOf ?surface .
  OPTIONAL { ?a sdo:headline ?title } OPTIONAL { ?a dct:issued ?date } OPTIONAL { ?a dct:source ?source }
}"""


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


CITE_SENTENCE = ("Thực hiện Quy định 205-QĐ/TW của Bộ Chính trị về kiểm soát quyền lực trong công tác cán bộ, "
                 "{province} đã rà soát {k} trường hợp.")
# The old `graphbuild cites`: every citation listed, every sentence read, then the rows written
MATERIALISED = """
import sys
from graphbuild.ask.query import cites_by_document
from graphbuild.ask.records import CITES_COLUMNS, cites_rows
from graphbuild.cli._ask import write_records
_, per_doc = cites_by_document(sys.argv[1], sys.argv[2])
write_records(cites_rows(per_doc), sys.argv[3], CITES_COLUMNS, sys.stdout)
"""


def cited_corpus(path: Path, articles: int) -> None:
    """``articles`` generated articles (first paragraph only), each ending with a sentence citing 205-QĐ/TW."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import make_article

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(articles):
            a = make_article(1, i)
            head = a.text[:900]
            cut = head.rfind(". ")
            text = (head[:cut + 1] if cut > 0 else head) + " " + CITE_SENTENCE.format(province=a.province, k=2 + i % 50)
            fh.write(json.dumps({"id": a.id, "url": a.url, "title": a.title, "date": a.date, "text": text},
                                ensure_ascii=False) + "\n")


def first_and_total(cmd: list[str], env: dict[str, str], header: int) -> tuple[float, float, float, int]:
    """(first row's latency, whole answer's wall time, CPU seconds user+sys, rows) of one run of ``cmd``."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert p.stdout is not None
    for _ in range(header + 1):
        p.stdout.readline()
    first = time.perf_counter() - t0
    rows = 1 + sum(1 for _ in p.stdout)
    p.wait()
    total = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return first, total, cpu, rows


def stream_main(sizes: list[int], runs: int, work: Path) -> None:
    import os

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    print(f"{'articles':>9} {'format':6} {'path':13} {'first row s':>11} {'total s':>8} {'CPU s':>6} {'rows':>7}")
    for n in sizes:
        corpus, graph = work / f"cited-{n}" / "articles.jsonl", work / f"cited-{n}-graph"
        if not (graph / "store").exists():
            cited_corpus(corpus, n)
            subprocess.run([sys.executable, "-m", "graphbuild.cli", "build", str(corpus), "--out", str(graph), "-q"],
                           check=True, env=env, cwd=root)
        for fmt in ("jsonl", "csv"):
            paths = {"streaming": [sys.executable, "-m", "graphbuild.cli", "cites", "Quy định 205-QĐ/TW",
                                   "--graph", str(graph), "--format", fmt],
                     "materialised": [sys.executable, "-c", MATERIALISED, str(graph), "Quy định 205-QĐ/TW", fmt]}
            got: dict[str, list[tuple[float, float, float, int]]] = {k: [] for k in paths}
            for _ in range(runs):  # A and B alternated: the machine's load falls on both
                for name, cmd in paths.items():
                    got[name].append(first_and_total(cmd, env, header=fmt == "csv"))
            for name, results in got.items():
                first, total, cpu = (statistics.median(r[i] for r in results) for i in range(3))
                print(f"{n:9,} {fmt:6} {name:13} {first:11.2f} {total:8.2f} {cpu:6.2f} {results[0][3]:7,}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--mentions", type=int, default=3, help="documents cited per article (before de-duplication)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "_work")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the (slow) rdflib side")
    ap.add_argument("--stream", help="comma-separated corpus sizes: first-row and total time of cites, streamed "
                                     "and materialised (see above)")
    args = ap.parse_args()
    if args.stream:
        stream_main([int(n) for n in args.stream.split(",")], args.runs, args.work)
        return
    out = args.work / f"cites-n{args.articles}-m{args.mentions}"
    res: dict[str, object] = {"articles": args.articles}
    if not (out / "store").exists():
        t0 = time.perf_counter()
        res["triples"] = generate(out, args.articles, args.mentions)
        res["generate_s"] = round(time.perf_counter() - t0, 2)
        res["store_load_s"] = round(load_store(out), 2)
    else:
        with open(out / "graph.nt", encoding="utf-8") as fh:
            res["triples"] = sum(1 for _ in fh)
    print(f"graph: {out} ({res['triples']} triples)", file=sys.stderr)

    exe = shutil.which("graphbuild") or sys.exit("graphbuild console script not on PATH")
    cmd = [exe, "cites", "Quy định 205-QĐ/TW", "--graph", str(out), "--format", "json"]

    def run_cli():
        p = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return json.loads(p.stdout)

    run_cli()  # warm the OS file cache once
    res["cites_wall_s"], rows = timed(run_cli, args.runs)
    res["cites_rows"] = len(rows)
    help_s, _ = timed(lambda: subprocess.run([exe, "--help"], capture_output=True, check=True), args.runs)
    res["cli_startup_s"] = help_s

    import pyoxigraph as ox

    doc = ID + TARGET
    store = ox.Store.read_only(str(out / "store"))
    subs = {ox.Variable("doc"): ox.NamedNode(doc)}
    res["oxigraph_query_s"], ox_rows = timed(lambda: list(store.query(CITING, substitutions=subs)), args.runs)
    res["oxigraph_rows"] = len(ox_rows)
    if not args.no_rdflib:
        from rdflib import Graph, URIRef

        t0 = time.perf_counter()
        g = Graph()
        g.parse(str(out / "graph.nt"), format="nt")
        res["rdflib_load_s"] = round(time.perf_counter() - t0, 2)
        res["rdflib_query_s"], rl_rows = timed(
            lambda: list(g.query(CITING, initBindings={"doc": URIRef(doc)})), max(1, args.runs // 2))
        res["rdflib_rows"] = len(rl_rows)
        res["ratio_rdflib_over_oxigraph"] = round(res["rdflib_query_s"] / res["oxigraph_query_s"], 1)
    for k, v in res.items():
        print(f"{k:28} {round(v, 4) if isinstance(v, float) else v}")


if __name__ == "__main__":
    main()
