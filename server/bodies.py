"""Request bodies, read whole before the app runs: bounded in size, and in how many at once.

granian reads headers on tokio, but a body is read by the Python thread serving the request, and
it has no time limit for that. A client that trickles a body (a byte every few seconds) holds its
thread; enough of them would hold every thread. So only ``readers`` requests of a worker read a
body at a time: one more is answered 503 at once, without reading, and the other threads stay
free for everything else (pages, GET queries). A body over ``limit`` bytes is 413, whether it
says its length or is chunked, before more than ``limit`` bytes are read.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from typing import Any

CHUNK = 65536
BUSY = b"503 Service Unavailable: too many requests are sending a body right now; try again shortly\n"
TOO_LARGE = b"413 Content Too Large: the request body is over the limit\n"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BoundedBodies:
    """WSGI middleware: read each body into memory first, ``readers`` at a time, ``limit`` bytes at most."""

    def __init__(self, app: WSGIApp, readers: int, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.slots = threading.BoundedSemaphore(max(1, readers))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and length in ("", "0"):
            return self.app(environ, start_response)
        if length.isdigit() and int(length) > self.limit:
            return answer(start_response, "413 Content Too Large", TOO_LARGE)
        if not self.slots.acquire(blocking=False):
            return answer(start_response, "503 Service Unavailable", BUSY, ("Retry-After", "5"))
        try:
            body = read_body(environ["wsgi.input"], int(length) if length.isdigit() else None, self.limit)
        finally:
            self.slots.release()
        if body is None:
            return answer(start_response, "413 Content Too Large", TOO_LARGE)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def read_body(stream: Any, length: int | None, limit: int) -> bytes | None:
    """``length`` bytes (or to the end of a chunked body); None when it passes ``limit``."""
    parts, size = [], 0
    while length is None or size < length:
        part = stream.read(min(CHUNK, length - size) if length is not None else CHUNK)
        if not part:
            break  # the client stopped early: the app sees what came, as it would have
        parts.append(part)
        size += len(part)
        if size > limit:
            return None
    return b"".join(parts)


def answer(start_response: Callable[..., Any], status: str, body: bytes, *headers: tuple[str, str]) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), *headers])  # fmt: skip
    return [body]
