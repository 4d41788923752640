"""How crawlers and harvesters find their way around the two-plan site: VoID, sitemaps,
the catalogue page in either language, and the change feeds, paged and served by every
replica (also behind an external store)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import running_oxigraph
from rdflib import Graph, Literal, URIRef

from planlod.vocab import JCP, RDF, SKOS, VOID
from server.catalog import SITEMAP_LIMIT, chunks
from server.changes import PAGE_SIZE

BASE = "https://w3id.org/jp-cityplan/"
ROOT = "http://localhost"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
PLANS = ("272116/5th", "999997/1st")


@pytest.fixture(scope="module")
def client(two_plan_app):
    return two_plan_app.test_client()


@pytest.fixture(scope="module")
def void(client) -> Graph:
    return Graph().parse(data=client.get("/.well-known/void").get_data(), format="turtle")


def test_void_has_a_subset_per_plan_and_per_named_graph(void, client, two_plan_release):
    (site,) = void.subjects(VOID.sparqlEndpoint, None)
    stats = json.loads((two_plan_release / "stats.json").read_text(encoding="utf-8"))
    for key in PLANS:
        plan = URIRef(f"{BASE}id/{key}/dataset")
        assert (site, VOID.subset, plan) in void
        assert str(void.value(plan, VOID.uriSpace)) == f"{BASE}id/{key}/"
        dumps = {str(d) for d in void.objects(plan, VOID.dataDump)}
        assert f"{ROOT}/data/{key}/dataset.nq" in dumps
        graphs = {str(g) for g in void.objects(plan, VOID.subset) if str(g).startswith(f"{BASE}id/{key}/graph/")}
        assert graphs == {g for g in stats["graphs"] if g.startswith(f"{BASE}id/{key}/graph/")}
        # a plan's triples are its graphs' triples; its N-Quads dump holds exactly those
        counts = [int(void.value(URIRef(g), VOID.triples)) for g in graphs]
        assert int(void.value(plan, VOID.triples)) == sum(counts)
        with client.get(f"/data/{key}/dataset.nq") as response:
            assert len(response.get_data().splitlines()) == sum(counts)


def test_void_describes_the_sdg_suggestions_and_the_accepted_links_as_linksets(void):
    sdg = URIRef(f"{BASE}id/272116/5th/graph/sdg-suggestions")
    (linkset,) = void.objects(sdg, VOID.subset)
    assert (linkset, RDF.type, VOID.Linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == JCP.suggestedGoal
    assert void.value(linkset, VOID.objectsTarget) == URIRef(f"{BASE}def/sdg-goals")
    assert int(void.value(linkset, VOID.triples)) > 10
    linksets = void.subjects(RDF.type, VOID.Linkset)
    accepted = [ls for ls in linksets if void.value(ls, VOID.linkPredicate) == SKOS.closeMatch]
    assert len(accepted) == 1
    fictional = URIRef(f"{BASE}id/999997/1st/dataset")
    assert (fictional, VOID.subset, accepted[0]) in void
    assert void.value(accepted[0], VOID.objectsTarget) == URIRef(f"{BASE}id/272116/5th/dataset")
    assert void.value(accepted[0], VOID.triples) == Literal(1)


def test_void_lists_every_vocabulary_used(void, two_plan_release):
    from pyoxigraph import RdfFormat, parse

    (site,) = void.subjects(VOID.sparqlEndpoint, None)
    listed = {str(v) for v in void.objects(site, VOID.vocabulary)}
    used = set()
    for quad in parse(path=two_plan_release / "dataset.nq", format=RdfFormat.N_QUADS):
        used.add(quad.predicate.value)
        if quad.predicate.value == str(RDF.type):
            used.add(quad.object.value)
    for term in used:
        assert any(term.startswith(v) and "/" not in term[len(v):].strip("#") for v in listed), term
    for expected in ("http://imi.go.jp/ns/core/rdf#", "http://www.w3.org/ns/dqv#", "http://rdfs.org/ns/void#"):
        assert expected in listed


def test_sitemap_index_lists_per_plan_sitemaps_of_documents_that_answer_200(client):
    index = ET.fromstring(client.get("/sitemap.xml").get_data())
    assert index.tag == f"{SITEMAP}sitemapindex"
    sitemaps = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    for key in PLANS:
        assert f"{ROOT}/sitemaps/{key}-1.xml" in sitemaps
    seen = set()
    for url in sitemaps:
        urlset = ET.fromstring(client.get(url.removeprefix(ROOT)).get_data())
        locations = [loc.text for loc in urlset.iter(f"{SITEMAP}loc")]
        assert 0 < len(locations) <= SITEMAP_LIMIT
        for location in locations:
            assert location not in seen
            seen.add(location)
            assert not location.startswith(f"{ROOT}/id/"), location  # identifiers answer 303
            assert client.get(location.removeprefix(ROOT)).status_code == 200, location
    assert f"{ROOT}/doc/272116/5th/initiative/7-1-2.html" in seen
    assert f"{ROOT}/doc/999997/1st/policy/2-1.html" in seen
    assert client.get("/sitemaps/272116/6th-1.xml").status_code == 404


def test_a_plan_of_more_documents_than_a_sitemap_takes_is_cut_into_several():
    paths = [f"/doc/{n}.html" for n in range(2 * SITEMAP_LIMIT + 1)]
    cut = chunks(paths)
    assert [len(c) for c in cut] == [SITEMAP_LIMIT, SITEMAP_LIMIT, 1]
    assert [p for c in cut for p in c] == paths
    assert chunks([]) == [[]]


@pytest.mark.parametrize(("asked", "expected", "other"), [
    ({"query_string": {"lang": "en"}}, "The 5th Comprehensive Plan of Ibaraki City", "第5次茨木市総合計画"),
    ({"headers": {"Accept-Language": "en"}}, "The 5th Comprehensive Plan of Ibaraki City", "第5次茨木市総合計画"),
    ({"query_string": {"lang": "ja"}}, "第5次茨木市総合計画", "The 5th Comprehensive Plan of Ibaraki City"),
])  # fmt: skip
def test_the_catalogue_page_is_in_the_asked_language(client, asked, expected, other):
    for language in ("ja", "en"):  # whichever was rendered (and cached) first
        client.get("/catalog.html", query_string={"lang": language})
    html = client.get("/catalog.html", **asked).get_data(as_text=True)
    assert f"<h2 id=\"d-1\">{expected}" in html and f"<h2 id=\"d-1\">{other}" not in html


def test_the_atom_feed_is_paged_as_rfc_5005_says(client):
    items = []
    url, pages = "/changes", 0
    while url:
        feed = ET.fromstring(client.get(url, headers={"Accept": "application/atom+xml"}).get_data())
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        entries = feed.findall(f"{ATOM}entry")
        assert 0 < len(entries) <= PAGE_SIZE
        assert links["first"] == f"{ROOT}/changes?page=1"
        items += [entry.find(f"{ATOM}id").text for entry in entries]
        pages += 1
        url = links.get("next", "").removeprefix(ROOT)
    assert pages > 1 and links["last"] == f"{ROOT}/changes?page={pages}"
    assert len(items) == len(set(items))
    collection = client.get("/changes.json").get_json()
    assert collection["totalItems"] == len(items)
    assert client.get(f"/changes?page={pages + 1}").status_code == 404


def test_the_activity_stream_is_an_ordered_collection_of_pages(client):
    collection = client.get("/changes.json").get_json()
    assert collection["type"] == "OrderedCollection" and "orderedItems" not in collection
    items, url = [], collection["first"]
    while url:
        page = client.get(url.removeprefix(ROOT)).get_json()
        assert page["type"] == "OrderedCollectionPage" and page["partOf"] == collection["id"]
        assert page["startIndex"] == len(items)
        items += page["orderedItems"]
        url = page.get("next")
    assert url is None and page["id"] == collection["last"]
    assert len(items) == collection["totalItems"] > PAGE_SIZE
    assert {item["type"] for item in items} == {"Create"}


def test_a_replica_behind_an_external_store_serves_the_history(two_plan_settings, two_plan_release, tmp_path, client):
    from planlod.publish import StoreEndpoints, publish
    from server import create_app

    with running_oxigraph(tmp_path) as url:
        store = f"sparql+{url}/query"
        publish(two_plan_release, StoreEndpoints.from_setting(store), two_plan_settings.base_iri)
        replica = create_app(two_plan_settings.with_(store=store))
        try:
            remote = replica.test_client()
            assert remote.get("/changes.json").get_json() == client.get("/changes.json").get_json()
            for path in ("/changes?page=2", "/changes.json?page=2"):
                response = remote.get(path)
                assert response.status_code == 200
                assert response.get_data() == client.get(path).get_data()
        finally:
            replica.extensions["planlod"].close()
