"""Serving benchmark: `planlod serve` against `oxigraph serve-read-only` on the same store, with wrk.

    python bench/serve.py [--plans 100] [--seconds 8] [--connections 8]
    python bench/serve.py --quick        # the real plan only, 1 s per scenario, RESULTS.md untouched

One run, one machine, one corpus (the real plan plus N synthetic ones), both servers started here
on 127.0.0.1 and measured one after the other by wrk (warm: each scenario runs once unmeasured):

- SPARQL on both: a one-resource CONSTRUCT, a count by type, a text search, and the mix of four
  queries across the plans; each ratio is planlod's req/s over Oxigraph's for the same requests.
- Pages on planlod (an initiative's HTML, its Turtle, the home page, and 304 revalidations of the
  HTML): each ratio is against Oxigraph's one-resource CONSTRUCT, the store's cheapest answer.

It prints one table (req/s, latency percentiles, errors, the ratio and its peer) and, in a full
run, puts it into ``bench/RESULTS.md`` between its markers with the date, machine and load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planlod import build, synth  # noqa: E402
from planlod.config import Settings  # noqa: E402

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"
INITIATIVE = f"{PLAN}/initiative/7-2-7"
PREFIX = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> "
# The three queries of issue 16, each its own scenario.
QUERIES = {
    "construct": f"CONSTRUCT {{ <{INITIATIVE}> ?p ?o }} WHERE {{ <{INITIATIVE}> ?p ?o }}",
    "count-by-type": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    "text-search": PREFIX + 'SELECT ?s WHERE { ?s jcp:goal ?t FILTER(CONTAINS(?t, "協働")) } LIMIT 50',
}
# The mix across all plans (one scenario, the requests in turn).
SPARQL_MIX = {
    "describe": f"DESCRIBE <{INITIATIVE}>",
    "aggregate": PREFIX + "SELECT ?plan (COUNT(?i) AS ?n) WHERE { ?i a jcp:Initiative ; jcp:partOfPlan ?plan } "
    "GROUP BY ?plan",
    "text-search": QUERIES["text-search"],
    "two-hop": PREFIX + f"SELECT ?i ?st WHERE {{ ?i a jcp:Initiative ; jcp:partOfPlan <{PLAN}> ; "
    "jcp:hasCommitment ?c . ?c jcp:statement ?st }",
}
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
PAGES = {
    "page-html": "/doc/272116/5th/initiative/7-2-7.html",
    "page-ttl": "/doc/272116/5th/initiative/7-2-7.ttl",
    "home": "/",
}
PAGE_PEER = "construct"  # pages are compared with Oxigraph's answer to the one-resource CONSTRUCT
MARK_START = "<!-- bench/serve.py:start -->"
MARK_END = "<!-- bench/serve.py:end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, process: subprocess.Popen, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (from /proc)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    pending += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    sparql_path: str
    peak_rss: int = 0
    sampling: bool = False

    def sample(self) -> None:
        self.sampling = True

        def loop() -> None:
            while self.sampling:
                self.peak_rss = max(self.peak_rss, tree_rss(self.process.pid))
                time.sleep(0.25)

        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self.sampling = False
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Result:
    server: str
    scenario: str
    rps: float
    requests: int
    errors: int
    p50: float
    p99: float
    peer: Result | None = None

    @property
    def ratio(self) -> float | None:
        return self.rps / self.peer.rps if self.peer and self.peer.rps else None


def sparql_url(server: Server, query: str) -> str:
    return f"{server.sparql_path}?{urllib.parse.urlencode({'query': query})}"


def lua_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(paths: list[str], headers: dict[str, str]) -> str:
    """A wrk script sending ``paths`` in turn, each connection from its own place in the list."""
    listed = ", ".join(lua_quoted(p) for p in paths)
    set_headers = "\n".join(f"wrk.headers[{lua_quoted(k)}] = {lua_quoted(v)}" for k, v in headers.items())
    return f"""
local paths = {{{listed}}}
{set_headers}
local n = 0
setup = function(thread) n = n + 1; thread:set("offset", n) end
init = function() i = offset end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def parse_wrk(output: str) -> tuple[float, int, int, float, float]:
    """Requests/s, requests, errors (socket errors and statuses other than 2xx/3xx), p50 and p99 in ms."""
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(g) for g in m.groups())
    return rps, requests, errors, latency(output, "50"), latency(output, "99")


