"""``planlod serve``: the app in granian, a Rust (tokio) HTTP server, one worker process per core.

Why granian: connections, keep-alive and the reading of request headers are tokio tasks, not
Python threads. An idle or slow-header client costs a task and a buffer, and is dropped when its
headers have not arrived within ``HEADER_TIMEOUT``; only a request whose headers are complete
takes one of a worker's Python threads. Those threads are started on demand and end when idle,
so there can be many. A request body is read by its thread, with no time limit: so at most half
of them read bodies at once (``server/bodies.py``), and clients trickling bodies cannot take
the threads that pages and queries need.

The main process only watches its workers. It stops them on SIGINT or SIGTERM and exits 0; a
worker whose main process is gone (SIGKILL) is told by the kernel and stops too.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import sys

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.server import Server

from planlod.config import Settings
from server.bodies import BoundedBodies, WSGIApp

HEADER_TIMEOUT = 10  # seconds for a client to send its request line and headers
BACKLOG = 2048  # connections the kernel queues before the workers accept them
DEFAULT_THREADS = 64  # Python threads per worker, at most
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WILDCARDS = ("0.0.0.0", "::", "")  # binds that name no address a client could use


def default_workers() -> int:
    """One worker per core this process may run on (a container's or taskset's share)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def bind_url(host: str, port: int) -> str:
    """The URL of the address bound (``http://127.0.0.1:8000/``): the public URL when none is set."""
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def run(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until SIGINT or SIGTERM, then stop the workers and return."""
    server = Server(
        "server.serve:worker_app",  # named for the process titles; the app comes from the loader
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        websockets=False,  # WSGI has none; said here, granian does not log that it ignores them
        workers=workers,
        blocking_threads=threads,
        backlog=BACKLOG,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT * 1000, keep_alive=True),
        respawn_failed_workers=True,  # a worker that crashed is replaced
        # A request in flight may finish (a query ends by its own time limit), then the worker is killed.
        workers_kill_timeout=int(settings.query_timeout) + 5,
        log_access=False,
    )
    logging.getLogger("_granian").addFilter(quiet_about_threads)
    try:
        loader = functools.partial(worker_app, settings, os.getpid(), threads)
        server.serve(target_loader=loader, wrap_loader=False)
    except SystemExit:
        # granian exits 1 when a worker ended before it was told to. When the stop was asked for,
        # that is the worker having had the same signal (systemd sends it to every process).
        if not getattr(server, "interrupt_signal", False):
            raise


def quiet_about_threads(record: logging.LogRecord) -> bool:
    """granian warns when threads outnumber cores twice: here most of them wait on slow clients."""
    return "Python threads" not in record.getMessage()


def worker_app(settings: Settings, main_pid: int, threads: int) -> WSGIApp:
    """Runs in each worker process, before it serves: tie it to its main process, make the app.

    Half the threads at most read request bodies (server/bodies.py): the others stay free.
    """
    from server import create_app

    die_with_parent(main_pid)
    # A process group of its own: Ctrl-C in a terminal reaches the main process only, which
    # stops the workers in order (instead of every process racing to exit on its own).
    os.setpgid(0, 0)
    app = create_app(settings)
    return BoundedBodies(app, readers=threads // 2, limit=app.config["MAX_CONTENT_LENGTH"])


def die_with_parent(main_pid: int) -> None:
    """SIGKILL this process when its parent ends, however it ends (a SIGKILL included).

    granian's workers otherwise outlive a killed main process and go on serving. Without the
    main process nobody would bound a graceful stop, and a worker draining would still accept
    connections: so it ends at once, as its main process did. Linux only: elsewhere a supervisor
    must stop the workers.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != main_pid:  # the parent was gone before the request was made
        os.kill(os.getpid(), signal.SIGKILL)
