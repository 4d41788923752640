"""What Linked Data clients find in the documents and dumps of the two-plan site.

Comunica (npm, installed by .ci/run) dereferences an IRI as any Linked Data client does
and reads the document's default graph; rdflib loads every format into a ``Graph``
(the default graph only) and a ``Dataset``. Derived SDG suggestions are resources of
their own in every format, never a bare link on the city's resources.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool
from rdflib import Dataset, Graph, Literal, URIRef

from planlod.vocab import JCP, PROV, RDF, SDG, XSD

BASE = "https://w3id.org/jp-cityplan/"
INITIATIVE = f"{BASE}id/272116/5th/initiative/7-1-2"
POLICY = f"{BASE}id/272116/5th/policy/7-5"  # its texts say 男女共同参画: Goal 5 is suggested
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "trig": "trig", "nq": "nquads"}


@pytest.fixture(scope="module")
def client(two_plan_app):
    return two_plan_app.test_client()


def document(client, iri: str, ext: str) -> bytes:
    response = client.get(f"/doc/{iri.removeprefix(BASE + 'id/')}.{ext}")
    assert response.status_code == 200, (iri, ext)
    return response.get_data()


def outgoing(graph: Graph, iri: str) -> set:
    """Its statements, ``"x"^^xsd:string`` and ``"x"`` as one (the same literal in RDF 1.1)."""
    return {(p, _plain(o)) for p, o in graph.predicate_objects(URIRef(iri))}


def _plain(term):
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


@pytest.mark.parametrize("ext", FORMATS)
def test_every_format_has_the_description_in_its_default_graph(client, ext):
    reference = outgoing(Graph().parse(data=document(client, INITIATIVE, "ttl"), format="turtle"), INITIATIVE)
    assert len(reference) > 10
    body = document(client, INITIATIVE, ext)
    assert outgoing(Graph().parse(data=body, format=FORMATS[ext]), INITIATIVE) == reference
    dataset = Dataset().parse(data=body, format=FORMATS[ext])
    assert outgoing(dataset.default_graph, INITIATIVE) == reference


@pytest.mark.parametrize("ext", ["trig", "nq"])
def test_named_graphs_still_say_whose_word_each_statement_is(client, ext):
    dataset = Dataset().parse(data=document(client, INITIATIVE, ext), format=FORMATS[ext])
    plan_graph = dataset.graph(URIRef(f"{BASE}id/272116/5th/graph/plan"))
    assert (URIRef(INITIATIVE), RDF.type, JCP.Initiative) in plan_graph


def test_jsonld_documents_and_dump_carry_their_context(client):
    assert "@context" in json.loads(document(client, INITIATIVE, "jsonld"))
    with client.get("/data/dataset.jsonld") as response:
        body = response.get_data()
    assert isinstance(json.loads(body)["@context"], dict)
    with client.get("/data/dataset.nt.gz") as response:
        union = Graph().parse(data=gzip.decompress(response.get_data()), format="nt")
    loaded = Graph().parse(data=body, format="json-ld")
    assert len(loaded) == len(union) > 3000
    assert len(Dataset().parse(data=body, format="json-ld").default_graph) == len(union)
    with client.get("/data/272116/5th/dataset.jsonld") as response, client.get("/data/272116/5th/dataset.nt.gz") as nt:
        plan_union = Graph().parse(data=gzip.decompress(nt.get_data()), format="nt")
        assert len(Graph().parse(data=response.get_data(), format="json-ld")) == len(plan_union) > 1000


@pytest.mark.parametrize("ext", ["ttl", "nt"])
def test_suggestions_are_resources_of_their_own_in_documents(client, ext):
    graph = Graph().parse(data=document(client, POLICY, ext), format=FORMATS[ext])
    assert not list(graph.subject_objects(JCP.suggestedSdgGoal))
    suggestions = set(graph.subjects(JCP.suggestionFor, URIRef(POLICY)))
    assert suggestions
    for suggestion in suggestions:
        assert (suggestion, RDF.type, JCP.SdgSuggestion) in graph
        assert graph.value(suggestion, JCP.suggestedGoal) is not None
        assert graph.value(suggestion, JCP.reason) is not None
        assert graph.value(suggestion, PROV.wasGeneratedBy) is not None
    assert SDG["5"] in {graph.value(s, JCP.suggestedGoal) for s in suggestions}


@pytest.mark.parametrize("name", ["dataset.nt", "dataset.ttl", "272116/5th/dataset.ttl"])
def test_no_bare_sdg_goal_in_the_dumps(client, name):
    with client.get(f"/data/{name}") as response:
        graph = Graph().parse(data=response.get_data(), format="nt" if name.endswith(".nt") else "turtle")
    assert not list(graph.subject_objects(JCP.suggestedSdgGoal))
    assert list(graph.subjects(RDF.type, JCP.SdgSuggestion))


def test_describe_gives_no_bare_sdg_goal(client):
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{POLICY}>"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(), format="turtle")
    assert len(graph) > 5 and not list(graph.subject_objects(JCP.suggestedSdgGoal))


# -- Comunica ---------------------------------------------------------------------------


def comunica_dir() -> Path:
    folder = Path(os.environ.get("PLANLOD_COMUNICA_DIR", ""))
    if not (folder / "node_modules" / "@comunica" / "query-sparql").is_dir():
        require_tool("no Comunica (PLANLOD_COMUNICA_DIR): .ci/run installs @comunica/query-sparql")
    return folder


@pytest.mark.parametrize("iri", [INITIATIVE, f"{BASE}id/999997/1st/policy/2-1"])
def test_comunica_dereferences_an_iri_and_finds_its_description(two_plan_server, client, iri):
    script = (Path(__file__).parent / "comunica" / "describe.mjs").read_text(encoding="utf-8")
    url = two_plan_server + iri.removeprefix(BASE.rstrip("/"))
    # From stdin, so that the script resolves @comunica/query-sparql from the folder it runs in.
    run = subprocess.run(
        ["node", "--input-type=module", "-", url, iri], input=script, capture_output=True, text=True,
        timeout=120, cwd=comunica_dir(),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout)
    reference = Graph().parse(data=document(client, iri, "ttl"), format="turtle")
    assert found["triples"] == len(outgoing(reference, iri)) > 5
    assert found["types"] == sorted(str(t) for t in reference.objects(URIRef(iri), RDF.type))
