"""Publishing to an external store: every graph replaced, stale graphs removed, the release announced last."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from click.testing import CliRunner

from planlod.cli import cli
from planlod.publish import StoreEndpoints, release_graph_iri


def ask(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/query?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def count_in(url: str, graph: str) -> int:
    data = ask(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(data["results"]["bindings"][0]["n"]["value"])


def test_publish_replaces_graphs_and_announces_the_release(settings, release, oxigraph_server):
    store = f"sparql+{oxigraph_server}/query"
    runner = CliRunner()
    args = ["--build-dir", str(settings.build_dir), "publish", "--store", store]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    plan_graph = "https://w3id.org/jp-cityplan/id/272116/5th/graph/plan"
    before = count_in(oxigraph_server, plan_graph)
    assert before > 2000
    # Publishing again replaces, never appends.
    assert runner.invoke(cli, args).exit_code == 0
    assert count_in(oxigraph_server, plan_graph) == before
    release_id = ask(
        oxigraph_server,
        f"SELECT ?id WHERE {{ GRAPH <{release_graph_iri(settings.base_iri)}> "
        "{ ?r <http://purl.org/dc/terms/identifier> ?id } }",
    )["results"]["bindings"][0]["id"]["value"]
    assert release_id == release.name


def test_stale_graphs_are_deleted(settings, release, oxigraph_server):
    endpoints = StoreEndpoints.from_setting(f"sparql+{oxigraph_server}/query")
    stale = "https://w3id.org/jp-cityplan/id/999999/old/graph/plan"
    put = urllib.request.Request(
        f"{endpoints.gsp}?{urllib.parse.urlencode({'graph': stale})}",
        data=b"<urn:a> <urn:b> <urn:c> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with urllib.request.urlopen(put, timeout=30):
        pass
    # Announce it as part of the live release, as an earlier publish of that plan would have.
    update = (
        f"INSERT DATA {{ GRAPH <{release_graph_iri(settings.base_iri)}> "
        f"{{ <{release_graph_iri(settings.base_iri)}> <http://purl.org/dc/terms/hasPart> <{stale}> }} }}"
    )
    post = urllib.request.Request(
        f"{oxigraph_server}/update", data=update.encode(), method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )  # fmt: skip
    with urllib.request.urlopen(post, timeout=30):
        pass
    assert count_in(oxigraph_server, stale) == 1
    result = CliRunner().invoke(
        cli, ["--build-dir", str(settings.build_dir), "publish", "--store", endpoints_arg(endpoints)]
    )
    assert result.exit_code == 0, result.output
    assert count_in(oxigraph_server, stale) == 0


def endpoints_arg(endpoints: StoreEndpoints) -> str:
    return f"sparql+{endpoints.query}"


def test_unreachable_store_is_one_clear_line(settings, release):
    result = CliRunner().invoke(
        cli, ["--build-dir", str(settings.build_dir), "publish", "--store", "sparql+http://127.0.0.1:9/query"]
    )
    assert result.exit_code == 1
    assert "cannot be reached" in result.output and "Traceback" not in result.output
