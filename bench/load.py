"""Load test: 32 concurrent visitors against the production entry point, with locust.

    python bench/load.py [--users 32] [--seconds 60] [--workers N]

Builds the real plan into a temporary folder, serves it with ``planlod serve`` exactly as
README.md documents (granian, one worker process per core), runs
``bench/locustfile.py`` headless against it for a fixed time, prints p50/p95/p99 and
requests per second for every kind of request, and puts the table into
``bench/RESULTS.md`` between its own markers (other sections of that file are left as
they are). Only 127.0.0.1 is contacted. ``tests/test_load.py`` runs a short version.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
RESULTS = ROOT / "bench" / "RESULTS.md"
MARK_START = "<!-- bench/load.py:start -->"
MARK_END = "<!-- bench/load.py:end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(build_dir: Path, workers: int | None = None, log: Path | None = None) -> Iterator[str]:
    """``planlod serve`` on a free local port, serving ``build_dir/current``; yields its URL."""
    port = free_port()
    env = os.environ | {"PLANLOD_BUILD_DIR": str(build_dir)}
    command = [sys.executable, "-m", "planlod", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    with open(log or os.devnull, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/robots.txt", timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {seconds} s")


@dataclass
class Row:
    """One line of locust's statistics: a kind of request, or the aggregate."""

    name: str
    requests: int
    failures: int
    per_second: float
    p50: float
    p95: float
    p99: float

    def cells(self) -> list[str]:
        return [self.name, str(self.requests), str(self.failures), f"{self.per_second:.1f}",
                f"{self.p50:.0f}", f"{self.p95:.0f}", f"{self.p99:.0f}"]  # fmt: skip


def run_locust(url: str, users: int, seconds: int, workdir: Path) -> list[Row]:
    """Run the visitors headless for ``seconds``; the rows of its statistics, the aggregate last."""
    prefix = workdir / "locust"
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url,
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    with open(workdir / "locust.log", "wb") as log:
        finished = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 120)
    rows = read_stats(prefix.with_name("locust_stats.csv"))
    if not rows:
        raise RuntimeError(f"locust exited with {finished.returncode} and no statistics; see {workdir / 'locust.log'}")
    return rows


def read_stats(path: Path) -> list[Row]:
    with open(path, newline="", encoding="utf-8") as f:
        return [
            Row(
                name=r["Name"] if r["Type"] else "all requests",
                requests=int(r["Request Count"]),
                failures=int(r["Failure Count"]),
                per_second=float(r["Requests/s"]),
                p50=float(r["50%"]),
                p95=float(r["95%"]),
                p99=float(r["99%"]),
            )
            for r in csv.DictReader(f)
        ]


def failures(workdir: Path) -> list[str]:
    """What failed: error answers, and exceptions in the visitors' code (locust counts those apart)."""
    found = []
    for name in ("locust_failures.csv", "locust_exceptions.csv"):
        path = workdir / name
        if path.exists():
            found += path.read_text(encoding="utf-8").splitlines()[1:]  # without the header line
    return found


def table(rows: list[Row]) -> str:
    head = ["request", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"]
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def record(rows: list[Row], users: int, seconds: int, workers: str) -> None:
    """Put this run's section into bench/RESULTS.md, replacing only the previous run of this script."""
    section = "\n".join([
        MARK_START,
        f"## Load test ({dt.date.today().isoformat()})",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; the real plan "
        f"served by `planlod serve` ({workers} workers); {users} locust users without think "
        f"time for {seconds} s (`python bench/load.py`, visitor mix in `bench/locustfile.py`). Latencies in ms.",
        "",
        table(rows),
        MARK_END,
    ])  # fmt: skip
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if MARK_START in text and MARK_END in text:
        before, rest = text.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None, help="HTTP workers (default: one per core)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from planlod import build
    from planlod.config import Settings

    with tempfile.TemporaryDirectory(prefix="planlod-load-") as tmp:
        workdir = Path(tmp)
        print("building the real plan …", flush=True)
        build.run(Settings(build_dir=workdir / "build"))
        with serve(workdir / "build", args.workers, workdir / "serve.log") as url:
            print(f"{args.users} users for {args.seconds} s against {url} …", flush=True)
            rows = run_locust(url, args.users, args.seconds, workdir)
            failed = failures(workdir)
    print(table(rows))
    total = rows[-1]
    print(f"\n{total.requests} requests, {total.failures} errors, {total.per_second:.1f} req/s, "
          f"p50 {total.p50:.0f} ms, p95 {total.p95:.0f} ms, p99 {total.p99:.0f} ms")  # fmt: skip
    if failed:
        print("\n".join(failed))
    if not args.no_record:
        record(rows, args.users, args.seconds, str(args.workers or len(os.sched_getaffinity(0))))
        print(f"recorded in {RESULTS.relative_to(ROOT)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
