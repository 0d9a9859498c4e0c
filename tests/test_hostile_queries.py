"""Hostile queries (issue #6): user text never changes the graph, and the HTTP endpoint is a safe
read-only service on loopback.

* ``cites``/``show``/``refs`` with quotes, braces, ``} ; DROP ALL``, ``> <http://x>``, newlines
  and 10 KB strings: a clean answer (exit 0 or 1, an error message, never a traceback) and the
  graph folder byte-identical afterwards.
* ``graphbuild serve`` as a real subprocess: listens on 127.0.0.1 by default; refuses updates,
  ``LOAD`` and ``SERVICE``; bounds query time (503) and result size (413); the graph is unchanged
  after every refused request; and a bounded load test (8 threads × 50 requests, loopback only,
  capped at 60 s) answers every request.  Set GRAPHBUILD_LOADTEST_REPORT=FILE to append its figures.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from _helpers import folder_digest as digest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

HOSTILE = [
    '"', "'", '"} ; DROP ALL ; #', "'} ; DROP ALL ; #", "} ; DROP ALL", "{ ?s ?p ?o }", "> <http://x>",
    "<http://x> } INSERT DATA { <a:b> <a:b> <a:b> } #", "205-QĐ/TW\n} ; DROP ALL", "\\", "\\u0022",
    "a\nb\rc", "\x00", "%22%7D", "' OR 1=1 --", "205-QĐ/TW\" . ?s ?p ?o . FILTER(\"", "x" * 10_000,
    ("} ; DROP ALL ; " * 700)[:10_000], "Quy định số 205-QĐ/TW" + "\"}" * 5000,
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "out"
    r = subprocess.run([sys.executable, "-m", "graphbuild.cli.main", "build", str(DATA), "--out", str(out), "-q", "-j", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out


def cli(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from graphbuild.cli.main import cli as main

    r = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {type(r.exception).__name__}: {r.exception}") from r.exception
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize("command", ["cites", "show", "refs"])
def test_hostile_text_changes_nothing_and_fails_cleanly(graph: Path, command: str) -> None:
    before = digest(graph)
    for x in HOSTILE:
        code, out, err = cli(command, x, "--graph", str(graph), "--format", "json")
        assert code in (0, 1), (command, x[:60], code, err[-300:])
        assert "Traceback" not in err
        if code == 0:
            json.loads(out)  # an answer is well-formed
        else:
            assert err.strip(), (command, x[:60])
            assert len(err) < 20_000, "the error echoes a huge input back"
    assert digest(graph) == before
    code, out, _ = cli("cites", "205-QĐ/TW", "--graph", str(graph), "--format", "json")
    assert code == 0 and json.loads(out), "the graph still answers after the hostile inputs"


@pytest.mark.parametrize("query", [
    "DROP ALL", "CLEAR DEFAULT", "INSERT DATA { <a:b> <a:b> <a:b> }", "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x.ttl>", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
])
def test_sparql_command_refuses_writes_and_outside(graph: Path, query: str) -> None:
    before = digest(graph)
    code, _, err = cli("sparql", query, "--graph", str(graph))
    assert code != 0 and err.strip() and "Traceback" not in err
    assert digest(graph) == before


# --- the HTTP endpoint, as a real process --------------------------------------------------------


class Served:
    def __init__(self, graph: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graphbuild.cli.main", "serve", "--graph", str(graph), "--port", "0", "-q", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        line = self.proc.stderr.readline() if self.proc.stderr else ""
        m = re.search(r"(http://\S+)", line)
        if not m:
            self.stop()
            raise AssertionError(f"serve did not start: {line!r}")
        self.url = m.group(1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def http(url: str, query: str | None = None, data: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> tuple[int, bytes]:
    if query is not None:
        url += "?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def served(graph: Path):
    s = Served(graph, "--timeout", "2", "--max-rows", "100")
    yield s
    s.stop()


def test_serve_binds_to_loopback_by_default(served: Served) -> None:
    host = urllib.parse.urlparse(served.url).hostname
    assert host in ("127.0.0.1", "localhost", "::1")


@pytest.mark.parametrize("query, status", [
    ("DROP ALL", 403),
    ("INSERT DATA { <a:b> <a:b> <a:b> }", 403),
    ("LOAD <http://127.0.0.1:9/x.ttl>", 403),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403),
    ("PREFIX gb: <http://x/> SELECT * WHERE { VALUES ?z { gb:x\\' } SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } #'\n}",
     403),
    ("SELECT * WHERE { ?s ?p ?o }", 413),
    ("SELECT * WHERE { ?s ?p ?o } } ; DROP ALL", 400),
])
def test_endpoint_refusals_change_nothing(served: Served, graph: Path, query: str, status: int) -> None:
    before = digest(graph)
    assert http(served.url, query=query)[0] == status
    form = urllib.parse.urlencode({"update": query}).encode()
    assert http(served.url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] >= 400
    assert http(served.url, data=query.encode(), headers={"Content-Type": "application/sparql-update"})[0] >= 400
    assert digest(graph) == before
    code, body = http(served.url, query="SELECT (COUNT(*) AS ?n) WHERE { <a:b> ?p ?o }",
                      headers={"Accept": "application/sparql-results+json"})
    assert code == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize(("host", "answered"), [
    ("evil.example", False), ("evil.example:{port}", False), ("127.0.0.1:1", False), ("localhost.evil:{port}", False),
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("LOCALHOST", True), ("127.0.0.1", True),
])
def test_endpoint_answers_only_its_own_host_names(served: Served, host: str, answered: bool) -> None:
    """DNS rebinding: a page on another name that resolves to 127.0.0.1 gets 421, never an answer."""
    host = host.replace("{port}", str(urllib.parse.urlparse(served.url).port))
    code, body = http(served.url, query="ASK { ?s ?p ?o }", headers={"Host": host})
    assert (code == 200) is answered, (host, code, body[:200])
    if not answered:
        assert code == 421 and b"is not this server" in body
        form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
        assert http(served.url, data=form, headers={"Host": host})[0] == 421


def test_endpoint_bounds_query_time(served: Served) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    t0 = time.monotonic()
    code, _ = http(served.url, query=heavy, timeout=60)
    took = time.monotonic() - t0
    assert code == 503 and took < 10, (code, took)
    t0 = time.monotonic()
    code, _ = http(served.url, query="ASK { ?s ?p ?o }", headers={"Accept": "application/sparql-results+json"})
    assert code == 200 and time.monotonic() - t0 < 10, "the endpoint still answers after a timed-out query"


def test_endpoint_huge_query_text(served: Served) -> None:
    """A 2.4 MB query is refused: with a status, or (when the server answers 413 before the client
    has finished sending) by the connection closing under the sender."""
    try:
        code, _ = http(served.url, data=("SELECT * WHERE { " + "?s ?p ?o . " * 200_000 + "}").encode(),
                       headers={"Content-Type": "application/sparql-query"}, timeout=60)
    except urllib.error.URLError as e:
        assert isinstance(e.reason, (BrokenPipeError, ConnectionResetError)), e
        return
    except (BrokenPipeError, ConnectionResetError):
        return
    assert code in (400, 413, 503), code


def load_test(url: str, threads: int = 8, per_thread: int = 50, cap: float = 60.0) -> dict:
    """``threads`` × ``per_thread`` requests to ``url`` (loopback), stopping at ``cap`` seconds."""
    assert urllib.parse.urlparse(url).hostname in ("127.0.0.1", "localhost", "::1")
    queries = [
        "SELECT ?d WHERE { ?d <http://data.europa.eu/eli/ontology#number> '205-QĐ/TW' }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "ASK { ?s a <https://w3id.org/graphbuild/ns#Article> }",
        "SELECT ?a WHERE { ?a a <https://w3id.org/graphbuild/ns#Article> } LIMIT 10",
    ]
    deadline = time.monotonic() + cap
    ok = errors = 0
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker(i: int) -> None:
        nonlocal ok, errors
        for j in range(per_thread):
            if time.monotonic() > deadline:
                return
            try:
                code, _ = http(url, query=queries[(i + j) % len(queries)],
                               headers={"Accept": "application/sparql-results+json"}, timeout=30)
            except OSError:
                code = -1
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
                if code == 200:
                    ok += 1
                else:
                    errors += 1

    t0 = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.monotonic() - t0
    return {"threads": threads, "requests": ok + errors, "ok": ok, "errors": errors, "statuses": statuses,
            "seconds": round(took, 2), "requests_per_s": round((ok + errors) / took, 1)}


def test_load_loopback(served: Served) -> None:
    figures = load_test(served.url)
    report = os.environ.get("GRAPHBUILD_LOADTEST_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(figures) + "\n")
    assert figures["requests"] == 400, figures
    assert figures["errors"] == 0, figures
    assert served.proc.poll() is None, "the endpoint died under load"


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and all its live descendants (the query workers)."""
    import psutil

    total = 0.0
    procs = [psutil.Process(pid)]
    procs += procs[0].children(recursive=True)
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def test_timed_out_query_stops_using_cpu(graph: Path) -> None:
    """The 503 comes on time, the worker running the query is killed, and the next query is answered."""
    pytest.importorskip("psutil")
    s = Served(graph, "--timeout", "1")
    try:
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        t0 = time.monotonic()
        assert http(s.url, query=heavy, timeout=30)[0] == 503
        assert time.monotonic() - t0 < 10
        time.sleep(0.5)
        c0 = _tree_cpu_seconds(s.proc.pid)
        time.sleep(3)
        used = _tree_cpu_seconds(s.proc.pid) - c0
        assert used < 0.5, f"serve and its workers used {used:.1f} CPU s in the 3 s after answering 503"
        status, body = http(s.url, query="ASK { ?s ?p ?o }", headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        s.stop()


def test_heavy_queries_cannot_take_more_than_the_workers(graph: Path) -> None:
    """Four heavy queries at once on two workers: every one is refused (503), none runs on afterwards."""
    import psutil

    s = Served(graph, "--timeout", "1", "--workers", "2")
    try:
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        codes: list[int] = []
        threads = [threading.Thread(target=lambda: codes.append(http(s.url, query=heavy, timeout=30)[0]))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert codes == [503] * 4
        time.sleep(0.5)
        busy = [p for p in psutil.Process(s.proc.pid).children(recursive=True) if p.cpu_percent(interval=0.5) > 20]
        assert not busy, f"workers still busy after their 503s: {busy}"
    finally:
        s.stop()


def test_workers_end_with_a_killed_server(graph: Path) -> None:
    """SIGKILL on `graphbuild serve` leaves no query worker (or fork server) behind."""
    import psutil

    s = Served(graph, "--workers", "2")
    children = psutil.Process(s.proc.pid).children(recursive=True)
    assert len(children) >= 2
    os.kill(s.proc.pid, signal.SIGKILL)
    s.proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"left running: {alive}"
