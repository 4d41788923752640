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
