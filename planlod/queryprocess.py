"""Query worker processes, seen from the parent: start one, talk to it, kill it, say why it died.

Every worker is started from one long-lived thread per process (:class:`_Starter`): a worker
asks the kernel for SIGKILL when the thread that started it exits (PR_SET_PDEATHSIG), so a
worker started from a short-lived thread would die with that thread.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

START_TIMEOUT = 60.0


class WorkerRefused(RuntimeError):
    """A worker would not run: it cannot be sandboxed here and unsandboxed workers are not allowed."""


class _Starter:
    """The one thread of this process that starts the processes that must die with it."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[list[str], dict[str, Any], Future]] = queue.SimpleQueue()
        threading.Thread(target=self._loop, daemon=True, name="planlod-query-starter").start()

    def _loop(self) -> None:
        while True:
            argv, options, future = self._jobs.get()
            try:
                future.set_result(subprocess.Popen(argv, **options))
            except BaseException as exc:  # noqa: BLE001 — handed to the caller, the thread lives on
                future.set_exception(exc)

    def popen(self, argv: list[str], **options: Any) -> subprocess.Popen:
        future: Future = Future()
        self._jobs.put((argv, options, future))
        return future.result()


_starters: dict[int, _Starter] = {}
_starters_lock = threading.Lock()


def start_child(argv: list[str], **options: Any) -> subprocess.Popen:
    """``subprocess.Popen(argv, **options)``, from the long-lived thread (the child must call
    :func:`planlod.sandbox.die_with_parent` with this process's pid)."""
    with _starters_lock:
        # Keyed by pid: after a fork the thread of the parent does not exist in the child.
        starter = _starters.get(os.getpid())
        if starter is None:
            starter = _starters[os.getpid()] = _Starter()
    return starter.popen(argv, **options)


@dataclass(eq=False)
class Worker:
    process: subprocess.Popen
    conn: Connection
    sandboxed: bool

    def kill(self) -> None:
        self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not end after SIGKILL", self.process.pid)
        self.conn.close()

    def ran_out_of_memory(self) -> bool:
        """After the pipe broke: did the worker die because an allocation failed?

        Rust aborts (SIGABRT) when an allocation over RLIMIT_DATA fails; Python code reports a
        MemoryError instead, as an answer.
        """
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return False
        return code == -signal.SIGABRT


def start_worker(store_path: Path, memory_bytes: int, allow_unsandboxed: bool) -> Worker:
    """A worker process over ``store_path``, ready for its first request, or :class:`WorkerRefused`."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    argv = [
        sys.executable, "-m", "planlod.queryworker", "--fd", str(child.fileno()), "--parent", str(os.getpid()),
        "--store", str(store_path), "--memory", str(memory_bytes),
    ]  # fmt: skip
    if allow_unsandboxed:
        argv.append("--unsandboxed")
    try:
        # No Rust backtrace in the log each time a query runs out of memory.
        env = os.environ | {"RUST_BACKTRACE": "0"}
        process = start_child(argv, pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=env)
    finally:
        child.close()
    conn = Connection(parent.detach())
    try:
        status, detail = conn.recv() if conn.poll(START_TIMEOUT) else ("silent", None)
    except (EOFError, OSError):
        status, detail = "died", None
    if status == "ready":
        return Worker(process, conn, sandboxed=bool(detail))
    process.kill()
    process.wait(timeout=5)
    conn.close()
    if status == "refused":
        raise WorkerRefused(
            f"query workers cannot be sandboxed here: {detail}; PLANLOD_ALLOW_UNSANDBOXED_QUERIES=1 runs them "
            "anyway, with network access (never on a public server)"
        )
    raise RuntimeError(f"a query worker failed to start ({status}, exit code {process.returncode})")
