"""What harvesters read from a site of two plans (the real one and the fictional fixture).

SEMIC's DCAT-AP 3.0.0 shapes (vendored in tests/dcat-ap/), CKAN's own RDF parser
(ckanext-dcat, in the environment .ci/run makes), and the plans' own dumps.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyshacl
import pytest
from conftest import FICTIONAL_PLAN, OPERATOR, REAL_PLAN, require_tool
from pyoxigraph import RdfFormat, parse
from rdflib import Graph, Literal, URIRef

from planlod import dataset as datasets
from planlod import pipeline
from planlod.catalog import VCARD
from planlod.config import ROOT
from planlod.vocab import DCAT, DCTERMS, FOAF, IC, RDF, SH, SKOS, WIKIDATA

DCAT_AP = Path(__file__).parent / "dcat-ap"
BASE = "https://w3id.org/jp-cityplan/"
PLANS = {"272116/5th": "茨木市", "999997/1st": "架空市"}
FOLDERS = {"272116/5th": REAL_PLAN.name, "999997/1st": FICTIONAL_PLAN.name}


@pytest.fixture(scope="module")
def client(two_plan_app):
    return two_plan_app.test_client()


@pytest.fixture(scope="module")
def catalogue(client) -> tuple[bytes, Graph]:
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    body = response.get_data()
    return body, Graph().parse(data=body, format="turtle")


def results(data: Graph, shapes: Path) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every result; RDFS inference as the EU ITB's DCAT-AP validator runs."""
    _, report, _ = pyshacl.validate(data, shacl_graph=Graph().parse(shapes), inference="rdfs")
    return sorted(
        (str(report.value(r, SH.resultSeverity)).split("#")[1], str(report.value(r, SH.focusNode)),
         str(report.value(r, SH.resultPath)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )  # fmt: skip


def test_catalogue_conforms_to_semic_dcat_ap_3(catalogue):
    _, graph = catalogue
    assert results(graph, DCAT_AP / "dcat-ap-SHACL.ttl") == []


def test_catalogue_fills_every_recommended_property_it_can(catalogue):
    _, graph = catalogue
    # Only a geometry (bounding box, centroid) of each place is missing: the plans have none to give.
    missing = {path for _, _, path in results(graph, DCAT_AP / "shapes_recommended.ttl")}
    assert missing <= {str(DCAT.bbox), str(DCAT.centroid)}


def test_catalogue_carries_no_source_text(catalogue):
    body, graph = catalogue
    assert all(len(str(o)) < 100 for o in graph.objects(None, RDF.value))
    source_line = (REAL_PLAN / "source.txt").read_text(encoding="utf-8").splitlines()[40].strip()
    assert source_line and source_line.encode() not in body
    assert max(len(str(o)) for o in graph.objects() if isinstance(o, Literal)) < 1000


def test_publisher_is_the_site_operator_and_the_contact_has_its_email(catalogue):
    _, graph = catalogue
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert Literal(OPERATOR["operator_en"], lang="en") in set(graph.objects(publisher, FOAF.name))
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        emails = {graph.value(c, VCARD.hasEmail) for c in graph.objects(dataset, DCAT.contactPoint)}
        assert URIRef(f"mailto:{OPERATOR['contact_email']}") in emails


def test_each_plan_lists_its_own_dumps_with_their_sizes(client, catalogue):
    _, graph = catalogue
    sizes = {}
    for key in PLANS:
        dataset = URIRef(f"{BASE}id/{key}/dataset")
        downloads = {
            str(graph.value(d, DCAT.downloadURL)): graph.value(d, DCAT.byteSize)
            for d in graph.objects(dataset, DCAT.distribution)
            if graph.value(d, DCAT.downloadURL) is not None
        }
        assert len(downloads) == 5, downloads
        for url, size in downloads.items():
            path = url.removeprefix("http://localhost")
            assert path.startswith(f"/data/{key}/"), url
            assert size.datatype == URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
            with client.get(path) as response:
                body = response.get_data()
            assert response.status_code == 200 and len(body) == int(size), url
        sizes[key] = downloads[f"http://localhost/data/{key}/dataset.nq"]
        with client.get(f"/data/{key}/dataset.nq") as response:
            graphs = {q.graph_name.value for q in parse(response.get_data(), format=RdfFormat.N_QUADS)}
        assert graphs and all(g.startswith(f"{BASE}id/{key}/graph/") for g in graphs), graphs
    assert sizes["272116/5th"] != sizes["999997/1st"]
    assert client.get("/data/272116/6th/dataset.nq").status_code == 404


def test_spatial_is_the_estat_area_code_named_after_the_municipality(catalogue, client):
    _, graph = catalogue
    for key, name in PLANS.items():
        area = graph.value(URIRef(f"{BASE}id/{key}/dataset"), DCTERMS.spatial)
        assert area == URIRef(f"http://data.e-stat.go.jp/lod/sac/C{key[:5]}")
        assert (area, RDF.type, DCTERMS.Location) in graph
        assert Literal(name, lang="ja") in set(graph.objects(area, SKOS.prefLabel))
    town = Graph().parse(data=client.get("/doc/272116.ttl").get_data(), format="turtle")
    assert town.value(URIRef(f"{BASE}id/272116"), IC["市区町村コード"]) == URIRef(
        "http://data.e-stat.go.jp/lod/sac/C27211"
    )


def test_a_wikidata_item_in_dataset_toml_is_published_as_a_match(tmp_path):
    folder = tmp_path / FICTIONAL_PLAN.name
    folder.mkdir()
    (folder / "source.txt").write_bytes((FICTIONAL_PLAN / "source.txt").read_bytes())
    toml = (FICTIONAL_PLAN / "dataset.toml").read_text(encoding="utf-8")
    (folder / "dataset.toml").write_text(toml.replace('name_en = "Fictional City"\n',
                                                      'name_en = "Fictional City"\nwikidata = "Q42"\n'),
                                         encoding="utf-8")  # fmt: skip
    _, dataset = pipeline.compile_plan(datasets.load(folder), BASE)
    assert list(dataset.quads((URIRef(f"{BASE}id/999997"), SKOS.exactMatch, WIKIDATA["Q42"], None)))
    (folder / "dataset.toml").write_text(toml.replace('name_en = "Fictional City"\n',
                                                      'name_en = "Fictional City"\nwikidata = "42"\n'),
                                         encoding="utf-8")  # fmt: skip
    with pytest.raises(datasets.DatasetError, match="wikidata"):
        datasets.load(folder)


@pytest.mark.parametrize(
    ("choice", "iri"),
    [
        ("PDL-1.0", "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"),
        ("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("https://example.org/licence", "https://example.org/licence"),
    ],
)
def test_the_licence_is_chosen_in_dataset_toml(tmp_path, choice, iri):
    folder = tmp_path / FICTIONAL_PLAN.name
    folder.mkdir()
    toml = (FICTIONAL_PLAN / "dataset.toml").read_text(encoding="utf-8")
    (folder / "dataset.toml").write_text(toml.replace('license = "CC-BY-4.0"', f'license = "{choice}"'), "utf-8")
    assert datasets.load(folder).publication.license == iri


def test_an_unknown_licence_name_is_refused(tmp_path):
    folder = tmp_path / FICTIONAL_PLAN.name
    folder.mkdir()
    toml = (FICTIONAL_PLAN / "dataset.toml").read_text(encoding="utf-8")
    (folder / "dataset.toml").write_text(toml.replace('license = "CC-BY-4.0"', 'license = "CC-BY"'), "utf-8")
    with pytest.raises(datasets.DatasetError, match="PDL-1.0"):
        datasets.load(folder)


# -- CKAN ---------------------------------------------------------------------------------


def ckan_python() -> str:
    python = os.environ.get("PLANLOD_CKAN_PYTHON", "")
    if not Path(python).is_file():
        require_tool("no CKAN environment (PLANLOD_CKAN_PYTHON): .ci/run makes one with ckan and ckanext-dcat")
    return python


def test_ckan_harvests_both_plans(two_plan_server, two_plan_settings):
    run = subprocess.run(
        [ckan_python(), str(ROOT / "tests" / "ckan" / "harvest.py"), f"{two_plan_server}/catalog", "en", "ja"],
        capture_output=True, text=True, timeout=300, cwd=ROOT / "tests" / "ckan",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    harvested = json.loads(run.stdout)
    by_locale = {locale: {d["extras_by_key"]["uri"]: d for d in map(_keyed, found)}
                 for locale, found in harvested.items()}  # fmt: skip
    for key, name in PLANS.items():
        iri = f"{BASE}id/{key}/dataset"
        info = datasets.load(two_plan_settings.data_dir / FOLDERS[key])
        english, japanese = by_locale["en"][iri], by_locale["ja"][iri]
        assert english["title"] == f"{info.plan.title_en} (Linked Open Data)"
        assert japanese["title"] == f"{info.plan.title_ja}(Linked Open Data)"
        assert english["license_id"] == "cc-by"
        extras = english["extras_by_key"]
        assert extras["publisher_name"] == info.publication.publisher_en
        assert japanese["extras_by_key"]["creator_name"] == info.municipality.name_ja
        assert extras["contact_email"] == OPERATOR["contact_email"]
        assert extras["temporal_start"] == info.plan.period_start.isoformat()
        assert extras["temporal_end"] == info.plan.period_end.isoformat()
        assert extras["spatial_uri"] == f"http://data.e-stat.go.jp/lod/sac/C{key[:5]}"
        assert japanese["extras_by_key"]["spatial_text"] == name
        downloads = [r for r in english["resources"] if "/data/" in r["url"]]
        assert {r["url"].split("/data/", 1)[1] for r in downloads} == {
            f"{key}/{n}" for n in ("dataset.ttl", "dataset.nt.gz", "dataset.jsonld", "dataset.nq", "dataset.trig")
        }
        assert all(int(r["size"]) > 0 for r in downloads)
        formats = {r["url"].rsplit("/", 1)[1]: (r["format"], r["mimetype"]) for r in downloads}
        assert formats["dataset.ttl"] == ("Turtle", "text/turtle")
    sizes = [{r["url"].rsplit("/", 1)[1]: r["size"] for r in by_locale["en"][f"{BASE}id/{key}/dataset"]["resources"]
              if "/data/" in r["url"]} for key in PLANS]  # fmt: skip
    assert sizes[0]["dataset.nq"] != sizes[1]["dataset.nq"]


def _keyed(found: dict) -> dict:
    return {**found, "extras_by_key": {e["key"]: e["value"] for e in found.get("extras", [])}}