def latency(output: str, percentile: str) -> float:
    found = re.search(rf"^\s*{percentile}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    if not found:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure(server: Server, scenario: str, paths: list[str], headers: dict[str, str], args: argparse.Namespace,
            work: Path) -> Result:  # fmt: skip
    script = work / f"{server.port}-{scenario}.lua"
    script.write_text(wrk_script(paths, headers), encoding="utf-8")
    command = ["wrk", "-t", str(min(2, args.connections)), "-c", str(args.connections), "--latency",
               "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{server.port}"]  # fmt: skip
    for path in paths:  # each answer made once, alone: a cold page rendered by 8 connections at once is not "warm"
        fetch(server.port, path, headers)
    for seconds in (max(1, args.seconds // 4), args.seconds):  # warm (unmeasured), then measured
        done = subprocess.run([*command[:1], "-d", f"{seconds}s", *command[1:]], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed on {server.name} {scenario}: {done.stderr or done.stdout}")
    result = Result(server.name, scenario, *parse_wrk(done.stdout))
    print(f"{server.name}: {scenario}: {result.rps:.0f} req/s", file=sys.stderr)
    return result


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def etag_of(port: int, path: str) -> str:
    return fetch(port, path).getheader("ETag") or ""


def start_planlod(work: Path) -> Server:
    port = free_port()
    env = os.environ | {"PLANLOD_BUILD_DIR": str(work / "build"), "PLANLOD_DATA_DIR": str(work / "data"),
                        "PYTHONPATH": str(ROOT)}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "planlod", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for(port, "/robots.txt", process)
    return Server("planlod serve", port, process, "/sparql")


def start_oxigraph(release: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("oxigraph") or "oxigraph", "serve-read-only", "--location", str(release / "store"),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(port, "/query?query=ASK%7B%7D", process)
    return Server("oxigraph serve-read-only", port, process, "/query")


def run(planlod: Server, oxigraph: Server, args: argparse.Namespace, work: Path) -> list[Result]:
    sparql = {name: [query] for name, query in QUERIES.items()} | {"sparql-mix": list(SPARQL_MIX.values())}
    results: list[Result] = []
    for scenario, queries in sparql.items():
        ours, theirs = (measure(s, scenario, [sparql_url(s, q) for q in queries], {"Accept": ACCEPT}, args, work)
                        for s in (planlod, oxigraph))  # fmt: skip
        ours.peer = theirs
        results += [ours, theirs]
    peer = next(r for r in results if r.server == oxigraph.name and r.scenario == PAGE_PEER)
    pages = {name: ([path], {"Accept-Language": "ja"}) for name, path in PAGES.items()}
    pages["page-304"] = ([PAGES["page-html"]], {"If-None-Match": etag_of(planlod.port, PAGES["page-html"])})
    for scenario, (paths, headers) in pages.items():
        result = measure(planlod, scenario, paths, headers, args, work)
        result.peer = peer
        results.append(result)
    return results


def markdown(results: list[Result], servers: list[Server], args: argparse.Namespace, quads: int) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        MARK_START,
        f"## Serving benchmark ({dt.date.today().isoformat()})",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, load average "
        f"before the run {args.load_before}, after {load}; corpus: the real plan + {args.plans} synthetic plans "
        f"({quads} quads); wrk, {args.connections} connections, {args.seconds:g} s per scenario after an "
        "unmeasured warm run; `python bench/serve.py` measured both servers in the same run. "
        "Pages are compared with Oxigraph's one-resource CONSTRUCT.",
        "",
        "| server | scenario | requests | errors | req/s | p50 ms | p99 ms | ratio | peer |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        peer = f"{r.peer.server}: {r.peer.scenario} ({r.peer.rps:.0f} req/s)" if r.peer else ""
        lines.append(f"| {r.server} | {r.scenario} | {r.requests} | {r.errors} | {r.rps:.0f} | {r.p50:.2f} | "
                     f"{r.p99:.2f} | {ratio} | {peer} |")  # fmt: skip
    lines += ["", "| server | peak memory (RSS of the process tree) |", "| --- | ---: |"]
    lines += [f"| {s.name} | {s.peak_rss / 2**20:.0f} MiB |" for s in servers]
    lines += ["", MARK_END]
    return "\n".join(lines)


def write_results(section: str) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if MARK_START in text:
        head, _, rest = text.partition(MARK_START)
        _, _, tail = rest.partition(MARK_END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


def corpus(work: Path, plans: int) -> Path:
    data = work / "data"
    shutil.copytree(ROOT / "data" / "272116-ibaraki-5th", data / "272116-ibaraki-5th")
    if plans:
        synth.generate(plans, data / "synthetic")
        for folder in (data / "synthetic").iterdir():
            folder.rename(data / folder.name)
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100, help="synthetic plans besides the real one")
    parser.add_argument("--seconds", type=int, default=8, help="measured whole seconds per scenario")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--quick", action="store_true", help="the real plan only, 1 s per scenario, no RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.plans, args.seconds = 0, 1
    args.load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="planlod-bench-") as tmp:
        work = Path(tmp)
        data = corpus(work, args.plans)
        print(f"building the real plan + {args.plans} synthetic plans …", file=sys.stderr)
        # The serving benchmark is not about validation: the OWL reasoner would only add minutes.
        built = build.run(Settings(site_dir=work, data_dir=data, build_dir=work / "build", reasoner=False))
        servers = [start_planlod(work), start_oxigraph(built.release)]
        try:
            for server in servers:
                server.sample()
            results = run(*servers, args, work)
        finally:
            for server in servers:
                server.stop()
        section = markdown(results, servers, args, built.stats["quads"])
        print(section)
        if not args.quick:
            write_results(section)


if __name__ == "__main__":
    main()
