"""Serving benchmark: this project's server against the servers users would pick instead.

    python bench/serve.py [--plans 100] [--seconds 8] [--concurrency 1 8]

One run, one machine, one corpus (the real plan plus N synthetic ones):

- planlod (embedded store) under ``planlod serve``,
- planlod in front of an external Oxigraph server (the scale-out path), under ``planlod serve``,
- ``oxigraph serve-read-only`` on the very same store (the store's own limit),
- rdflib-endpoint (the Python peer) on the same N-Quads.

A fixed SPARQL mix (DESCRIBE one initiative, an aggregate across all plans, a text search
over literals, a two-hop join for one city) runs on every target; resource pages (HTML,
Turtle, and 304 revalidations) on planlod's. Each scenario runs for a fixed time at each
concurrency. It prints p50/p95/p99 latency, requests per second and peak memory per
target, each target's ratio to planlod (embedded), writes ``bench/serve.png`` and puts
the tables into ``bench/RESULTS.md`` between its markers. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planlod import build, synth  # noqa: E402
from planlod.config import Settings  # noqa: E402
from planlod.publish import StoreEndpoints, publish  # noqa: E402

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"
PREFIX = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> "
SPARQL_MIX = {
    "describe": f"DESCRIBE <{PLAN}/initiative/7-2-7>",
    "aggregate": PREFIX + "SELECT ?plan (COUNT(?i) AS ?n) WHERE { ?i a jcp:Initiative ; jcp:partOfPlan ?plan } "
    "GROUP BY ?plan",
    "text-search": PREFIX + 'SELECT ?s WHERE { ?s jcp:goal ?t FILTER(CONTAINS(?t, "協働")) } LIMIT 50',
    "two-hop": PREFIX + f"SELECT ?i ?st WHERE {{ ?i a jcp:Initiative ; jcp:partOfPlan <{PLAN}> ; "
    "jcp:hasCommitment ?c . ?c jcp:statement ?st }",
}
PAGES = {
    "page-html": "/doc/272116/5th/initiative/7-2-7.html",
    "page-ttl": "/doc/272116/5th/initiative/7-2-7.ttl",
}
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
class Target:
    name: str
    port: int
    sparql_path: str
    process: subprocess.Popen
    pages: bool
    peak_rss: int = 0
    _sampling: bool = field(default=False, repr=False)

    def sample(self) -> None:
        self._sampling = True

        def loop() -> None:
            while self._sampling:
                self.peak_rss = max(self.peak_rss, tree_rss(self.process.pid))
                time.sleep(0.25)

        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self._sampling = False
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Result:
    target: str
    scenario: str
    concurrency: int
    latencies: list[float]
    errors: int
    seconds: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def requests_for(target: Target, scenario: str) -> list[tuple[str, dict[str, str]]]:
    if scenario == "sparql-mix":
        accept = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
        return [(f"{target.sparql_path}?{urllib.parse.urlencode({'query': q})}", accept) for q in SPARQL_MIX.values()]
    if scenario == "page-304":
        return [(PAGES["page-html"], {"If-None-Match": "__ETAG__"})]
    return [(PAGES[scenario], {"Accept-Language": "ja"})]


def run_scenario(target: Target, scenario: str, concurrency: int, seconds: float) -> Result:
    plan = requests_for(target, scenario)
    etag = ""
    if scenario == "page-304":
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
        conn.request("GET", PAGES["page-html"])
        response = conn.getresponse()
        response.read()
        etag = response.getheader("ETag") or ""
        conn.close()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = [0.0]

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
        i = offset
        mine: list[float] = []
        while time.monotonic() < stop_at[0]:
            path, headers = plan[i % len(plan)]
            headers = {k: (etag if v == "__ETAG__" else v) for k, v in headers.items()}
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status in (200, 304)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    stop_at[0] = time.monotonic() + 1.0  # warm-up, not measured
    warm = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    latencies.clear()
    errors[0] = 0
    started = time.monotonic()
    stop_at[0] = started + seconds
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Result(target.name, scenario, concurrency, latencies, errors[0], time.monotonic() - started)


def start_targets(work: Path, release: Path, plans: int) -> list[Target]:
    targets = []
    env = os.environ | {"PLANLOD_BUILD_DIR": str(work / "build")}

    def serve(port: int) -> list[str]:
        return [sys.executable, "-m", "planlod", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]

    port = free_port()
    proc = subprocess.Popen(serve(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for(port, "/robots.txt", proc)
    targets.append(Target("planlod (embedded)", port, "/sparql", proc, pages=True))

    oxigraph = shutil.which("oxigraph")
    store_port = free_port()
    store = subprocess.Popen(
        [oxigraph, "serve", "--location", str(work / "external-store"), "--bind", f"127.0.0.1:{store_port}",
         "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(store_port, "/query?query=ASK%7B%7D", store)
    url = f"sparql+http://127.0.0.1:{store_port}/query"
    publish(release, StoreEndpoints.from_setting(url), Settings().base_iri)
    port = free_port()
    proc = subprocess.Popen(serve(port), cwd=ROOT, env=env | {"PLANLOD_STORE": url},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    wait_for(port, "/robots.txt", proc)
    targets.append(Target("planlod (external Oxigraph)", port, "/sparql", proc, pages=True))
    targets.append(Target("  its Oxigraph store", store_port, "/query", store, pages=False))

    port = free_port()
    proc = subprocess.Popen(
        [oxigraph, "serve-read-only", "--location", str(release / "store"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(port, "/query?query=ASK%7B%7D", proc)
    targets.append(Target("oxigraph serve-read-only", port, "/query", proc, pages=False))

    endpoint = shutil.which("rdflib-endpoint")
    if endpoint:
        port = free_port()
        proc = subprocess.Popen([endpoint, "serve", "--host", "127.0.0.1", "--port", str(port),
                                 str(release / "dataset.nq")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        wait_for(port, "/?query=ASK%7B%7D", proc, seconds=1800)
        # Its command line serves the endpoint at / (its docs say /sparql).
        targets.append(Target("rdflib-endpoint", port, "/", proc, pages=False))
    else:
        print("rdflib-endpoint is not installed (pip install 'rdflib-endpoint[cli]'): skipped", file=sys.stderr)
    return targets


def markdown(results: list[Result], targets: list[Target], args: argparse.Namespace, quads: int) -> str:
    baseline = {(r.scenario, r.concurrency): r.rps for r in results if r.target == "planlod (embedded)"}
    lines = [
        MARK_START,
        f"## Serving benchmark ({dt.date.today().isoformat()})",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; corpus: the real "
        f"plan + {args.plans} synthetic plans ({quads} quads); {args.seconds:g} s per scenario after 1 s warm-up; "
        "`python bench/serve.py` measured every target in the same run.",
        "",
        "| target | scenario | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms | ×planlod |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ratio = r.rps / baseline[(r.scenario, r.concurrency)] if baseline.get((r.scenario, r.concurrency)) else 0
        lines.append(
            f"| {r.target} | {r.scenario} | {r.concurrency} | {len(r.latencies)} | {r.errors} | {r.rps:.1f} | "
            f"{r.pct(0.5):.1f} | {r.pct(0.95):.1f} | {r.pct(0.99):.1f} | {ratio:.2f} |"
        )
    lines += ["", "| target | peak memory (RSS of the process tree) |", "| --- | ---: |"]
    lines += [f"| {t.name} | {t.peak_rss / 2**20:.0f} MiB |" for t in targets]
    lines += ["", "![requests per second by target](serve.png)", "", MARK_END]
    return "\n".join(lines)


def plot(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = sorted({(r.scenario, r.concurrency) for r in results})
    targets = list(dict.fromkeys(r.target for r in results))
    fig, ax = plt.subplots(figsize=(12, 5))
    width = 0.8 / len(targets)
    for n, target in enumerate(targets):
        values = [next((r.rps for r in results if r.target == target and (r.scenario, r.concurrency) == s), 0)
                  for s in scenarios]  # fmt: skip
        ax.bar([i + n * width for i in range(len(scenarios))], values, width, label=target)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(scenarios))])
    ax.set_xticklabels([f"{s}\nc={c}" for s, c in scenarios], fontsize=8)
    ax.set_ylabel("requests per second")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100, help="synthetic plans besides the real one")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per scenario")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="planlod-bench-") as tmp:
        work = Path(tmp)
        data = work / "data"
        shutil.copytree(ROOT / "data" / "272116-ibaraki-5th", data / "272116-ibaraki-5th")
        if args.plans:
            synth.generate(args.plans, data / "synthetic")
            for folder in (data / "synthetic").iterdir():
                folder.rename(data / folder.name)
        print(f"building the real plan + {args.plans} synthetic plans …", file=sys.stderr)
        # The serving benchmark is not about validation: the OWL reasoner would only add minutes.
        result = build.run(Settings(data_dir=data, build_dir=work / "build", reasoner=False))
        targets = start_targets(work, result.release, args.plans)
        results: list[Result] = []
        try:
            for target in targets:
                target.sample()
            for target in targets:
                scenarios = ["sparql-mix"] + (["page-html", "page-ttl", "page-304"] if target.pages else [])
                for scenario in scenarios:
                    for concurrency in args.concurrency:
                        print(f"{target.name}: {scenario} × {concurrency}", file=sys.stderr)
                        results.append(run_scenario(target, scenario, concurrency, args.seconds))
        finally:
            for target in targets:
                target.stop()
        section = markdown(results, targets, args, result.stats["quads"])
        print(section)
        plot(results, ROOT / "bench" / "serve.png")
        write_results(section)


if __name__ == "__main__":
    main()
