"""One pool of query workers for all the HTTP processes of a server.

When the HTTP server runs several processes, a pool in each would multiply the workers
(and their memory) and split the fair shares. The broker is one child process of
`planlod serve` that owns the :class:`~planlod.querypool.QueryPool`, follows
``build_dir/current`` to each new release, and answers on a Unix socket in a private
directory; every HTTP process talks to it through a :class:`BrokerClient`, which has the
pool's ``run(request, client=…)`` and ``close()``. The broker dies with its parent.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

from planlod import sandbox
from planlod.build import current_release
from planlod.config import Settings
from planlod.querypool import QueryAnswer, QueryFailed, QueryPool, QueryRequest, receive_reply, send_reply
from planlod.queryprocess import WorkerRefused, start_child
from planlod.store import STORE_DIR

SOCKET_NAME = "broker.sock"
BROKER_ENV = "PLANLOD_QUERY_BROKER"

log = logging.getLogger(__name__)


class BrokerHandle:
    """The broker process as its parent sees it; a broker that dies is started again."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.socket_path = os.path.join(tempfile.mkdtemp(prefix="planlod-broker-"), SOCKET_NAME)  # mode 0700
        self._closed = False
        self._owner = os.getpid()
        try:
            self.process = self._launch()
        except BaseException:
            shutil.rmtree(Path(self.socket_path).parent, ignore_errors=True)
            raise
        threading.Thread(target=self._watch, daemon=True, name="planlod-broker-watch").start()

    def _launch(self) -> subprocess.Popen:
        """Start a broker and return once it answers, or raise (:class:`WorkerRefused` when
        query workers cannot be sandboxed here and that is not allowed)."""
        argv = [sys.executable, "-m", "planlod.querybroker", "--parent", str(os.getpid()), "--socket", self.socket_path]
        # A process group of its own (its query workers join it): a terminal's Ctrl-C reaches the
        # server, which stops the broker in order, instead of every query worker at once.
        process = start_child(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, process_group=0)
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(pickle.dumps(self.settings))
        process.stdin.close()
        line = process.stdout.readline().decode("utf-8", "replace").strip()
        process.stdout.close()
        if line == "ready":
            return process
        _stop(process)
        if line.startswith("refused: "):
            raise WorkerRefused(line.removeprefix("refused: "))
        raise RuntimeError(f"the query broker failed to start (exit code {process.returncode}): {line}")

    def _watch(self) -> None:
        delay = 0.5
        while True:
            code = self.process.wait()
            if self._closed:
                return
            log.error("the query broker exited (%s); starting another", code)
            try:
                self.process = self._launch()
                delay = 0.5
            except Exception:  # noqa: BLE001 — queries answer 503 until a start succeeds
                log.exception("the query broker failed to start; retrying in %g s", delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def close(self) -> None:
        if os.getpid() != self._owner:
            return  # a forked copy (a gunicorn worker exiting): the broker is its parent's to stop
        self._closed = True
        _stop(self.process)
        shutil.rmtree(Path(self.socket_path).parent, ignore_errors=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_broker(settings: Settings) -> BrokerHandle:
    """Start the broker for ``settings`` and return once it answers, or raise.

    :class:`WorkerRefused` when query workers cannot be sandboxed here (and that is not allowed).
    """
    return BrokerHandle(settings)


class BrokerClient:
    """The pool's ``run`` and ``close``, answered by the broker at ``socket_path``."""

    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path
        self._idle: list[Connection] = []
        self._lock = threading.Lock()

    def run(self, request: QueryRequest, client: str = "") -> QueryAnswer:
        while True:
            conn, reused = self._connection()
            try:
                conn.send((request, client))
                status, detail = receive_reply(conn)
                break
            except (EOFError, OSError):
                conn.close()
                if not reused:
                    raise QueryFailed("crashed", "the query service is not running", retry_after=5) from None
                # A connection kept from before the broker was restarted: try a new one.
        with self._lock:
            self._idle.append(conn)
        if status == "ok":
            return detail  # type: ignore[return-value]
        kind, message, retry = detail  # type: ignore[misc]
        raise QueryFailed(kind, message, retry)

    def _connection(self) -> tuple[Connection, bool]:
        """A connection to the broker, and whether it was kept from an earlier request."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        try:
            return Client(self.socket_path, family="AF_UNIX"), False
        except OSError:
            raise QueryFailed("crashed", "the query service is not running", retry_after=5) from None

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class Broker:
    """The broker's side: one pool over the live release, a thread per connection."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self.release: Path | None = None
        self._pool: QueryPool | None = None
        self.pool()  # the first worker starts now: a platform that cannot sandbox it is known at once

    def pool(self) -> QueryPool:
        """The pool over ``build_dir/current``, replaced when ``current`` moves (a readlink per query)."""
        release = current_release(self.settings.build_dir)
        if release is None:
            raise QueryFailed("crashed", f"no build in {self.settings.build_dir}")
        with self._lock:
            if release != self.release or self._pool is None:
                old = self._pool
                self._pool = QueryPool.from_settings(release / STORE_DIR, self.settings)
                self.release = release
                if old is not None:
                    # Queries already running on the old release may finish within their limit.
                    old.close(let_running_finish=True)
            return self._pool

    def serve(self, conn: Connection) -> None:
        """Answer the requests of one connection until it closes."""
        with conn:
            while True:
                try:
                    request, client = conn.recv()
                except (EOFError, OSError):
                    return
                try:
                    reply: tuple[str, object] = ("ok", self.pool().run(request, client=client))
                except QueryFailed as failed:
                    reply = ("failed", (failed.kind, str(failed), failed.retry_after))
                try:
                    send_reply(conn, *reply)
                except OSError:
                    return

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="planlod.querybroker")
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--socket", required=True)
    args = parser.parse_args(argv)
    sandbox.die_with_parent(args.parent, signal.SIGTERM)
    settings: Settings = pickle.loads(sys.stdin.buffer.read())
    try:
        broker = Broker(settings)
    except WorkerRefused as refused:
        print(f"refused: {refused}", flush=True)
        return 2
    if os.path.exists(args.socket):
        os.unlink(args.socket)  # left by a broker that was killed: this one takes its place
    listener = Listener(args.socket, family="AF_UNIX")
    print("ready", flush=True)
    os.dup2(2, 1)  # the parent reads no more than that line
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    try:
        while True:
            conn = listener.accept()
            threading.Thread(target=broker.serve, args=(conn,), daemon=True, name="planlod-broker-conn").start()
    finally:
        broker.close()
        listener.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


@contextmanager
def brokered(settings: Settings) -> Iterator[Settings]:
    """``settings`` with ``query_broker`` pointing at a broker started for them (and in
    ``PLANLOD_QUERY_BROKER``, for the HTTP processes a server starts), stopped on the way out.
    Nothing is started for an external store or when a broker is already set."""
    if settings.store != "embedded" or settings.query_broker:
        yield settings
        return
    handle = start_broker(settings)
    previous = os.environ.get(BROKER_ENV)
    os.environ[BROKER_ENV] = handle.socket_path
    try:
        yield settings.with_(query_broker=handle.socket_path)
    finally:
        if previous is None:
            os.environ.pop(BROKER_ENV, None)
        else:
            os.environ[BROKER_ENV] = previous
        handle.close()
