"""Publishing a built release to an external SPARQL store with the Graph Store Protocol.

Each named graph is replaced with one ``PUT`` (atomic per graph in every store that
implements the protocol); graphs that the new release no longer has are deleted; the
release graph, which servers read to know what they serve, is written last, so a
replica never announces a release whose graphs are not all in place.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from planlod.build import STATS_FILE
from planlod.changes import CHANGES_FILE

DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"


class PublishError(RuntimeError):
    """The store refused or could not be reached; the message says which graph."""


@dataclass(frozen=True)
class StoreEndpoints:
    query: str  # SPARQL Protocol query endpoint
    gsp: str  # Graph Store Protocol endpoint

    @classmethod
    def from_setting(cls, store: str, gsp: str = "") -> StoreEndpoints:
        """``sparql+http://host:7878/query`` → query and GSP URLs (Oxigraph's layout unless ``gsp`` is given)."""
        if not store.startswith(("sparql+http://", "sparql+https://")):
            raise PublishError(f"not an external store: {store!r} (expected sparql+http://host:port/query)")
        query = store.removeprefix("sparql+")
        if not gsp:
            if not query.endswith("/query"):
                raise PublishError("set PLANLOD_STORE_GSP: the Graph Store endpoint cannot be guessed from " + query)
            gsp = query.removesuffix("/query") + "/store"
        return cls(query, gsp)


def release_graph_iri(base: str) -> str:
    return f"{base}graph/release"


def changes_graph_iri(base: str) -> str:
    """Where the release's change history (changes.json) is kept, so every replica serves /changes."""
    return f"{base}graph/changes"


RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"


def changes_triples(release: Path, base: str) -> bytes:
    """The history as one ``rdf:JSON`` literal: the very changes.json the building node serves."""
    text = (release / CHANGES_FILE).read_text(encoding="utf-8") if (release / CHANGES_FILE).exists() else ""
    if not text:
        return b""
    node = f"<{changes_graph_iri(base)}>"
    return f"{node} <{RDF_VALUE}> {ox.Literal(text, datatype=ox.NamedNode(RDF_JSON))} .\n".encode()


def _request(method: str, url: str, body: bytes | None = None, content_type: str | None = None) -> None:
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        if method == "DELETE" and exc.code == 404:
            return
        raise PublishError(f"{method} {url}: the store answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PublishError(f"{method} {url}: the store cannot be reached ({exc})") from None


def graph_url(endpoints: StoreEndpoints, graph: str) -> str:
    return f"{endpoints.gsp}?{urllib.parse.urlencode({'graph': graph})}"


def release_triples(release: Path, base: str, graphs: list[str]) -> bytes:
    """The release graph, as N-Triples: id, build time, size, plans and the graphs it consists of."""
    stats = json.loads((release / STATS_FILE).read_text(encoding="utf-8"))
    node = f"<{release_graph_iri(base)}>"
    lines = [
        f"{node} <{DCTERMS}identifier> {ox.Literal(release.name)} .",
        f"{node} <{DCTERMS}created> {ox.Literal(stats['built_at'], datatype=ox.NamedNode(XSD + 'dateTime'))} .",
        f"{node} <{VOID}triples> {ox.Literal(str(stats['quads']), datatype=ox.NamedNode(XSD + 'integer'))} .",
    ]
    lines += [f"{node} <{DCTERMS}subject> {ox.Literal(plan['key'])} ." for plan in stats["plans"]]
    lines += [f"{node} <{DCTERMS}hasPart> <{graph}> ." for graph in graphs]
    return ("\n".join(lines) + "\n").encode("utf-8")


def previous_graphs(endpoints: StoreEndpoints, base: str) -> set[str]:
    query = f"SELECT ?g WHERE {{ GRAPH <{release_graph_iri(base)}> {{ ?r <{DCTERMS}hasPart> ?g }} }}"
    url = f"{endpoints.query}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise PublishError(f"{endpoints.query}: the store cannot be reached ({exc})") from None
    return {row["g"]["value"] for row in data["results"]["bindings"]}


def publish(release: Path, endpoints: StoreEndpoints, base: str, step: Callable[..., None] = lambda *_: None) -> int:
    """Replace every named graph of the store with the release's; return how many graphs were written."""
    store = ox.Store()  # a temporary in-memory copy, to cut the dump into graphs
    store.bulk_load(path=str(release / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    stale = previous_graphs(endpoints, base) - set(graphs) - {release_graph_iri(base), changes_graph_iri(base)}
    for done, graph in enumerate(graphs, start=1):
        step("publish graphs", done, len(graphs))
        body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        _request("PUT", graph_url(endpoints, graph), body, "application/n-triples")
    for graph in sorted(stale):
        _request("DELETE", graph_url(endpoints, graph))
    # The history before the release graph: a replica that sees the new release finds its history.
    history = changes_triples(release, base)
    _request("PUT", graph_url(endpoints, changes_graph_iri(base)), history, "application/n-triples")
    body = release_triples(release, base, graphs)
    _request("PUT", graph_url(endpoints, release_graph_iri(base)), body, "application/n-triples")
    return len(graphs)
