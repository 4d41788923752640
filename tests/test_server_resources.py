"""Dereferenceable IRIs: 303s, content negotiation, documents, caching headers and errors."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from planlod.vocab import DCTERMS, JCP

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"
ID = "/id/272116/5th/initiative/7-1-2"
DOC = "/doc/272116/5th/initiative/7-1-2"

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
CURL = "*/*"
RDFLIB_TURTLE = "text/turtle, application/x-turtle, */*;q=0.1"
RDFLIB_XML = "application/rdf+xml, */*;q=0.1"
RDFLIB_NT = "text/plain, */*;q=0.1"
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, application/n-quads, "
    "application/trig, application/trix, */*;q=0.1"
)
SPARQLWRAPPER_RDF = "application/rdf+xml"
CKAN_REQUESTS = "*/*"  # ckanext-dcat fetches with python-requests defaults


@pytest.mark.parametrize(
    ("client_name", "accept", "suffix"),
    [
        ("Firefox", FIREFOX, "html"),
        ("Chrome", CHROME, "html"),
        ("curl", CURL, "html"),
        ("no Accept header", None, "html"),
        ("rdflib turtle", RDFLIB_TURTLE, "ttl"),
        ("rdflib rdf/xml", RDFLIB_XML, "rdf"),
        ("rdflib n-triples", RDFLIB_NT, "nt"),
        ("rdflib any format (a tie: the server prefers Turtle)", RDFLIB_ANY, "ttl"),
        ("SPARQLWrapper RDF/XML", SPARQLWRAPPER_RDF, "rdf"),
        ("CKAN harvester", CKAN_REQUESTS, "html"),
        ("JSON-LD client", "application/ld+json", "jsonld"),
        ("JSON client", "application/json", "jsonld"),
        ("N-Triples", "application/n-triples", "nt"),
        ("q-values", "text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
        ("wildcard subtype", "application/*;q=0.8, text/html;q=0.1", "jsonld"),
        ("TriG", "application/trig", "trig"),
        ("N-Quads", "application/n-quads", "nq"),
    ],
)
def test_accept_matrix_redirects_to_the_right_document(client, client_name, accept, suffix):
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get(ID, headers=headers)
    assert response.status_code == 303, client_name
    assert response.headers["Location"] == f"{DOC}.{suffix}"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept", ["image/png", "application/pdf", "text/html;q=0, */*;q=0"])
def test_nothing_acceptable_is_406_with_the_list(client, accept):
    response = client.get(ID, headers={"Accept": accept})
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    for media_type in ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"):
        assert media_type in body
    assert f"{DOC}.ttl" in response.headers["Link"]


def test_format_parameter_and_suffix_override_accept(client):
    assert client.get(f"{ID}?format=ttl", headers={"Accept": FIREFOX}).headers["Location"] == f"{DOC}.ttl"
    assert client.get(f"{ID}.jsonld", headers={"Accept": FIREFOX}).headers["Location"] == f"{DOC}.jsonld"
    assert client.get(f"{DOC}.nt", headers={"Accept": FIREFOX}).content_type.startswith("application/n-triples")


def test_document_without_suffix_negotiates_with_content_location(client):
    response = client.get(DOC, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/turtle")
    assert response.headers["Content-Location"] == f"{DOC}.ttl"
    assert "Accept" in response.headers["Vary"]


def test_link_alternate_for_every_format(client):
    link = client.get(f"{DOC}.html").headers["Link"]
    for suffix, media_type in [
        ("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"), ("trig", "application/trig"), ("nq", "application/n-quads"),
        ("html", "text/html"),
    ]:  # fmt: skip
        assert f'<{DOC}.{suffix}>; rel="alternate"; type="{media_type}"' in link


@pytest.mark.parametrize(
    ("suffix", "rdflib_format", "media_type"),
    [
        ("ttl", "turtle", "text/turtle"),
        ("nt", "nt", "application/n-triples"),
        ("jsonld", "json-ld", "application/ld+json"),
        ("rdf", "xml", "application/rdf+xml"),
        ("trig", "trig", "application/trig"),
        ("nq", "nquads", "application/n-quads"),
    ],
)
def test_every_format_parses_and_describes_the_resource(client, suffix, rdflib_format, media_type):
    response = client.get(f"{DOC}.{suffix}")
    assert response.status_code == 200
    assert response.content_type.startswith(media_type)
    data = Dataset() if suffix in ("trig", "nq") else Graph()
    data.parse(data=response.get_data(), format=rdflib_format)
    triples = {(s, p, o) for s, p, o, *_ in (data.quads() if isinstance(data, Dataset) else data)}
    subject = URIRef(f"{PLAN}/initiative/7-1-2")
    assert (subject, DCTERMS.title, Literal("魅力発信力の強化", lang="ja")) in triples
    assert (URIRef(f"{PLAN}/policy/7-1"), JCP.hasInitiative, subject) in triples  # what points here
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_named_graphs_are_kept_in_graph_formats(client):
    data = Dataset()
    data.parse(data=client.get("/doc/272116/5th/policy/7-5.trig").get_data(), format="trig")
    graphs = {str(g.identifier) for g in data.graphs() if len(g)}
    assert f"{PLAN}/graph/plan" in graphs
    assert f"{PLAN}/graph/sdg-suggestions" in graphs


def test_etag_and_last_modified_give_304(client):
    first = client.get(f"{DOC}.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(f"{DOC}.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"{DOC}.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(f"{DOC}.ttl", headers={"If-None-Match": '"other"'}).status_code == 200
    html = client.get(f"{DOC}.html")
    assert html.headers["ETag"] != etag
    assert client.get(f"{DOC}.html", headers={"If-None-Match": html.headers["ETag"]}).status_code == 304


def test_language_changes_the_etag_of_pages(client):
    ja = client.get(f"{DOC}.html", headers={"Accept-Language": "ja"})
    en = client.get(f"{DOC}.html", headers={"Accept-Language": "en"})
    assert ja.headers["ETag"] != en.headers["ETag"]
    assert "Accept-Language" in en.headers["Vary"]


def test_gzip(client):
    response = client.get(f"{DOC}.html", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.get_data()).decode("utf-8")


def test_unknown_iri_is_a_helpful_404(client):
    response = client.get("/id/272116/5th/initiative/7-1-9", headers={"Accept": FIREFOX})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "/id/272116/5th/initiative" not in body or 'href="/search"' in body
    assert 'href="/search"' in body and 'href="/"' in body
    assert "https://w3id.org/jp-cityplan/id/272116/5th/initiative/7-1-9" in body
    plain = client.get("/id/272116/5th/initiative/7-1-9", headers={"Accept": "text/turtle"})
    assert plain.status_code == 404 and plain.content_type.startswith("text/plain")


def test_404_suggests_the_nearest_existing_parent(client):
    body = client.get("/id/272116/5th/nothing/here", headers={"Accept": FIREFOX}).get_data(as_text=True)
    assert 'href="/id/272116/5th"' in body


def test_every_iri_of_the_data_is_served(client, compiled):
    subjects = {
        str(s).split("#", 1)[0]
        for s, _, _, g in compiled.dataset.quads((None, None, None, None))
        if isinstance(s, URIRef) and str(s).startswith("https://w3id.org/jp-cityplan/id/")
    }
    assert len(subjects) > 100
    for iri in sorted(subjects):
        path = iri.removeprefix("https://w3id.org/jp-cityplan")
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 303, path
        assert client.get(response.headers["Location"]).status_code == 200, path


def test_ontology_is_served_at_def(client):
    response = client.get("/def", headers={"Accept": "text/turtle"})
    assert response.headers["Location"] == "/doc/def.ttl"
    graph = Graph().parse(data=client.get("/doc/def.ttl").get_data(), format="turtle")
    assert (JCP.Initiative, None, None) in graph
    page = client.get("/doc/def.html").get_data(as_text=True)
    assert "Initiative" in page


def test_source_text_and_its_lines(client, source_lines):
    text = client.get("/doc/272116/5th/source.txt")
    assert text.content_type == "text/plain; charset=utf-8"
    assert text.get_data(as_text=True).split("\n") == source_lines
    assert (
        client.get("/id/272116/5th/source", headers={"Accept": "text/plain"}).headers["Location"].endswith("source.txt")
    )
    page = client.get("/doc/272116/5th/source.html").get_data(as_text=True)
    assert 'id="L89"' in page


def test_foreign_iris_are_browsable(client):
    response = client.get("/browse?iri=http://metadata.un.org/sdg/5", headers={"Accept-Language": "ja"})
    assert response.status_code == 200
    assert "ジェンダー平等を実現しよう" in response.get_data(as_text=True)
    assert client.get("/browse?iri=http://example.org/nothing").status_code == 404


def test_hash_iris_are_part_of_their_document(client):
    graph = Graph().parse(data=client.get("/doc/272116/5th.ttl").get_data(), format="turtle")
    assert (URIRef(f"{PLAN}#period"), None, None) in graph


def test_head_requests(client):
    response = client.head(f"{DOC}.ttl")
    assert response.status_code == 200 and response.get_data() == b""


def test_embedded_json_ld_is_the_resource(client):
    page = client.get(f"{DOC}.html").get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    graph = Graph().parse(data=json.loads(script) and script, format="json-ld")
    assert (URIRef(f"{PLAN}/initiative/7-1-2"), DCTERMS.title, Literal("魅力発信力の強化", lang="ja")) in graph


# -- the ontology documented -------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology_page(app):
    client = app.test_client()
    response = client.get("/def", headers={"Accept": "text/html"})
    assert response.status_code == 303 and response.headers["Location"] == "/doc/def.html"
    return client.get(response.headers["Location"], headers={"Accept": "text/html"}).get_data(as_text=True)


def test_def_documents_every_term_in_order_with_both_languages(ontology_page):
    from planlod.config import ONTOLOGY_DIR
    from planlod.vocab import OWL, RDF, RDFS, SKOS

    ontology = Graph().parse(ONTOLOGY_DIR / "plan.ttl", format="turtle")
    sections = re.findall(r'<section class="term" id="([A-Za-z]+)"', ontology_page)
    classes = sorted(str(c)[len(str(JCP)) :] for c in ontology.subjects(RDF.type, OWL.Class) if c.startswith(JCP))
    assert sections[: len(classes)] == classes  # classes first, alphabetically
    documented = {str(t)[len(str(JCP)) :] for t in ontology.subjects() if isinstance(t, URIRef) and t.startswith(JCP)}
    assert documented - set(sections) == set()
    # Measured: no definition was shown, in either language.
    for term in (JCP.Initiative, JCP.goal, JCP.mentions):
        for prop in (RDFS.label, SKOS.definition):
            for text in ontology.objects(term, prop):
                assert html_text(text) in ontology_page, (term, prop, text.language)
    initiative = ontology_page.split('id="Initiative"', 1)[1].split('<section class="term"', 1)[0]
    assert '<a href="#initiativeOf"><code>jcp:initiativeOf</code></a>' in initiative  # its properties
    assert "prov:Plan" in initiative  # its alignment
    assert "dcterms:title" in initiative and "skos:notation" in initiative  # what it carries
    goal = ontology_page.split('id="goal"', 1)[1].split('<section class="term"', 1)[0]
    assert '<a href="#Initiative"><code>jcp:Initiative</code></a>' in goal and "rdf:langString" in goal


def html_text(text) -> str:
    import html

    return html.escape(str(text), quote=False)


def test_def_is_not_headed_as_the_citys_word_and_links_only_what_exists(client, ontology_page):
    # Measured: 「計画の本文(市の記述)」 headed the ontology's description; 12 links led to blank nodes (404).
    assert "計画の本文(市の記述)" not in ontology_page
    hrefs = set(re.findall(r'href="([^"]+)"', ontology_page))
    anchors = set(re.findall(r'id="([^"]+)"', ontology_page))
    for target in hrefs:
        if target.startswith("#"):
            assert target[1:] in anchors, target
        else:
            response = client.get(target)
            assert response.status_code < 400, target
            response.close()
    # /def#Initiative leads to the term's section, which does not link to itself.
    section = ontology_page.split('id="Initiative"', 1)[1].split('<section class="term"', 1)[0]
    assert 'href="#Initiative"' not in section and 'href="/def#Initiative"' not in section


def test_def_diagram_is_drawn_from_the_ontology(client):
    import shutil

    if shutil.which("dot") is None:
        from tests.conftest import require_tool

        require_tool("no Graphviz (dot) for the ontology diagram: apt-get install graphviz")
    response = client.get("/def/diagram.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and "Initiative" in svg and "取組" in svg and 'href="#Policy"' in svg
