"""`planlod serve` as README.md runs it: a real process tree on 127.0.0.1, real sockets.

Slow and idle clients must not stall it, it must stop cleanly however it is stopped, and its
absolute URLs must not follow the Host header. Every abuse here is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from proctree import descendants, is_running

from planlod.config import ROOT
from tests.conftest import free_port, serve_command

ASK = "/sparql?query=" + urllib.parse.quote("ASK {}")
HEADER_WAIT = 9  # a little less than the server's header time limit, slept twice over a test
PROBE_TIMEOUT = 2.0  # the bound: a stalled server never answers, a healthy one at once


class Served:
    """``planlod serve`` in a session of its own, as a terminal or a supervisor starts it."""

    def __init__(self, build_dir: Path, log: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = os.environ | {"PLANLOD_BUILD_DIR": str(build_dir)}
        with open(log, "wb") as out:
            self.process = subprocess.Popen(serve_command(self.port, 2, *args), cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.wait_until_serving()
        self.tree_at_start = self.tree()

    def wait_until_serving(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            with contextlib.suppress(OSError):
                if get(self.url, "/robots.txt", timeout=2)[0] == 200:
                    return
            time.sleep(0.1)
        pytest.fail(f"planlod serve did not answer: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def tree(self) -> set[int]:
        return descendants(self.process.pid) | {self.process.pid}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        for pid in descendants_left(self.tree_at_start):  # a failed test leaves nothing running
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def served(settings, release, tmp_path) -> Iterator[Served]:
    server = Served(settings.build_dir, tmp_path / "serve.log")
    yield server
    server.stop()


def get(url: str, path: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    return exchange(url, "GET", path, None, headers or {}, timeout)


def post(url: str, body: bytes, timeout: float, chunked: bool = False) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    chunks = iter([body[i : i + 65536] for i in range(0, len(body), 65536)]) if chunked else body
    return exchange(url, "POST", "/sparql", chunks, headers, timeout)


def exchange(url: str, method: str, path: str, body, headers: dict[str, str], timeout: float):  # noqa: ANN001, ANN201
    """One request on a connection of its own: status, headers (lower-case names), body."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        try:
            connection.request(method, path, body=body, headers=headers)  # an iterator goes chunked
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the whole body was sent (413): the answer is already there to read
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def descendants_left(pids: set[int], seconds: float = 0) -> set[int]:
    deadline = time.monotonic() + seconds
    while True:
        left = {pid for pid in pids if is_running(pid)}
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


# -- it serves ------------------------------------------------------------------------------


def test_serves_pages_data_and_sparql_as_production(served):
    status, headers, body = get(served.url, "/doc/272116/5th/initiative/7-1-2.ttl")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert "魅力発信力の強化".encode() in body
    status, _, body = get(served.url, "/", {"Accept": "text/html"})
    assert status == 200 and b"7-7-4" in body
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/jp-cityplan/def#Policy> }")
    status, _, body = get(served.url, f"/sparql?query={query}", {"Accept": "application/sparql-results+json"})
    assert status == 200 and b'"value":"7"' in body
    assert headers["server"] == "granian"
    output = served.output()
    assert f"at {served.url}/" in output  # it says where it is
    assert "development server" not in output and "WARNING: This is" not in output
    # Two HTTP workers below the main process, as asked (the query broker is there too).
    assert "Started worker-1" in output and "Started worker-2" in output and "worker-3" not in output


# -- slow and idle clients --------------------------------------------------------------------


