"""Conditional, cached responses: a release never changes, so neither do its documents.

The ETag is derived from the release and the request (never from the body), so a
revalidation is answered 304 before anything is rendered, and a warm document is a
dictionary look-up. Every server process computes the same ETag for the same document.

``cache_control`` is the one place that says how long others may keep an answer: every
response gets its ``Cache-Control`` there, whatever view or error handler made it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping

from flask import Response, make_response, request

from server.backend import Backend
from server.bytecache import ByteCache

# Seconds a browser or shared cache may reuse an answer before revalidating it (a cheap 304):
# a release is immutable, but a rebuild replaces it, so answers stay fresh only for a while.
FRESH = 300
STATIC = 3600  # the server's CSS, script and icon: their URLs carry no version, so an upgrade shows within the hour
FEED = 60  # /changes: a harvester polling it should see a new build soon
MISSING = 60  # a 404 may be answered by the next build
MAX_AGE = {"static": STATIC, "changes.feed": FEED, "changes.activity_stream": FEED}
NOT_FOUND = (404, 410)


def cache_control(response: Response) -> Response:
    """``Cache-Control`` for every response (send_file's own ``no-cache`` is replaced too).

    Never stored: answers to anything but GET/HEAD, errors of the moment (5xx, 429 and the
    other 4xx, which are about one request) and responses that set a cookie.
    """
    if request.method not in ("GET", "HEAD") or "Set-Cookie" in response.headers:
        value = "no-store"
    elif response.status_code in NOT_FOUND:
        value = f"public, max-age={MISSING}"
    elif response.status_code >= 400:
        value = "no-store"
    else:
        value = f"public, max-age={MAX_AGE.get(request.endpoint or '', FRESH)}"
    response.headers["Cache-Control"] = value
    response.headers.pop("Expires", None)  # send_file's would contradict it
    return response


def etag_of(backend: Backend, *parts: str) -> str:
    key = "\n".join((backend.release_id, *parts))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def cached_response(
    backend: Backend,
    key: tuple[str, ...],
    content_type: str,
    render: Callable[[], bytes | tuple[bytes, dict[str, str]]],
    vary: tuple[str, ...] = (),
    check: Callable[[], Response | None] | None = None,
    store: MutableMapping | ByteCache | None = None,
) -> Response:
    """``render`` gives the body, or the body and headers that belong to it (cached together).

    ``check`` runs only when something must be rendered: a revalidation or a cached body
    proves the document existed in this release, so neither pays for it (with an external
    store, a check is a round trip). ``store`` is where the body is kept (the backend's page
    cache unless given); ``render`` raising keeps nothing, so a failure is never cached.
    A revalidation of a POST is not answered 304 (that is for GET and HEAD), only its body reused.
    """
    etag = etag_of(backend, *key)
    response = make_response()
    response.set_etag(etag)
    response.last_modified = backend.last_modified
    for header in vary:
        response.vary.add(header)
    if request.method in ("GET", "HEAD") and request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    store = backend.cache if store is None else store
    cached = store.get(etag)
    if cached is None:
        refused = check() if check is not None else None
        if refused is not None:
            return refused
        rendered = render()
        cached = rendered if isinstance(rendered, tuple) else (rendered, {})
        store[etag] = cached
    body, headers = cached
    response.headers.update(headers)
    response.set_data(body)
    response.content_type = content_type
    return response.make_conditional(request)
