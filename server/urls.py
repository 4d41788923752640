"""Absolute URLs of this server: all from the configured public URL, never from a request's Host.

A request may name any host (a proxy that rewrites it, a health check on localhost, an attacker's
``Host: evil.example``): the answer is the same, so a cache in front can never be poisoned with
someone else's links, and nobody is locked out (which a 400 for unknown hosts would risk).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from planlod.config import Settings

# When nothing is configured and no bind address is known (the test app, `--get`).
DEFAULT_PUBLIC_URL = "http://localhost/"


def init_app(app: Flask, settings: Settings) -> None:
    app.config["PUBLIC_URL"] = settings.public_url or DEFAULT_PUBLIC_URL


def root_url() -> str:
    """The public base URL, ending with '/' (``https://example.org/``)."""
    return current_app.config["PUBLIC_URL"]


def absolute(path: str) -> str:
    """The public URL of a path of this app (``/sparql`` → ``https://example.org/sparql``)."""
    return root_url() + path.lstrip("/")


def canonical_location(response: Response) -> None:
    """A redirect that Werkzeug built from the request (``//id//x`` → ``http://HOST/id/x``, its
    slash rules) is moved onto the public URL; relative ones (all of ours) stay as they are."""
    location = response.headers.get("Location")
    if location is None or not location.startswith(request.host_url):
        return
    path = "/" + location[len(request.host_url) :]
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root) :]
    response.headers["Location"] = absolute(path)
