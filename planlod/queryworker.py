"""One query worker process: ``python -m planlod.queryworker``, started by :mod:`planlod.querypool`.

It confines itself (:mod:`planlod.sandbox`) before it opens the store or reads a request,
then answers requests from the pipe it was handed until the pipe closes. Everything it
knows comes from its arguments: it imports nothing of the server.
"""

from __future__ import annotations

import argparse
import sys
from multiprocessing.connection import Connection

from planlod import sandbox


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="planlod.queryworker")
    parser.add_argument("--fd", type=int, required=True, help="the pipe to the pool, already open")
    parser.add_argument("--parent", type=int, required=True, help="the pid this worker must not outlive")
    parser.add_argument("--store", required=True)
    parser.add_argument("--memory", type=int, required=True, help="RLIMIT_DATA in bytes")
    parser.add_argument("--unsandboxed", action="store_true", help="run even where the network cannot be closed")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sandbox.die_with_parent(args.parent)
    conn = Connection(args.fd)
    sandbox.limit_memory(args.memory)
    try:
        sandbox.deny_network()
        sandboxed = True
    except sandbox.SandboxUnavailable as exc:
        if not args.unsandboxed:
            conn.send(("refused", str(exc)))
            return 2
        sandboxed = False
    import pyoxigraph as ox

    store = ox.Store.read_only(args.store)
    conn.send(("ready", sandboxed))
    serve(store, conn)
    return 0


def serve(store: object, conn: Connection) -> None:
    """Answer requests from ``conn`` until it closes; every failure is sent back as an answer."""
    from planlod.querypool import execute, send_reply

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, object] = ("ok", execute(store, request))
        except SyntaxError as exc:
            reply = ("syntax", f"SPARQL syntax error: {exc}")
        except OverflowError as exc:
            reply = ("too-large", str(exc))
        except MemoryError:
            reply = ("memory", "")
        except Exception as exc:  # noqa: BLE001 — every failure must reach the client as an answer
            reply = ("error", describe(exc))
        send_reply(conn, *reply)


def describe(exc: Exception) -> str:
    """The error for the client: a refused connection is said plainly, never as the remote's words."""
    if isinstance(exc, OSError) and ("os error 13" in str(exc) or "Permission denied" in str(exc)):
        return "this server does not open network connections for queries (SERVICE, LOAD and remote data are refused)"
    return f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
