"""Bugs that the browser, fuzz and load tests found, each pinned by the smallest test that shows it."""

from __future__ import annotations

import gc
import zlib
from pathlib import Path

import pytest

from planlod.ingest import parse
from planlod.source import SourceError


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


def damaged(data_copy, old: str, new: str) -> Path:
    """The real source with the first ``old`` replaced by ``new``, and the line where it happened."""

    def edit(lines: list[str]) -> list[str]:
        at = next(n for n, line in enumerate(lines) if old in line)
        lines[at] = lines[at].replace(old, new, 1)
        return lines

    return data_copy(edit) / "272116-ibaraki-5th" / "source.txt"


@pytest.mark.parametrize("reference", ["&#0;", "&#1;", "&#x7f;", "&#x85;", "&#xD800;", "&#xFFFE;", "&#x110000;"])
def test_a_reference_to_no_character_is_an_error(data_copy, reference):
    # Found by the parser fuzz tests: html.unescape turned these into U+FFFD or dropped them without
    # a word, so the published text silently differed from what the export says.
    path = damaged(data_copy, "市民の市への", f"市民の{reference}市への")
    with pytest.raises(SourceError, match=f"{reference}.*names no character") as error:
        parse(path)
    assert error.value.line == 11


@pytest.mark.parametrize("control", ["\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\r", "\ufffe"])
def test_control_characters_are_an_error(data_copy, control):
    # Found by the parser fuzz tests: a control character in a title or paragraph was published as is,
    # invisible on the page and invalid in RDF/XML and SPARQL XML results.
    path = damaged(data_copy, "市民の市への", f"市民の{control}市への")
    with pytest.raises(SourceError, match=f"control character U\\+{ord(control):04X}") as error:
        parse(path)
    assert error.value.line == 11


@pytest.mark.parametrize(
    "path", ["/id/%1F", "/id/272116/%25zz", "/doc/a%EF%BF%BE.html", "/browse?iri=http://x/%01", "/doc/%0D", "/doc/a%0A"]
)
def test_paths_that_are_no_iri_are_404_not_500(client, path):
    # Found by the HTTP fuzz tests: the store refuses control characters, noncharacters and broken
    # %-escapes in an IRI with an exception, which the server answered with 500; and a negotiated
    # 404 put the raw path in Content-Location, where a CR or LF is an exception too.
    response = client.get(path)
    assert response.status_code == 404
    response.close()


def test_a_404_document_has_no_alternates_echoing_the_path(client):
    # Found by the HTTP fuzz tests: a missing document answered 404 with Link alternates built from
    # the raw request path (`</doc/<script>….html>`), advertising documents that do not exist.
    response = client.get("/doc/%3Cscript%3Ealert(1)%3C/script%3E.html")
    assert response.status_code == 404 and "Link" not in response.headers
    response.close()


@pytest.mark.parametrize("path", ["/catalog", "/catalog.html", "/.well-known/void"])
@pytest.mark.parametrize("accept", ["application/n-quads", "application/trig"])
def test_the_catalogue_refuses_quad_formats_with_406(client, path, accept):
    # Found by the HTTP fuzz tests: the catalogue is one graph, and asking for N-Quads made rdflib
    # raise ("only makes sense for context-aware stores"): a 500.
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    response.close()


def test_a_query_sparqlwrapper_misreads_is_not_a_500(client):
    # Found by the HTTP fuzz tests (external store): SPARQLWrapper guesses CONSTRUCT from a word inside
    # a string and warns when the format disagrees; under warnings-as-errors that was a 500.
    query = '"x CONSTRUCT" SELECT * WHERE { ?s ?p ?o } LIMIT 1'
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": ""})
    assert response.status_code < 500
    response.close()


def test_text_in_the_label_cell_of_a_continuation_row_is_an_error(data_copy):
    # Found by the parser fuzz tests: the label cell of a row continuing 施策内の取組 was never read,
    # so text put there vanished from the published plan without a word.
    path = damaged(data_copy, "\t\t7-1-2\t", "\t見落とし\t7-1-2\t")
    with pytest.raises(SourceError, match="label cell: '見落とし'"):
        parse(path)
