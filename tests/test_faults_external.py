"""Fault: the external store goes away while the server runs, then comes back.

Injected: the Oxigraph server process behind the app is stopped (SIGTERM), then started
again on the same port and data directory. The user sees 503 with Retry-After (never a
hang or a 500) for what needs the store, still gets what is cached, and everything
answers again once the store is back, with no data lost.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from planlod.publish import StoreEndpoints, publish

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def start_oxigraph(location, port: int) -> subprocess.Popen:
    binary = shutil.which("oxigraph")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=2):
                return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    process.kill()
    pytest.fail("oxigraph did not start")


def test_store_away_gives_503_and_the_server_recovers(settings, release, tmp_path):
    from server import create_app
    from tests.conftest import free_port, require_tool

    if shutil.which("oxigraph") is None:
        require_tool("the `oxigraph` command is not installed")
    port = free_port()
    location = tmp_path / "store"
    process = start_oxigraph(location, port)
    store = f"sparql+http://127.0.0.1:{port}/query"
    publish(release, StoreEndpoints.from_setting(store), settings.base_iri)
    app = create_app(settings.with_(store=store, query_timeout=3.0))
    client = app.test_client()
    try:
        cached = client.get("/doc/272116/5th/policy/7-1.ttl")
        assert cached.status_code == 200
        before = json.loads(client.get("/sparql", query_string={"query": COUNT}).get_data())
        quads_before = int(before["results"]["bindings"][0]["n"]["value"])

        process.terminate()  # injected: the store goes away
        process.wait(timeout=30)

        page = client.get("/doc/272116/5th/policy/7-2.ttl")
        assert page.status_code == 503
        assert page.headers["Retry-After"].isdigit()
        assert "cannot be reached" in page.get_data(as_text=True)
        query = client.get("/sparql", query_string={"query": f"# asked while the store is away\n{COUNT}"})
        assert query.status_code == 503 and "Retry-After" in query.headers
        # An answer of this release already given is given again (a release never changes).
        assert json.loads(client.get("/sparql", query_string={"query": COUNT}).get_data()) == before
        api = client.get("/api/initiatives-per-policy")
        assert api.status_code == 503
        # What was already rendered is still served.
        assert client.get("/doc/272116/5th/policy/7-1.ttl").get_data() == cached.get_data()

        process = start_oxigraph(location, port)  # the store comes back, with its data
        assert client.get("/doc/272116/5th/policy/7-2.ttl").status_code == 200
        after = json.loads(client.get("/sparql", query_string={"query": f"# after\n{COUNT}"}).get_data())
        assert int(after["results"]["bindings"][0]["n"]["value"]) == quads_before
    finally:
        app.extensions["planlod"].close()
        process.terminate()
        process.wait(timeout=30)
