"""Blank nodes named after what they say, so the same statements give the same bytes on every run.

A parser or rdflib names blank nodes anew each time; written out, a file of the same
statements differs from run to run, and so would every dump, digest, ETag and
validation report built from it. Here each blank node is labelled with a hash of its
own statements, blank objects by their own labels in turn (the ontology's lists and
restrictions, SHACL results and their paths are trees, so this is linear in size).
Where blank nodes form a cycle, rdflib's canonical labelling (RGDA1) decides instead.

Two blank nodes that say the same thing get one label: right for findings (the same
result twice is one result), wrong for OWL, whose restrictions must not be shared, so
the ontology is labelled with RGDA1 (:func:`planlod.pipeline.canonical_blank_nodes`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class _Cycle(Exception):
    pass


def content_labelled(triples: Iterable[Triple]) -> list[Triple]:
    """``triples`` with every blank node relabelled from its content."""
    triples = list(triples)
    about: dict[BNode, list[Triple]] = {}
    for triple in triples:
        if isinstance(triple[0], BNode):
            about.setdefault(triple[0], []).append(triple)
    if not about and not any(isinstance(t[2], BNode) for t in triples):
        return triples
    labels: dict[BNode, BNode] = {}
    visiting: set[BNode] = set()

    def label(node: BNode) -> BNode:
        if node in labels:
            return labels[node]
        if node in visiting:
            raise _Cycle
        visiting.add(node)
        lines = sorted(f"{p.n3()} {term(o)}" for _, p, o in about.get(node, []))
        visiting.discard(node)
        labels[node] = BNode("b" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32])
        return labels[node]

    def term(node: Node) -> str:
        return label(node).n3() if isinstance(node, BNode) else node.n3()

    try:
        return [tuple(label(t) if isinstance(t, BNode) else t for t in triple) for triple in triples]  # type: ignore[misc]
    except _Cycle:
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        return list(to_canonical_graph(graph))
