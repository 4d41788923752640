"""Conditional, cached responses: a release never changes, so neither do its documents.

The ETag is derived from the release and the request (never from the body), so a
revalidation is answered 304 before anything is rendered, and a warm document is a
dictionary look-up. Every server process computes the same ETag for the same document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, make_response, request

from server.backend import Backend


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
) -> Response:
    """``render`` gives the body, or the body and headers that belong to it (cached together).

    ``check`` runs only when something must be rendered: a revalidation or a cached body
    proves the document existed in this release, so neither pays for it (with an external
    store, a check is a round trip).
    """
    etag = etag_of(backend, *key)
    response = make_response()
    response.set_etag(etag)
    response.last_modified = backend.last_modified
    for header in vary:
        response.vary.add(header)
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    cached = backend.cache.get(etag)
    if cached is None:
        refused = check() if check is not None else None
        if refused is not None:
            return refused
        rendered = render()
        cached = rendered if isinstance(rendered, tuple) else (rendered, {})
        backend.cache[etag] = cached
    body, headers = cached
    response.headers.update(headers)
    response.set_data(body)
    response.content_type = content_type
    return response.make_conditional(request)
