"""Who is asking: the client a request counts against in the fair shares of the query workers."""

from __future__ import annotations

from flask import Request

from planlod.config import Settings


def client_of(request: Request, settings: Settings) -> str:
    """The connection's address, or behind a trusted proxy the last entry of ``client_header``.

    The last entry is the address the proxy itself saw; the ones before it are whatever the
    client wrote, which anyone can forge. Without the setting the header is ignored.
    """
    if settings.client_header:
        last = request.headers.get(settings.client_header, "").rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.remote_addr or ""
