"""The SPARQL endpoint: the 1.1 Protocol with real clients, and what a public endpoint refuses."""

from __future__ import annotations

import csv
import io
import json
import threading
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from planlod.vocab import JCP
from tests.conftest import connected

COUNT = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> SELECT (COUNT(?i) AS ?n) WHERE { ?i a jcp:Initiative }"
CONSTRUCT = (
    "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> "
    "CONSTRUCT { ?p jcp:hasInitiative ?i } WHERE { ?p jcp:hasInitiative ?i }"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def count_of(response) -> int:
    return int(json.loads(response.get_data())["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_direct(client):
    assert count_of(client.get("/sparql", query_string={"query": COUNT})) == 23
    assert count_of(client.post("/sparql", data={"query": COUNT})) == 23
    direct = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query")
    assert count_of(direct) == 23
    assert direct.content_type.startswith("application/sparql-results+json")
    assert direct.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_formats(client, accept, media_type):
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.content_type.startswith(media_type)
    body = response.get_data(as_text=True)
    if media_type.endswith("json"):
        assert count_of(response) == 23
    elif media_type.endswith("xml"):
        assert "23" in ET.fromstring(body).itertext()
    elif media_type == "text/csv":
        assert list(csv.reader(io.StringIO(body))) == [["n"], ["23"]]
    else:
        assert body.splitlines() == ["?n", "23"]  # TSV writes terms in Turtle syntax


def test_ask(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert json.loads(response.get_data())["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
     ("application/rdf+xml", "xml")],
)  # fmt: skip
def test_construct_in_every_rdf_format(client, accept, rdflib_format):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(), format=rdflib_format)
    assert len(graph) == 23


def test_describe(client):
    query = "DESCRIBE <https://w3id.org/jp-cityplan/id/272116/5th/initiative/7-1-2>"
    graph = Graph().parse(data=client.get("/sparql", query_string={"query": query}).get_data(), format="turtle")
    assert (URIRef("https://w3id.org/jp-cityplan/id/272116/5th/initiative/7-1-2"), JCP.initiativeOf, None) in graph


def test_service_description_without_a_query(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), None) in graph
    assert (None, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    assert "<form" in client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)


def test_query_page_offers_the_example_queries(client):
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    for name in ("plan-structure", "glossary", "sector-plans", "actor-matrix"):
        assert name in html


def test_html_results_work_without_javascript(client):
    response = client.post("/sparql", data={"query": COUNT, "format": "html"})
    assert response.content_type.startswith("text/html")
    assert "<td><span>23</span></td>" in response.get_data(as_text=True)


def test_dataset_from_the_protocol(client):
    graph = "https://w3id.org/jp-cityplan/id/272116/5th/graph/sdg-suggestions"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/jp-cityplan/def#Initiative> }"
    response = client.get("/sparql", query_string={"query": query, "default-graph-uri": graph})
    assert count_of(response) == 0  # initiatives are typed in the plan graph, not the suggestions
    local = client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}"})
    assert local.status_code == 200 and count_of(local) > 0


# -- what a public endpoint refuses -------------------------------------------------


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-update"},
        {"method": "GET", "query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "GET", "query_string": {"query": "# comment\nDELETE WHERE { ?s ?p ?o }"}},
    ],
)
def test_updates_are_forbidden(client, request_kwargs):
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert count_of(client.get("/sparql", query_string={"query": COUNT})) == 23


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE # hidden\n <{url}> {{ ?s ?p ?o }} }}",
        "PREFIX r: <{url}> SELECT * WHERE {{ SERVICE r: {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_never_contacted(client, listener, template):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    response = client.get("/sparql", query_string={"query": template.format(url=url)})
    assert response.status_code == 400
    assert "SERVICE is refused" in response.get_data(as_text=True)
    assert not connected(listener)


def test_keywords_inside_strings_are_not_refused(client):
    query = 'SELECT ?x WHERE { BIND("SERVICE LOAD INSERT" AS ?x) }'
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_load_is_refused_and_never_contacted(client, listener):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    for request in ({"data": {"query": f"LOAD <{url}>"}},
                    {"data": f"LOAD <{url}>".encode(), "content_type": "application/sparql-update"}):  # fmt: skip
        load = client.post("/sparql", **request)
        assert load.status_code == 403 and "read-only" in load.get_data(as_text=True)
    assert not connected(listener)


def empty_answer(response) -> bool:
    return response.status_code == 200 and json.loads(response.get_data())["results"]["bindings"] == []


