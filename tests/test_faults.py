"""Faults, injected for real: a build killed at any point, a server killed with SIGKILL.

Each test says what it injects, then checks what a user of the running server sees (the same
answers, byte for byte) and that no data was lost (the published release's files unchanged,
``current`` pointing where it did). The build is the real ``planlod build`` in a subprocess,
the server the production command (``planlod serve``) in a session of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from proctree import command_line, descendants

from planlod import build
from planlod.config import ROOT
from tests.conftest import free_port, serve_command

PLAN = "272116-ibaraki-5th"
OLD_TEXT = "市民の市への誇りと愛着を高める"  # policy 7-1, 施策の必要性 (line 11)
NEW_TEXT = "市民の市への誇りと愛着を一層高める"
NECESSITY = "SELECT ?t WHERE { ?p <https://w3id.org/jp-cityplan/def#necessity> ?t } ORDER BY ?t"
CHECKED = {
    # What a user of the server sees: pages, data documents, a query, a dump.
    "/": "text/html",
    "/doc/272116/5th/policy/7-1.html": "text/html",
    "/id/272116/5th/policy/7-1": "text/turtle",
    "/sparql?" + urllib.parse.urlencode({"query": NECESSITY}): "application/sparql-results+json",
    "/data/dataset.nt.gz": "*/*",
    "/catalog": "text/turtle",
}


def fetch(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept, "Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def answers(url: str) -> dict[str, tuple[int, bytes]]:
    return {path: fetch(url + path, accept) for path, accept in CHECKED.items()}


def digests(directory: Path) -> dict[str, str]:
    """Every file of a release and its SHA-256: what 'no data lost' means on disk."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                found[str(path.relative_to(directory))] = hashlib.file_digest(f, "sha256").hexdigest()
    return found


