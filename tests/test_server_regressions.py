"""Bugs that the browser, fuzz and load tests found, each pinned by the smallest test that shows it."""

from __future__ import annotations

import gc
import zlib


def test_a_compressed_dump_download_closes_its_file(client):
    # Found by the browser tests: Flask-Compress streams a dump through a compressing generator
    # (zstd, br or deflate, whatever the browser offers) and left the file under it open:
    # a ResourceWarning and a file descriptor held per download until garbage collection.
    plain = client.get("/data/dataset.ttl", headers={"Accept-Encoding": "identity"})
    compressed = client.get("/data/dataset.ttl", headers={"Accept-Encoding": "deflate"})
    assert compressed.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(compressed.get_data()) == plain.get_data()
    plain.close()
    compressed.close()
    gc.collect()  # an unclosed file warns when collected; filterwarnings=error makes that a failure


def test_a_compressed_static_file_closes_its_file(client):
    # The same for the style sheet every page loads: found by the browser tests too.
    response = client.get("/static/style.css", headers={"Accept-Encoding": "deflate"})
    assert response.headers["Content-Encoding"] == "deflate"
    assert b"{" in zlib.decompress(response.get_data())
    response.close()
    gc.collect()


def test_links_to_ontology_terms_land_on_the_term(client):
    # Found by the browser tests: pages link a type or an actor to /def#Policy, /def#city…, but the
    # ontology page had no element with those ids, so the link opened the top of a long page.
    html = client.get("/doc/def.html").get_data(as_text=True)
    for term in ("Policy", "Initiative", "GlossaryTerm", "city", "citizen", "business"):
        assert f'id="{term}"' in html, term


def test_every_example_of_the_query_page_runs(client):
    # Found by the browser tests: the query page wrote parameter defaults over the variables
    # (`SELECT ?__plan_iri "city" …`), a syntax error in every example with a default.
    from server.sparql import examples

    with client.application.test_request_context():
        found = examples()
    assert len(found) >= 10
    rows = {}
    for example in found:
        response = client.post("/sparql", data={"query": example["text"], "format": "json"})
        assert response.status_code == 200, (example["name"], response.get_data(as_text=True))
        rows[example["name"]] = len(response.json["results"]["bindings"])
        response.close()
    assert rows["actor-commitments"] == 23  # the city's commitments: one per initiative, with the default actor


def test_favicon_ico_is_not_a_404(client):
    # Seen by the browser tests: Chromium asks for /favicon.ico on a first visit whatever the page's
    # <link rel="icon"> says, and the 404 showed as a console error.
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    response.close()
