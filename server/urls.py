"""Absolute URLs of this server: all from the configured public URL, never from a request's Host.

A request may name any host (a proxy that rewrites it, a health check on localhost, an attacker's
``Host: evil.example``): the answer is the same, so a cache in front can never be poisoned with
someone else's links, and nobody is locked out (which a 400 for unknown hosts would risk).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request

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


def canonical(url: str) -> str:
    """A URL that Werkzeug built from the request (a redirect), moved onto the public URL."""
    parts = urlsplit(url)
    path = parts.path
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root) :]
    return absolute(path) + (f"?{parts.query}" if parts.query else "")
