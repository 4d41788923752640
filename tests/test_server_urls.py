"""Absolute URLs come from the public URL setting, never from the Host a request names."""

from __future__ import annotations

import pytest

from server import create_app
from server.urls import DEFAULT_PUBLIC_URL

HOSTILE = {"Host": "evil.example"}

# Every surface that writes an absolute URL of this server, with what it must contain.
ROOT = DEFAULT_PUBLIC_URL
SURFACES = {
    "/catalog": f"<{ROOT}catalog>",
    "/catalog.html": f"{ROOT}data/272116/5th/dataset.ttl",
    "/.well-known/void": f"<{ROOT}sparql>",
    "/sitemap.xml": f"<loc>{ROOT}sitemaps/272116/5th-1.xml</loc>",
    "/sitemaps/272116/5th-1.xml": f"<loc>{ROOT}doc/272116/5th/initiative/7-1-2.html</loc>",
    "/robots.txt": f"Sitemap: {ROOT}sitemap.xml",
    "/changes": f'href="{ROOT}changes.json"',
    "/changes.json": f'"id": "{ROOT}changes.json"',
    "/api/openapi.json": f'"servers":[{{"url":"{ROOT.rstrip("/")}"}}]',
    "/sparql?format=ttl": f"<{ROOT}sparql>",  # the service description's sd:endpoint
    "/sparql": f"{ROOT}sparql</code>",  # the query page names its endpoint
}


@pytest.mark.parametrize("path", SURFACES)
def test_a_hostile_host_gets_the_canonical_urls(app, client, path):
    if path.startswith("/changes") and app.extensions["planlod"].changes() is None:
        pytest.skip("an external store keeps no change history (the building node does)")
    response = client.get(path, headers={**HOSTILE, "Accept": "text/html" if path == "/sparql" else "*/*"})
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    assert "evil.example" not in body
    assert SURFACES[path] in body


def slashes(client):
    """GET //id//272116 as a raw request target (the test client would read ``//id`` as a host)."""
    return client.get("/", headers=HOSTILE, environ_overrides={"PATH_INFO": "//id//272116"})


def test_werkzeug_slash_redirects_point_at_the_public_url(client):
    """Reported: ``//id//272116`` answered a permanent redirect to ``http://evil.example/id/272116``."""
    response = slashes(client)
    assert response.status_code == 308
    assert response.headers["Location"] == ROOT + "id/272116"


def test_our_redirects_stay_relative(client):
    response = client.get("/id/272116/5th/initiative/7-1-2", headers={**HOSTILE, "Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/272116/5th/initiative/7-1-2.ttl"


def test_the_public_url_setting_is_used_everywhere(settings, release):
    app = create_app(settings.with_(public_url="https://plans.example.org/lod/"))
    try:
        client = app.test_client()
        assert b"Sitemap: https://plans.example.org/lod/sitemap.xml" in client.get("/robots.txt").data
        openapi = client.get("/api/openapi.json", headers=HOSTILE).get_json()
        assert openapi["servers"][0]["url"] == "https://plans.example.org/lod"
        service = client.get("/sparql?format=ttl", headers=HOSTILE).get_data(as_text=True)
        assert "<https://plans.example.org/lod/sparql>" in service
        redirect = slashes(client)
        assert redirect.headers["Location"] == "https://plans.example.org/lod/id/272116"
    finally:
        app.extensions["planlod"].close()
