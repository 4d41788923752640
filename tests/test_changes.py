"""The change feed: each build records what it added, removed and changed, for harvesters."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef

from planlod import build
from planlod.changes import CHANGES_FILE
from planlod.config import Settings

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The real plan built, then one paragraph edited (a commitment of 7-1-2) and built again."""
    import shutil

    from planlod.config import ROOT

    data = tmp_path_factory.mktemp("changes-data")
    shutil.copytree(ROOT / "data" / "272116-ibaraki-5th", data / "272116-ibaraki-5th")
    settings = Settings(data_dir=data, build_dir=tmp_path_factory.mktemp("changes-build"))
    first = build.run(settings).release
    source = data / "272116-ibaraki-5th" / "source.txt"
    text = source.read_text(encoding="utf-8")
    edited = text.replace("企業や団体の情報発信に茨木市の地域色を積極的に取り込みます。",
                          "企業や団体の情報発信に茨木市の地域色を取り込みます。")  # fmt: skip
    assert edited != text
    source.write_text(edited, encoding="utf-8")
    second = build.run(settings).release
    return settings, first, second


def test_one_edited_paragraph_is_exactly_one_change(rebuilt):
    _, first, second = rebuilt
    history = json.loads((second / CHANGES_FILE).read_text(encoding="utf-8"))
    latest, initial = history["builds"]
    assert latest["release"] == second.name and initial["release"] == first.name
    assert latest["changed"] == [f"{PLAN}/initiative/7-1-2/commitment/business"]
    assert latest["added"] == [] and latest["removed"] == []
    assert f"{PLAN}/initiative/7-1-2" in initial["added"]
    assert history["version"] == 2


def test_an_unchanged_rebuild_adds_no_entry(tmp_path, data_copy):
    settings = Settings(data_dir=data_copy(), build_dir=tmp_path / "b")
    build.run(settings)
    again = build.run(settings).release
    assert len(json.loads((again / CHANGES_FILE).read_text(encoding="utf-8"))["builds"]) == 1


def test_feeds(rebuilt):
    from server import create_app

    settings, _, second = rebuilt
    app = create_app(settings)
    client = app.test_client()
    try:
        atom = client.get("/changes", headers={"Accept": "application/atom+xml"})
        assert atom.content_type.startswith("application/atom+xml")
        feed = ET.fromstring(atom.get_data())
        entries = feed.findall(f"{ATOM}entry")
        first = entries[0]
        assert first.find(f"{ATOM}category").get("term") == "changed"
        assert first.find(f"{ATOM}link").get("href").endswith("/id/272116/5th/initiative/7-1-2/commitment/business")
        collection = json.loads(client.get("/changes.json").get_data())
        assert collection["type"] == "OrderedCollection"
        stream = json.loads(client.get(collection["first"].removeprefix("http://localhost")).get_data())
        assert stream["type"] == "OrderedCollectionPage" and stream["partOf"] == collection["id"]
        assert stream["orderedItems"][0] == {
            "type": "Update",
            "object": f"{PLAN}/initiative/7-1-2/commitment/business",
            "published": stream["orderedItems"][0]["published"],
            "summary": f"changed in {second.name}",
        }
        assert client.get("/changes", headers={"Accept": "application/activity+json"}).get_json()["totalItems"] > 100
        catalog = Graph().parse(data=client.get("/catalog").get_data(), format="turtle")
        dataset = URIRef(f"{PLAN}/dataset")
        assert str(catalog.value(dataset, URIRef("http://www.w3.org/ns/dcat#version"))) == second.name
        assert catalog.value(dataset, URIRef("http://purl.org/dc/terms/modified")) is not None
    finally:
        app.extensions["planlod"].close()


def test_a_running_server_follows_a_new_build(tmp_path, data_copy):
    from server import create_app

    data = data_copy()
    settings = Settings(data_dir=data, build_dir=tmp_path / "b")
    build.run(settings)
    app = create_app(settings)
    client = app.test_client()
    path = "/doc/272116/5th/initiative/7-1-2/commitment/business.ttl"
    try:
        assert "積極的に取り込みます".encode() in client.get(path).get_data()
        source = data / "272116-ibaraki-5th" / "source.txt"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("地域色を積極的に取り込みます", "地域色を取り込みます"), encoding="utf-8")
        new = build.run(settings).release
        body = client.get(path).get_data()
        assert "地域色を取り込みます".encode() in body and "積極的に取り込みます".encode() not in body
        assert app.extensions["planlod"].release_id == new.name
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert client.get("/sparql", query_string={"query": query}).status_code == 200
    finally:
        app.extensions["planlod"].close()
