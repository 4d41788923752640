"""A resource's description written as RDF in each format the server offers."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset, Graph, URIRef

from planlod.vocab import PREFIXES
from server.backend import Quad
from server.negotiation import Format

JSONLD_CONTEXT = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def _bind(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)


def to_graph(quads: Iterable[Quad]) -> Graph:
    graph = Graph()
    _bind(graph)
    for s, p, o, _ in quads:
        graph.add((s, p, o))
    return graph


def to_dataset(quads: Iterable[Quad]) -> Dataset:
    """The description in the default graph, and each statement again in the named graph it came from.

    A client dereferencing the IRI (Comunica asks for N-Quads and TriG first) reads the
    document's default graph; the named graphs keep whose word each statement is.
    """
    dataset = Dataset()
    _bind(dataset)
    for s, p, o, g in quads:
        dataset.default_graph.add((s, p, o))
        if isinstance(g, URIRef):
            dataset.graph(g).add((s, p, o))
    return dataset


def serialize(quads: list[Quad], fmt: Format) -> bytes:
    """Graph-aware formats keep each statement's named graph; the others flatten them."""
    data = to_dataset(quads) if fmt.graphs else to_graph(quads)
    if fmt.key == "jsonld":
        text = data.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    else:
        text = data.serialize(format=fmt.rdflib)
    return text.encode("utf-8") if isinstance(text, str) else text


def jsonld_for_html(quads: list[Quad]) -> str:
    """Compact JSON-LD of the page's own statements, for a <script type=application/ld+json>."""
    return to_graph(quads).serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