@dataclass
class Site:
    """A data folder, a build folder and the environment that points planlod at them."""

    root: Path
    window: float = 0.0  # seconds from the staging directory to the first dump, in the first build
    leftovers: set[Path] = field(default_factory=set)  # staging directories of killed builds

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def out(self) -> Path:
        return self.root / "build"

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {"PLANLOD_DATA_DIR": str(self.data), "PLANLOD_BUILD_DIR": str(self.out)}

    @property
    def source(self) -> Path:
        return self.data / PLAN / "source.txt"

    def live(self) -> Path:
        release = build.current_release(self.out)
        assert release is not None
        return release

    def releases(self) -> set[str]:
        return {p.name for p in (self.out / build.RELEASES).iterdir()}

    def start_build(self) -> subprocess.Popen:
        # What killed builds left behind is not this build's progress.
        self.leftovers = set((self.out / build.RELEASES).glob(".staging-*")) if self.out.exists() else set()
        return subprocess.Popen(
            [sys.executable, "-m", "planlod", "build"], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip


class Server:
    """``planlod serve`` as README.md runs it, in a session of its own."""

    def __init__(self, site: Site, port: int, log: Path) -> None:
        self.site, self.port, self.log = site, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                serve_command(self.port, 2), cwd=ROOT, env=self.site.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/robots.txt", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"planlod serve did not answer: {self.log.read_text()}")

    def crash(self) -> None:
        """SIGKILL to every process of the server (main, workers, query workers) at once."""
        assert self.process is not None
        for pid in {self.process.pid} | descendants(self.process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            assert self.process.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """The real plan built once: the release the server is serving when the faults come."""
    site = Site(tmp_path_factory.mktemp("faults"))
    shutil.copytree(ROOT / "data" / PLAN, site.data / PLAN)
    # Watched as it runs: how long from the staging directory to the first dump, on this machine now.
    process = site.start_build()
    seen: dict[str, float] = {}
    while process.poll() is None:
        for stage, ready in (
            ("staging", KILL_POINTS["as the staging directory appears"]),
            ("dumps", staged("dataset.trig")),
        ):
            if stage not in seen and ready(site):
                seen[stage] = time.monotonic()
        time.sleep(0.001)
    assert process.returncode == 0 and set(seen) == {"staging", "dumps"}
    site.window = seen["dumps"] - seen["staging"]
    return site


@pytest.fixture(scope="module")
def server(site, tmp_path_factory):
    server = Server(site, free_port(), tmp_path_factory.mktemp("serve") / "log.txt")
    server.start()
    yield server
    server.stop()


# -- a build killed at any point -------------------------------------------------------------


def staging(site: Site) -> list[Path]:
    """The staging directory of the build now running (none once it has published)."""
    return [p for p in (site.out / build.RELEASES).glob(".staging-*") if p not in site.leftovers]


def staged(name: str) -> Callable[[Site], bool]:
    return lambda site: any((s / name).exists() for s in staging(site))


KILL_POINTS: dict[str, Callable[[Site], bool]] = {
    "as the staging directory appears": lambda site: bool(staging(site)),
    "while plans stream into dataset.nq and are validated": staged(build.NQUADS),
    "while the store is bulk-loaded": staged("store"),
    "while the dumps are written": staged("dataset.trig"),
}


def kill_when(
    what: str, process: subprocess.Popen, site: Site, ready: Callable[[Site], bool], delay: float = 0.0
) -> None:
    """SIGKILL the build once ``ready`` holds, then after ``delay``; it must not have finished by itself."""
    while not ready(site):
        assert process.poll() is None, f"the build ended ({process.returncode}) before the kill point: {what}"
        time.sleep(0.001)
    # A delay ends early once the dumps are being written: the kill must come before the publish.
    until = time.monotonic() + delay
    while time.monotonic() < until and not staged("dataset.trig")(site):
        time.sleep(0.001)
    assert process.poll() is None, f"the build ended before the kill {what} (window {site.window:.2f} s)"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def test_killing_a_build_at_any_point_leaves_the_release_served_unchanged(site, server):
    """Injected: SIGKILL to `planlod build` at each stage and after random delays, with a changed source.

    Seen: the server answers every request exactly as before, ``current`` and every file of the
    live release are unchanged. Then an uninterrupted build publishes the change.
    """
    before = answers(server.url)
    live, files = site.live(), digests(site.live())
    site.source.write_text(site.source.read_text(encoding="utf-8").replace(OLD_TEXT, NEW_TEXT, 1), encoding="utf-8")
    rng = random.Random(8)  # fixed draws, scaled to this machine's speed
    points = [(what, ready, 0.0) for what, ready in KILL_POINTS.items()]
    # Random kills between the staging directory and the dumps (cut short there: see kill_when).
    points += [(f"{delay:.2f} s after staging began", KILL_POINTS["as the staging directory appears"], delay)
               for delay in (rng.uniform(0, 0.9) * site.window for _ in range(3))]  # fmt: skip
    for what, ready, delay in points:
        kill_when(what, site.start_build(), site, ready, delay)
        assert site.live() == live, f"killed {what}: current moved"
        assert answers(server.url) == before, f"killed {what}: the server's answers changed"
    assert digests(live) == files
    # The next build succeeds, clears what the killed ones left, and publishes the change,
    # which the server shows once restarted; the previous release is kept as it was (for a rollback).
    assert site.start_build().wait(timeout=300) == 0
    assert site.live() != live and not list((site.out / build.RELEASES).glob(".staging-*"))
    assert digests(live) == files
    server.stop()
    server.start()
    assert NEW_TEXT in fetch(server.url + "/id/272116/5th/policy/7-1", "text/turtle")[1].decode("utf-8")


# -- a server killed ---------------------------------------------------------------------------


def test_a_crashed_server_serves_again_without_a_rebuild(site, server):
    """Injected: SIGKILL to the whole server (master, workers, query workers) during a burst of requests.

    Seen: requests in flight fail; after a restart, the same answers as before the crash, from
    the same release: no build ran (no new release directory) and no file of it changed.
    """
    server.stop()
    server.start()  # serving whatever is live now
    before = answers(server.url)
    live, files, releases = site.live(), digests(site.live()), site.releases()

    def visitor() -> None:
        for _ in range(50):
            try:
                fetch(server.url + "/doc/272116/5th/initiative/7-1-1.html", "text/html")
            except (OSError, http.client.HTTPException):
                return  # the crash: a refused, reset or cut-off connection is what a visitor sees

    visitors = [threading.Thread(target=visitor) for _ in range(8)]
    for thread in visitors:
        thread.start()
    time.sleep(0.3)
    server.crash()
    for thread in visitors:
        thread.join(timeout=60)
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url + "/robots.txt", timeout=2)
    server.start()
    assert answers(server.url) == before
    assert site.live() == live and site.releases() == releases and digests(live) == files


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (the main process's HTTP workers), read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def http_workers(master: int) -> set[int]:
    """The HTTP workers: the main process's children but the query broker it started."""
    return {pid for pid in children(master) if "planlod.querybroker" not in command_line(pid)}


def test_a_killed_worker_is_replaced_and_nothing_is_lost(site, server):
    """Injected: SIGKILL to one HTTP worker. Seen: the main process starts another; the answers are unchanged."""
    before = answers(server.url)
    workers = http_workers(server.process.pid)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = http_workers(server.process.pid)
        if victim not in now and now - workers:
            break  # reaped, and a new worker forked in its place
        time.sleep(0.1)
    now = http_workers(server.process.pid)
    assert victim not in now and now - workers, (workers, now)
    for _ in range(4):  # enough requests to reach every worker
        assert answers(server.url) == before
