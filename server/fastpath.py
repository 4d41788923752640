"""A replay of whole responses in front of Flask, for GETs it has answered before in this release.

A warm page, document or /sparql answer costs a dictionary look-up in Flask's views, but Flask's
dispatch around it (contexts, routing, before/after hooks, headers) costs about a millisecond,
several times what a native server needs for the whole request. So the response Flask gave —
status, every header, body — is kept, keyed by the release and everything in the request that
can change an answer, and the next identical GET gets it back without entering Flask.

Only what cannot differ is kept: 200 (or 304 to a revalidation) with an ETag (so derived from the
release and the request, never from the moment), no cookie set, a known length that fits. Anything
else — POSTs, bodies, ranges, errors, files — goes to Flask as before, and so does anything that
has to run (a query worker, with its fair shares and limits).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from server.backend import Backend
from server.bytecache import ByteCache

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Stored = tuple[str, tuple[tuple[str, str], ...], bytes]

# Request headers no answer depends on (checked against every view: they read Accept, Accept-Language,
# Accept-Encoding, Cookie, Origin, Host and the conditional headers). Any other header is part of the
# key, so a header this list forgets can only cost a replay, never give a wrong one.
IGNORED = frozenset({
    "HTTP_USER_AGENT", "HTTP_CONNECTION", "HTTP_KEEP_ALIVE", "HTTP_CACHE_CONTROL", "HTTP_PRAGMA", "HTTP_TE",
    "HTTP_DNT", "HTTP_UPGRADE_INSECURE_REQUESTS", "HTTP_PRIORITY", "HTTP_REFERER",
})  # fmt: skip
IGNORED_PREFIXES = ("HTTP_SEC_FETCH_", "HTTP_SEC_CH_UA")
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
RANGES = ("HTTP_RANGE", "HTTP_IF_RANGE")


def stored_size(entry: Stored) -> int:
    return len(entry[2]) + sum(len(k) + len(v) for k, v in entry[1]) + 64


class FastPath:
    """WSGI middleware: ``app.wsgi_app = FastPath(app.wsgi_app, backend, settings.fast_path_bytes)``."""

    def __init__(self, app: WSGIApp, backend: Backend, max_bytes: int) -> None:
        self.app = app
        self.backend = backend
        self.responses = ByteCache(max_bytes, stored_size)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not replayable(environ):
            return self.app(environ, start_response)
        self.backend.refresh()  # a new release is never answered from the old one (the key names it)
        key = request_key(self.backend.release_id, environ)
        stored = self.responses.get(key)
        if stored is not None:
            status, headers, body = stored
            start_response(status, list(headers))
            return [body]
        return self.record(key, environ, start_response)

    def record(self, key: tuple, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Flask's answer, passed on, and kept when it is one that cannot differ next time."""
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if "status" not in seen or not self.keeps(environ, seen["status"], seen["headers"]):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self.responses[key] = (seen["status"], tuple(seen["headers"]), body)
        return [body]

    def keeps(self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]]) -> bool:
        names = {name.lower(): value for name, value in headers}
        code = status[:3]
        if "etag" not in names or "set-cookie" in names or "no-store" in names.get("cache-control", ""):
            return False
        if code == "304":
            return True
        if code != "200" or any(environ.get(h) for h in CONDITIONAL):
            return False  # a 200 to a stale or made-up validator is not kept under that validator
        length = names.get("content-length", "")
        return length.isdigit() and int(length) <= self.responses.max_bytes // 4


def replayable(environ: dict[str, Any]) -> bool:
    """A GET without a body or a range: the only requests whose answer is a function of the key."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
        return False
    return "HTTP_TRANSFER_ENCODING" not in environ and not any(environ.get(h) for h in RANGES)


def request_key(release: str, environ: dict[str, Any]) -> tuple:
    headers = tuple(sorted(
        (name, value) for name, value in environ.items()
        if name.startswith("HTTP_") and name not in IGNORED and not name.startswith(IGNORED_PREFIXES)
    ))  # fmt: skip
    return (
        release, environ.get("wsgi.url_scheme"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), headers,
    )  # fmt: skip
