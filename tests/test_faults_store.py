"""Faults of the external store: it hangs, it dies, it comes back.

The release is published to an Oxigraph server process of this module's own (the session's
is shared by other tests), and served by ``planlod serve`` with ``PLANLOD_STORE`` pointing at it, as
README.md's scale-out setup does. What a user sees while the store is away: 503 with
Retry-After within the query time limit (never a hang, never a 500), pages already rendered
still served; and once the store is back, the very same answers as before: nothing lost.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from planlod.config import ROOT
from planlod.publish import StoreEndpoints, publish
from tests.conftest import free_port, serve_command

QUERY_TIMEOUT = 1  # seconds: how long the server waits for a store that does not answer
# Kept by the server once made: a rendered page (in its page cache), a dump (exported to a local file).
KEPT = ["/doc/272116/5th/policy/7-1.html", "/data/dataset.ttl"]


# Every triple of every graph (blank nodes aside: their labels are new in each answer), in order:
# the same answer before and after an outage means the store lost nothing.
EVERYTHING = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) } ORDER BY ?g ?s ?p ?o"


def everything(when: str) -> str:
    """The query above, its text new each time (answers are kept per release), as SPARQL JSON."""
    return "/sparql?" + urllib.parse.urlencode({"query": f"# {when}\n{EVERYTHING}", "format": "json"})


def needs_store(phase: int) -> list[str]:
    """Asked for the first time in this phase (so not cached yet), they need the store."""
    return [
        f"/doc/272116/5th/policy/7-{2 + phase}.html",
        f"/id/272116/5th/initiative/7-2-{2 + phase}",
        f"/glossary?phase={phase}",
        f"/search?q=%E5%8D%94%E5%83%8D&phase={phase}",
        everything(f"phase {phase}"),
    ]


def fetch(url: str) -> tuple[int, str | None, bytes]:
    """Status, Retry-After and body; a hang would end in a TimeoutError and fail the test."""
    request = urllib.request.Request(url, headers={"Accept": "text/html, */*;q=0.5", "Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=QUERY_TIMEOUT * 10) as response:
            return response.status, response.headers.get("Retry-After"), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Retry-After"), error.read()


class Oxigraph:
    """An Oxigraph server process on a fixed port and folder, so it can come back as it was."""

    def __init__(self, location: Path) -> None:
        self.location, self.port = location, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def store(self) -> str:
        return f"sparql+http://127.0.0.1:{self.port}/query"

    def start(self) -> None:
        binary = shutil.which("oxigraph")
        assert binary, "the oxigraph command (pip install -e '.[test]')"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/query?query=ASK%7B%7D", timeout=2):
                    return
            except OSError:
                assert self.process.poll() is None, "oxigraph exited"
                time.sleep(0.1)
        pytest.fail("oxigraph did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def stack(settings, release, tmp_path_factory):
    """The release in a store of its own, and ``planlod serve`` (one worker, so its page cache is known) in front."""
    root = tmp_path_factory.mktemp("store-faults")
    oxigraph = Oxigraph(root / "oxigraph")
    oxigraph.start()
    publish(release, StoreEndpoints.from_setting(oxigraph.store), settings.base_iri)
    port = free_port()
    env = os.environ | {
        "PLANLOD_BUILD_DIR": str(settings.build_dir), "PLANLOD_STORE": oxigraph.store,
        "PLANLOD_QUERY_TIMEOUT": str(QUERY_TIMEOUT), "PLANLOD_RELEASE_CHECK": "1",
    }  # fmt: skip
    with open(root / "serve.log", "wb") as log:
        server = subprocess.Popen(
            serve_command(port, 1), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/robots.txt", timeout=2):
                break
        except OSError:
            assert server.poll() is None, (root / "serve.log").read_text()
            time.sleep(0.1)
    yield url, oxigraph
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    if oxigraph.process is not None and oxigraph.process.poll() is None:
        oxigraph.process.send_signal(signal.SIGCONT)
        oxigraph.kill()


def test_the_store_hanging_then_dying_then_coming_back(stack):
    """Injected: SIGSTOP to the store (it hangs), SIGCONT, then SIGKILL (it is gone), then a restart.

    Seen: while it hangs or is gone, 503 with Retry-After for whatever needs the store, and what
    the server already holds (a rendered page, a dump) still served; after each outage, every
    answer exactly as before it.
    """
    url, oxigraph = stack
    kept = {path: fetch(url + path) for path in KEPT}
    before = fetch(url + everything("before"))
    assert all(status == 200 for status, _, _ in kept.values()) and before[0] == 200

    def outage(what: str, phase: int) -> None:
        assert {path: fetch(url + path) for path in KEPT} == kept, f"{what}: what the server holds"
        for path in needs_store(phase):
            status, retry_after, body = fetch(url + path)
            assert (status, retry_after is not None) == (503, True), f"{what}: {path} gave {status} {body[:200]!r}"

    oxigraph.process.send_signal(signal.SIGSTOP)  # the store hangs: connections open, nothing answers
    try:
        outage("store hanging", 0)
    finally:
        oxigraph.process.send_signal(signal.SIGCONT)
    assert all(fetch(url + path)[0] == 200 for path in needs_store(0))
    assert fetch(url + everything("after the hang")) == before

    oxigraph.kill()  # the store is gone: connections refused
    outage("store gone", 1)
    oxigraph.start()  # back, on the same folder: the published release is still in it
    assert all(fetch(url + path)[0] == 200 for path in needs_store(1))
    assert fetch(url + everything("after the restart")) == before
    assert {path: fetch(url + path) for path in KEPT} == kept