class Hold:
    """Connections held open on purpose: idle ones, and ones that send a header byte now and then."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.address = (parts.hostname, parts.port)
        self.sockets: list[tuple[socket.socket, bytes]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.trickle, daemon=True)

    def open(self, count: int, first: bytes, rest: bytes) -> None:
        for _ in range(count):
            sock = socket.create_connection(self.address, timeout=5)
            if first:
                sock.sendall(first)
            self.sockets.append((sock, rest))

    def trickle(self) -> None:
        """One more byte every 2 s on each connection that has some to send (reopened when dropped)."""
        while not self.stopped.wait(2):
            for i, (sock, rest) in enumerate(self.sockets):
                if rest:
                    try:
                        sock.sendall(rest[:1])
                        self.sockets[i] = (sock, rest[1:] or rest)
                    except OSError:  # the server dropped it (header timeout): come back, as an attacker does
                        sock.close()
                        with contextlib.suppress(OSError):
                            fresh = socket.create_connection(self.address, timeout=5)
                            self.sockets[i] = (fresh, rest)

    def __enter__(self) -> Hold:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)
        for sock, _ in self.sockets:
            sock.close()


def probes(url: str, rounds: int) -> list[str]:
    """``/`` and ``ASK {}`` ``rounds`` times each; what did not answer 200 within the bound.

    A stalled server answers none. A healthy one on this shared machine may miss one now and
    then (another process had the cores): the tests allow one in ten, as the issue's own bar does.
    """
    failures = []
    for _ in range(rounds):
        for path in ("/", ASK):
            try:
                status, _, _ = get(url, path, {"Accept": "application/sparql-results+json"}, PROBE_TIMEOUT)
                if status != 200:
                    failures.append(f"{path}: {status}")
            except OSError as exc:
                failures.append(f"{path}: {exc!r}")
        time.sleep(0.5)
    return failures


def assert_answering(url: str, rounds: int) -> None:
    failures = probes(url, rounds)
    assert len(failures) <= rounds * 2 // 10, failures


def test_200_slow_header_and_200_idle_connections_do_not_stall_it(served):
    with Hold(served.url) as hold:
        hold.open(200, b"", b"")  # idle: connected, nothing sent
        hold.open(200, b"GET / HTTP/1.1\r\n", b"X-Slow: abcdefghijklmnopqrstuvwxyz\r\n")
        time.sleep(3)  # every slow connection has trickled at least once
        assert_answering(served.url, 8)
        time.sleep(HEADER_WAIT)  # past the header time limit: the slow ones were dropped and came back
        assert_answering(served.url, 5)
    assert served.process.poll() is None


def test_more_slow_request_bodies_than_threads_do_not_stall_it(settings, release, tmp_path):
    """Clients that send headers at once, then a POST body one byte at a time: 40 of them
    against 2 workers × 8 threads. A body is read by a Python thread, so they could hold every
    thread; only half of them may read bodies, the others answer pages and GET queries."""
    server = Served(settings.build_dir, tmp_path / "serve.log", "--threads", "8")
    body_start = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 4000\r\n\r\nquery=")  # fmt: skip
    try:
        with Hold(server.url) as hold:
            hold.open(40, body_start, b"A" * 3000)
            time.sleep(3)
            assert_answering(server.url, 8)
            # A POST of its own meanwhile is answered, or told at once to come back (never left hanging).
            status, headers, _ = post(server.url, b"query=ASK%20%7B%7D", PROBE_TIMEOUT)
            assert status == 200 or (status == 503 and headers["retry-after"]), status
    finally:
        server.stop()


def test_a_body_over_the_limit_is_413_even_chunked(served):
    for chunked in (False, True):
        status, _, body = post(served.url, b"query=" + b"A" * 1_100_000, 30, chunked=chunked)
        assert status == 413, (chunked, body[:100])
    assert post(served.url, b"query=ASK%20%7B%7D", 30, chunked=True)[0] == 200


# -- it stops, and takes its workers along ------------------------------------------------------


def with_query_workers(served: Served) -> set[int]:
    """The whole tree once queries have started query workers below the HTTP workers."""
    for _ in range(4):  # enough to reach both HTTP workers
        assert get(served.url, ASK, {"Accept": "application/sparql-results+json"})[0] == 200
    return served.tree()


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_it_stops_cleanly_with_exit_0_and_no_process_left(served, how):
    tree = with_query_workers(served)
    assert len(tree) >= 3
    if how == "Ctrl-C":
        os.killpg(served.process.pid, signal.SIGINT)  # what a terminal sends to its foreground group
    else:
        served.process.send_signal(signal.SIGTERM)  # kill, systemd, a container stop
    assert served.process.wait(timeout=60) == 0
    assert descendants_left(tree, seconds=10) == set()
    assert "Traceback" not in served.output()


def test_its_workers_end_when_the_main_process_is_killed(served):
    tree = with_query_workers(served)
    served.process.kill()
    served.process.wait(timeout=30)
    # The kernel tells each worker its parent is gone (PR_SET_PDEATHSIG); it stops.
    assert descendants_left(tree, seconds=15) == set()
    with pytest.raises(OSError):
        get(served.url, "/robots.txt", timeout=2)


# -- its URLs are its own ---------------------------------------------------------------------


def test_a_hostile_host_header_is_not_echoed_even_in_werkzeug_redirects(served):
    status, headers, _ = get(served.url, "//id//272116", {"Host": "evil.example"})
    assert status == 308
    assert headers["location"] == f"{served.url}/id/272116"
    for path in ("/robots.txt", "/catalog", "/sitemap.xml", "/api/openapi.json", "/sparql?format=ttl"):
        status, _, body = get(served.url, path, {"Host": "evil.example"})
        assert status == 200 and b"evil.example" not in body, path
        assert served.url.encode() in body, path


def test_public_url_setting_names_the_server(settings, release, tmp_path):
    server = Served(settings.build_dir, tmp_path / "serve.log", "--public-url", "https://plans.example.org/")
    try:
        assert "at https://plans.example.org/ (bound to" in server.output()
        _, _, body = get(server.url, "/robots.txt")
        assert b"Sitemap: https://plans.example.org/sitemap.xml" in body
    finally:
        server.stop()


def test_get_answers_one_request_in_process(settings, release):
    from click.testing import CliRunner

    from planlod.cli import cli

    def serve(*args: str):
        return CliRunner().invoke(cli, ["--build-dir", str(settings.build_dir), "serve", *args])

    result = serve("--port", "8123", "--get", "/robots.txt")
    assert result.exit_code == 0, result.output
    assert "Sitemap: http://127.0.0.1:8123/sitemap.xml" in result.output  # the URL it would serve at
    assert serve("--get", "/id/272116/nothing").exit_code == 1
    bad = serve("--public-url", "ftp://x/", "--get", "/")
    assert bad.exit_code == 1 and "public_url" in bad.output and "ftp://x/" in bad.output
