"""HTML results within limits: one page of rows, cut and counted in the query worker, with paging and downloads."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pyoxigraph as ox
import pytest

from planlod import store as stores
from planlod.querypool import QueryRequest, execute
from planlod.vocab import JCP

EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
INITIATIVES = f"SELECT ?i WHERE {{ ?i a <{JCP.Initiative}> }} ORDER BY ?i"


def rows_of(page: str) -> int:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


def links_of(page: str) -> dict[str, str]:
    found = dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)"', page))
    found.update((label, href) for href, label in re.findall(r'<a class="download" href="([^"]+)">([^<]+)</a>', page))
    return {name: html.unescape(href) for name, href in found.items()}


def total_of(client, query: str) -> int:
    counted = query.replace("SELECT ?s ?p ?o", "SELECT (COUNT(*) AS ?n)")
    response = client.get("/sparql", query_string={"query": counted}, headers={"Accept": "application/json"})
    return int(json.loads(response.get_data())["results"]["bindings"][0]["n"]["value"])


def test_a_large_answer_is_shown_one_page_at_a_time(client, app):
    limit = app.config["PLANLOD"].html_rows
    total = total_of(client, EVERYTHING)
    assert total > 2 * limit  # the real data: thousands of triples
    page = client.post("/sparql", data={"query": EVERYTHING, "format": "html"}).get_data(as_text=True)
    assert rows_of(page) == limit
    assert f"{total} " in page  # the count of the whole answer
    links = links_of(page)
    assert "prev" not in links
    second = client.get(links["next"]).get_data(as_text=True)
    assert rows_of(second) == limit and "prev" in links_of(second)
    whole = client.get(links["CSV"])
    assert whole.content_type.startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(whole.get_data(as_text=True))))) == total + 1


def test_pages_follow_the_setting(settings, release):
    from server import create_app

    app = create_app(settings.with_(html_rows=7, query_timeout=3.0))
    try:
        client = app.test_client()
        sizes = []
        page = client.post("/sparql", data={"query": INITIATIVES, "format": "html"}).get_data(as_text=True)
        while True:
            sizes.append(rows_of(page))
            following = links_of(page).get("next")
            if following is None:
                break
            page = client.get(following).get_data(as_text=True)
        assert sizes == [7, 7, 7, 2]  # 23 initiatives
        assert "4 / 4" in page
    finally:
        app.extensions["planlod"].close()


def test_a_bad_page_number_is_400(client):
    response = client.get("/sparql", query_string={"query": INITIATIVES, "format": "html", "page": "0"})
    assert response.status_code == 400


@pytest.fixture(scope="module")
def store(release):
    return ox.Store.read_only(str(release / stores.STORE_DIR))


def test_the_worker_answers_a_page_not_the_answer(store):
    answer = execute(store, QueryRequest(EVERYTHING, result_format="rows", row_offset=10, row_limit=5))
    page = json.loads(answer.body)
    assert answer.kind == "rows" and page["vars"] == ["s", "p", "o"]
    assert len(page["rows"]) == 5 and page["truncated"]
    assert page["total"] == len(list(store.query(EVERYTHING, use_default_graph_as_union=True)))
    assert len(answer.body) < 10_000


def test_ask_and_construct_pages(store):
    ask = json.loads(execute(store, QueryRequest("ASK { ?s ?p ?o }", result_format="rows")).body)
    assert ask["boolean"] is True
    construct = f"CONSTRUCT {{ ?p <{JCP.hasInitiative}> ?i }} WHERE {{ ?p <{JCP.hasInitiative}> ?i }}"
    graph = json.loads(execute(store, QueryRequest(construct, result_format="rows", row_limit=3)).body)
    assert graph["vars"] == ["subject", "predicate", "object"] and graph["total"] == 23 and len(graph["rows"]) == 3
