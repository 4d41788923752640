"""The query broker: one pool for several HTTP processes, global fair shares, following new
releases, and dying with the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from proctree import command_line, descendants, is_running

from planlod import build
from planlod.config import Settings
from planlod.querybroker import BrokerClient, start_broker
from planlod.querypool import QueryFailed, QueryRequest

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def broker(settings, release):
    handle = start_broker(settings.with_(query_timeout=4.0))
    yield handle
    handle.close()


def outcome(client: BrokerClient, text: str, who: str) -> str:
    try:
        client.run(QueryRequest(text), client=who)
        return "ok"
    except QueryFailed as failed:
        return failed.kind


def test_fair_shares_hold_across_http_processes(broker):
    # Two clients of the broker, as two HTTP processes would have.
    first, second = BrokerClient(broker.socket_path), BrokerClient(broker.socket_path)
    results: dict[str, str] = {}
    held = threading.Thread(target=lambda: results.update(held=outcome(first, RUNAWAY, "10.0.0.1")))
    held.start()
    time.sleep(1.5)  # 10.0.0.1 holds its one long place now, through the first process
    # Through the second process, 10.0.0.1 is over its share; 10.0.0.2 is served.
    assert outcome(second, RUNAWAY, "10.0.0.1") == "share"
    assert outcome(second, "ASK {}", "10.0.0.2") == "ok"
    held.join(timeout=30)
    assert results["held"] == "timeout"
    first.close()
    second.close()


def workers_of(pid: int) -> list[str]:
    return [command_line(p) for p in descendants(pid) if "planlod.queryworker" in command_line(p)]


def test_the_broker_follows_a_new_release(tmp_path, data_copy):
    settings = Settings(data_dir=data_copy(), build_dir=tmp_path / "build", reasoner=False)
    old = build.run(settings).release
    handle = start_broker(settings)
    try:
        client = BrokerClient(handle.socket_path)
        assert client.run(QueryRequest("ASK {}")).body == b'{"head":{},"boolean":true}'
        assert all(str(old) in line for line in workers_of(handle.process.pid))
        # An edit: a rebuild with no change publishes no new release.
        data_copy(lambda lines: [line.replace("地域色を", "地域色を、", 1) for line in lines])
        new = build.run(settings).release
        assert new != old
        assert client.run(QueryRequest("ASK {}")).body == b'{"head":{},"boolean":true}'
        for _ in range(300):  # the new pool's other workers start in the background
            lines = workers_of(handle.process.pid)
            if len(lines) == settings.query_workers + 1:
                break
            time.sleep(0.1)
        assert len(lines) == settings.query_workers + 1 and all(str(new) in line for line in lines)
        client.close()
    finally:
        handle.close()


STARTER = """
import sys, time
from planlod.config import Settings
from planlod.querybroker import start_broker
handle = start_broker(Settings.from_env())
print(handle.process.pid, flush=True)
time.sleep(600)
"""


def test_the_broker_and_its_workers_die_with_their_parent(settings, release):
    env = os.environ | {"PLANLOD_BUILD_DIR": str(settings.build_dir)}
    parent = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE, text=True, env=env)
    try:
        broker_pid = int(parent.stdout.readline())
        processes = {broker_pid} | descendants(broker_pid)
        assert len(processes) >= 2  # the broker and its first worker at least
    finally:
        parent.kill()
        parent.wait(timeout=30)
        parent.stdout.close()
    for _ in range(100):
        if not any(is_running(pid) for pid in processes | descendants(broker_pid)):
            break
        time.sleep(0.1)
    assert [pid for pid in processes if is_running(pid)] == []


def test_a_killed_broker_is_started_again(broker):
    client = BrokerClient(broker.socket_path)
    assert client.run(QueryRequest("ASK {}")).body == b'{"head":{},"boolean":true}'
    first = broker.process.pid
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 60
    answered = None
    while answered is None and time.monotonic() < deadline:
        try:
            answered = client.run(QueryRequest("ASK {}")).body
        except QueryFailed as failed:
            assert failed.kind == "crashed" and failed.retry_after  # 503 with Retry-After meanwhile
            time.sleep(0.2)
    assert answered == b'{"head":{},"boolean":true}' and broker.process.pid != first
    client.close()
