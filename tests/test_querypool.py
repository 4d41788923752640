"""The query workers themselves, called directly (no SPARQL guard in front): no network, a
memory limit, fair shares of the long-running places, and no start where the sandbox is missing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time

import pytest
from proctree import command_line, descendants, is_running
from unsandboxable import without_seccomp

from planlod.querypool import QueryFailed, QueryPool, QueryRequest
from planlod.store import STORE_DIR

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


@pytest.fixture(scope="module")
def pool(release):
    pool = QueryPool(release / STORE_DIR, size=3, timeout=4.0, long_after=1.0)
    yield pool
    pool.close()


@pytest.fixture
def listener():
    """A local TCP listener that records whether anyone connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(1.0)
    yield server
    server.close()


def connected(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


def failure(pool: QueryPool, text: str, client: str = "") -> QueryFailed:
    with pytest.raises(QueryFailed) as caught:
        pool.run(QueryRequest(text), client=client)
    return caught.value


def test_service_in_a_worker_opens_no_connection(pool, listener):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    failed = failure(pool, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert failed.kind == "error" and "does not open network connections" in str(failed)
    assert not connected(listener)
    silent = pool.run(QueryRequest(f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"))
    assert json.loads(silent.body)["results"]["bindings"] == [{}]  # SILENT: an empty answer, no request
    assert not connected(listener)


def test_load_in_a_worker_opens_no_connection(pool, listener):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    failed = failure(pool, f"LOAD <{url}>")
    assert failed.kind == "syntax"
    assert not connected(listener)


SANDBOXED = """
import ctypes, json, socket, sys
from planlod import sandbox
sandbox.deny_network()
import pyoxigraph as ox
seen = {}
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError as exc:
    seen["inet"] = exc.errno
try:
    socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
except OSError as exc:
    seen["inet6"] = exc.errno
socket.socket(socket.AF_UNIX).close()
seen["unix"] = "ok"
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)  # struct io_uring_params
seen["io_uring"] = (libc.syscall(425, 8, params), ctypes.get_errno())  # io_uring_setup, on every architecture
try:
    ox.Store().update(f"LOAD <{sys.argv[1]}>")  # an update: the one way to LOAD, even past any parser
except OSError as exc:
    seen["load"] = str(exc)
print(json.dumps(seen))
"""


def test_the_sandbox_refuses_internet_sockets_and_load(listener):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    done = subprocess.run([sys.executable, "-c", SANDBOXED, url], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["inet"] == seen["inet6"] == 13  # EACCES
    assert seen["unix"] == "ok"
    assert seen["io_uring"] == [-1, 1]  # EPERM
    assert "Permission denied" in seen["load"] or "os error 13" in seen["load"]
    assert not connected(listener)


POOL = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.WARNING)
from planlod.querypool import QueryPool, QueryRequest, WorkerRefused
try:
    pool = QueryPool(Path(sys.argv[1]), allow_unsandboxed=sys.argv[2] == "allow")
except WorkerRefused as exc:
    print("refused:", exc)
    sys.exit(3)
print(pool.run(QueryRequest("ASK {}")).body.decode())
pool.close()
"""


def test_workers_refuse_to_run_unsandboxed_unless_allowed(release):
    def run(allow: str) -> subprocess.CompletedProcess:
        argv = without_seccomp([sys.executable, "-c", POOL, str(release / STORE_DIR), allow])
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    refused = run("no")
    assert refused.returncode == 3, refused.stderr
    assert "cannot be sandboxed" in refused.stdout and "seccomp" in refused.stdout
    allowed = run("allow")
    assert allowed.returncode == 0, allowed.stderr
    assert '"boolean":true' in allowed.stdout
    assert "NOT SANDBOXED" in allowed.stderr


def test_a_query_over_the_memory_limit_is_stopped_and_its_worker_replaced(pool):
    failed = failure(pool, HUNGRY)
    assert failed.kind == "memory" and f"{pool.memory_mib} MiB" in str(failed)
    assert pool.run(QueryRequest("ASK {}")).body == b'{"head":{},"boolean":true}'


def test_the_answer_has_a_size_limit(pool):
    with pytest.raises(QueryFailed) as caught:
        pool.run(QueryRequest("SELECT * WHERE { ?s ?p ?o }", max_bytes=10_000))
    assert caught.value.kind == "too-large" and "10000 bytes" in str(caught.value)


def run_all(pool: QueryPool, jobs: list[tuple[str, str]]) -> list[str]:
    """Run (client, query) pairs at once; each one's outcome: "ok" or the failure's kind."""
    outcomes = [""] * len(jobs)

    def one(i: int, client: str, text: str) -> None:
        try:
            pool.run(QueryRequest(text), client=client)
            outcomes[i] = "ok"
        except QueryFailed as failed:
            outcomes[i] = failed.kind

    threads = [threading.Thread(target=one, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_one_client_holds_at_most_its_share_of_long_places(pool):
    # Three runaway queries of one client: one gets a long place (and runs into the time
    # limit), the others are stopped at long_after for being over the client's share.
    assert sorted(run_all(pool, [("a", RUNAWAY)] * 3)) == ["share", "share", "timeout"]


def test_long_places_are_shared_between_clients_and_one_worker_stays_short(pool):
    jobs = [("a", RUNAWAY), ("b", RUNAWAY), ("c", RUNAWAY)]
    # Two long places for three clients: the third runaway is stopped as "busy", not "share".
    assert sorted(run_all(pool, jobs)) == ["busy", "timeout", "timeout"]


def test_a_waiting_request_of_a_client_holding_nothing_goes_first(release):
    pool = QueryPool(release / STORE_DIR, size=2, timeout=3.0, long_after=1.0)
    finished: list[str] = []

    def one(label: str, client: str, text: str) -> None:
        try:
            pool.run(QueryRequest(text), client=client)
        except QueryFailed:
            pass
        finished.append(label)

    def start(label: str, client: str, text: str) -> threading.Thread:
        thread = threading.Thread(target=one, args=(label, client, text))
        thread.start()
        time.sleep(0.3)  # arrivals in this order
        return thread

    try:
        # "a" holds both workers, then asks again; "b" asks after it and is served first.
        threads = [start("a-runaway", "a", RUNAWAY), start("a-runaway", "a", RUNAWAY)]
        threads += [start("a-ask", "a", "ASK {}"), start("b-ask", "b", "ASK {}")]
        for thread in threads:
            thread.join(timeout=30)
    finally:
        pool.close()
    assert finished.index("b-ask") < finished.index("a-ask")


def test_retry_after_is_given_when_a_query_is_stopped_for_its_share(pool):
    outcomes: list[QueryFailed] = []

    def hold() -> None:
        try:
            pool.run(QueryRequest(RUNAWAY), client="r")
        except QueryFailed as failed:
            outcomes.append(failed)

    holder = threading.Thread(target=hold)
    holder.start()
    threading.Event().wait(1.5)  # the holder has its long place now
    failed = failure(pool, RUNAWAY, client="r")
    holder.join(timeout=30)
    assert failed.kind == "share" and failed.retry_after is not None and 1 <= failed.retry_after <= 4


def test_no_worker_outlives_a_killed_parent(release):
    script = "import sys, time; from pathlib import Path; from planlod.querypool import QueryPool; "
    script += "QueryPool(Path(sys.argv[1])); time.sleep(600)"
    parent = subprocess.Popen([sys.executable, "-c", script, str(release / STORE_DIR)])
    try:
        workers: set[int] = set()
        for _ in range(600):  # the first worker, then the others and the spare
            workers = {pid for pid in descendants(parent.pid) if "planlod.queryworker" in command_line(pid)}
            if len(workers) == 4:
                break
            time.sleep(0.1)
        assert len(workers) == 4
    finally:
        parent.kill()
        parent.wait(timeout=30)
    for _ in range(100):
        if not any(is_running(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert [pid for pid in workers if is_running(pid)] == []