def test_unknown_graphs_are_empty_and_never_fetched(client, listener):
    """SPARQL 1.1 Protocol: a graph the store does not have is an empty graph; nothing is fetched."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
    accept = {"Accept": "application/sparql-results+json"}
    asked = [
        {"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": url},
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": url},
    ]
    for query_string in asked:
        assert empty_answer(client.get("/sparql", query_string=query_string, headers=accept)), query_string
    assert not connected(listener)


def test_oversized_query_is_refused(client, app):
    limit = app.config["PLANLOD"].max_query_bytes
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    assert client.post("/sparql", data={"query": query}).status_code == 413
    assert client.post("/sparql", data=query.encode(), content_type="application/sparql-query").status_code == 413


def test_syntax_error_is_a_clear_400(client):
    response = client.get("/sparql", query_string={"query": "SELEC ?x WHERE {}"})
    assert response.status_code == 400
    assert "syntax error" in response.get_data(as_text=True)


def test_runaway_query_is_stopped_while_others_are_answered(app):
    results: dict[str, object] = {}

    def runaway() -> None:
        response = app.test_client().get("/sparql", query_string={"query": RUNAWAY})
        results["runaway"] = (response.status_code, response.get_data(as_text=True))

    thread = threading.Thread(target=runaway)
    thread.start()
    meanwhile = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert meanwhile.status_code == 200 and count_of(meanwhile) == 23
    thread.join(timeout=120)
    assert not thread.is_alive(), "the runaway query was not stopped"
    status, body = results["runaway"]
    assert status == 503 and "limit of 3 s" in body
    # The killed worker was replaced: the endpoint still answers.
    assert count_of(app.test_client().get("/sparql", query_string={"query": COUNT})) == 23


def test_cors_preflight(client):
    response = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code in (200, 204)
    assert response.headers.get("Access-Control-Allow-Origin") == "*"


# -- real clients over HTTP -------------------------------------------------------------


def test_sparqlwrapper_select_json_and_xml(live_server):
    endpoint = SPARQLWrapper(f"{live_server}/sparql")
    endpoint.setQuery(COUNT)
    endpoint.setReturnFormat(JSON)
    assert endpoint.query().convert()["results"]["bindings"][0]["n"]["value"] == "23"
    endpoint.setReturnFormat(XML)
    assert "23" in endpoint.query().convert().toxml()
    endpoint.setReturnFormat(CSV)
    assert endpoint.query().convert().decode().splitlines() == ["n", "23"]


def test_sparqlwrapper_post_and_construct(live_server):
    endpoint = SPARQLWrapper(f"{live_server}/sparql")
    endpoint.setMethod("POST")
    endpoint.setQuery(CONSTRUCT)
    endpoint.setReturnFormat(TURTLE)
    graph = Graph().parse(data=endpoint.query().convert(), format="turtle")
    assert len(graph) == 23


def test_rdflib_dereferences_over_http(live_server):
    graph = Graph()
    graph.parse(f"{live_server}/id/272116/5th/policy/7-1")
    assert (URIRef("https://w3id.org/jp-cityplan/id/272116/5th/policy/7-1"), JCP.hasInitiative, None) in graph


def test_every_example_on_the_query_page_answers(client):
    import html as html_module
    import re

    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    examples = re.findall(r'<template id="example-\d+">(.*?)</template>', page, re.DOTALL)
    assert len(examples) >= 10
    for text in examples:
        response = client.post("/sparql", data={"query": html_module.unescape(text)},
                               headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        assert response.status_code == 200, text[:80]
        assert json.loads(response.get_data())["results"]["bindings"], f"no rows: {text[:80]}"


# -- SPARQL 1.1 Protocol corner cases (issue 14) -------------------------------------------------


def test_from_is_honoured_not_replaced_by_the_union(client):
    graph = "https://w3id.org/jp-cityplan/id/272116/5th/graph/sdg-suggestions"
    from_suggestions = f"SELECT (COUNT(?i) AS ?n) FROM <{graph}> WHERE {{ ?i a <{JCP.Initiative}> }}"
    assert count_of(client.get("/sparql", query_string={"query": from_suggestions})) == 0
    assert count_of(client.get("/sparql", query_string={"query": COUNT})) == 23


def test_two_queries_are_400(client):
    twice = client.get("/sparql", query_string=[("query", COUNT), ("query", "ASK {}")])
    assert twice.status_code == 400 and "2 queries" in twice.get_data(as_text=True)
    mixed = client.post("/sparql?query=ASK%7B%7D", data={"query": COUNT})
    assert mixed.status_code == 400
    direct = client.post("/sparql?query=ASK%7B%7D", data=COUNT.encode(), content_type="application/sparql-query")
    assert direct.status_code == 400


def test_a_form_post_without_a_query_is_400_not_the_page(client):
    response = client.post("/sparql", data={"format": "json"}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "query=" in response.get_data(as_text=True)


@pytest.mark.parametrize("parameter", ["format", "output"])
def test_an_unknown_format_is_406_with_the_list(client, parameter):
    response = client.get("/sparql", query_string={"query": COUNT, parameter: "foo"})
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    assert "'foo'" in body and "application/sparql-results+json" in body and "text/csv" in body
    graph = client.get("/sparql", query_string={"query": CONSTRUCT, parameter: "csv"})
    assert graph.status_code == 406 and "text/turtle" in graph.get_data(as_text=True)
    page = client.get("/sparql", query_string={parameter: "foo"})
    assert page.status_code == 406


@pytest.mark.parametrize(("name", "media_type"), [("turtle", "text/turtle"), ("json", "application/ld+json"),
                                                  ("application/n-triples", "application/n-triples")])  # fmt: skip
def test_usual_format_names_are_understood(client, name, media_type):
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": name})
    assert response.status_code == 200 and response.content_type.startswith(media_type)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"headers": {"Accept": "text/html"}},  # the query page
        {"headers": {"Accept": "text/turtle"}},  # the service description
        {"query_string": {"query": COUNT}},
        {"query_string": {"query": COUNT}, "headers": {"Accept": "image/png"}},  # 406
        {"query_string": {"query": "SELEC"}, "headers": {"Accept": "text/html"}},  # an error on the page
        {"query_string": {"query": "SELEC"}},  # a Protocol error
    ],
)
def test_every_answer_varies_by_accept(client, request_kwargs):
    response = client.get("/sparql", **request_kwargs)
    assert "Accept" in response.vary


def test_negotiated_404_and_406_of_resources_vary_by_accept(client):
    missing = client.get("/id/272116/5th/initiative/99-99-99", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and "Accept" in missing.vary
    missing_doc = client.get("/doc/272116/5th/initiative/99-99-99", headers={"Accept": "text/html"})
    assert missing_doc.status_code == 404 and "Accept" in missing_doc.vary
    unacceptable = client.get("/id/272116/5th/initiative/7-1-2", headers={"Accept": "image/png"})
    assert unacceptable.status_code == 406 and "Accept" in unacceptable.vary
