"""For harvesters: a DCAT-AP catalogue CKAN can read, VoID, dumps with ETags, sitemap and robots.txt."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef

from planlod.dumps import PLANS_DIR
from planlod.vocab import DCAT, DCTERMS, FOAF, RDF, VOID

ROOT = "http://localhost/"


def catalog(client, accept="*/*", fmt="turtle") -> Graph:
    response = client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(), format=fmt)


def test_harvesters_get_rdf_for_any_accept(client):
    # ckanext-dcat sends python-requests' default `Accept: */*`, after a HEAD request.
    assert client.head("/catalog").status_code == 200
    response = client.get("/catalog", headers={"Accept": "*/*"})
    assert response.content_type.startswith("text/turtle")
    assert client.get("/catalog", headers={"Accept": "application/rdf+xml"}).content_type.startswith(
        "application/rdf+xml"
    )


def test_dcat_ap_catalogue(client):
    graph = catalog(client)
    (cat,) = graph.subjects(RDF.type, DCAT.Catalog)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, FOAF.homepage, DCAT.dataset, DCAT.service):
        assert graph.value(cat, prop) is not None, prop
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert str(dataset) == "https://w3id.org/jp-cityplan/id/272116/5th/dataset"
    titles = {t.language for t in graph.objects(dataset, DCTERMS.title)}
    assert titles == {"ja", "en"}
    for prop in (DCTERMS.description, DCTERMS.publisher, DCTERMS.license, DCTERMS.spatial, DCAT.theme,
                 DCAT.contactPoint, DCAT.keyword, DCTERMS.issued, DCTERMS.modified):  # fmt: skip
        assert graph.value(dataset, prop) is not None, prop
    assert graph.value(dataset, DCTERMS.spatial) == URIRef("http://data.e-stat.go.jp/lod/sac/C27211")


def test_one_distribution_per_dump_and_the_endpoint_as_a_service(client):
    graph = catalog(client)
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    dists = list(graph.objects(dataset, DCAT.distribution))
    downloads = {str(graph.value(d, DCAT.downloadURL)) for d in dists if graph.value(d, DCAT.downloadURL)}
    for name in ("dataset.ttl", "dataset.nt.gz", "dataset.jsonld"):
        assert f"{ROOT}data/272116/5th/{name}" in downloads
    for dist in graph.objects(dataset, DCAT.distribution):
        assert graph.value(dist, DCAT.accessURL) is not None
        assert graph.value(dist, DCTERMS.license) is not None
    (service,) = graph.subjects(RDF.type, DCAT.DataService)
    assert graph.value(service, DCAT.endpointURL) == URIRef(f"{ROOT}sparql")
    assert (service, DCAT.servesDataset, dataset) in graph
    # every download URL answers
    for url in downloads:
        with client.get(url.removeprefix(ROOT.rstrip("/"))) as response:  # a file response: close it
            assert response.status_code == 200, url


def test_ckan_paging_ends_with_404(client):
    assert client.get("/catalog?page=1").status_code == 200
    assert client.get("/catalog?page=2").status_code == 404


def test_void(client):
    graph = Graph().parse(data=client.get("/.well-known/void").get_data(), format="turtle")
    (dataset,) = graph.subjects(VOID.sparqlEndpoint, None)  # the site; its subsets are plans and graphs
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{ROOT}sparql")
    assert graph.value(dataset, VOID.uriSpace).startswith("https://w3id.org/jp-cityplan/id/")
    assert int(graph.value(dataset, VOID.triples)) > 2000
    assert len(list(graph.objects(dataset, VOID.dataDump))) >= 3


def fetch(client, path, **headers):
    with client.get(path, headers=headers) as response:
        return response.status_code, response.headers, response.get_data()


def test_dumps_parse_and_revalidate(client):
    status, headers, body = fetch(client, "/data/dataset.ttl")
    assert headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) > 2000
    assert fetch(client, "/data/dataset.ttl", **{"If-None-Match": headers["ETag"]})[0] == 304
    _, _, body = fetch(client, "/data/dataset.nt.gz")
    assert len(Graph().parse(data=gzip.decompress(body), format="nt")) > 2000
    _, headers, body = fetch(client, "/data/dataset.jsonld")
    assert headers["Content-Type"].startswith("application/ld+json")
    assert client.get("/data/../stats.json").status_code == 404
    assert client.get("/data/secret.txt").status_code == 404


def test_sitemap_lists_every_page(client):
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").get_data())
    locations = []
    for sitemap in index.iter(f"{namespace}loc"):
        urlset = ET.fromstring(client.get(sitemap.text.removeprefix(ROOT.rstrip("/"))).get_data())
        locations += [el.text for el in urlset.iter(f"{namespace}loc")]
    assert f"{ROOT}doc/272116/5th/initiative/7-1-2.html" in locations
    assert len(locations) > 100
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {ROOT}sitemap.xml" in robots


@pytest.fixture
def planted(release, tmp_path):
    """A copy of the release with symlinks planted where a dump and a plan's folder were, and a
    directory where another dump was."""
    import shutil

    from planlod.config import Settings
    from server import create_app

    build_dir = tmp_path / "build"
    copy = build_dir / "releases" / release.name
    shutil.copytree(release, copy, symlinks=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the public\n")
    (copy / "dataset.ttl").unlink()
    (copy / "dataset.ttl").symlink_to(secret)
    (copy / "dataset.nt").unlink(missing_ok=True)
    (copy / "dataset.nt").symlink_to(copy / "dataset.nq")  # even inside the release
    (copy / "dataset.jsonld").unlink()
    (copy / "dataset.jsonld").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "dataset.ttl").write_text("not for the public\n")
    plan_folder = copy / PLANS_DIR / "272116" / "5th"
    shutil.rmtree(plan_folder)
    plan_folder.symlink_to(elsewhere)
    (build_dir / "current").symlink_to(copy.relative_to(build_dir))
    app = create_app(Settings(build_dir=build_dir))
    yield app.test_client()
    app.extensions["planlod"].close()


def test_data_serves_only_regular_files_of_the_release(planted):
    """Reported: /data/ followed symlinks in a release."""
    for path in ("dataset.ttl", "dataset.nt", "dataset.jsonld", "272116/5th/dataset.ttl"):
        response = planted.get(f"/data/{path}")
        assert response.status_code == 404, path
        assert b"not for the public" not in response.data
    assert fetch(planted, "/data/dataset.trig")[0] == 200  # the files that are files still are
