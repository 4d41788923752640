"""The data behind the server: the published release, opened once per app.

Shaped like ``flaskr/db.py``: :func:`init_app` opens the store of ``build/current``
read-only and keeps it in ``app.extensions["planlod"]``; views call :func:`get_backend`.
Page queries (our own, bounded) run in-process; user SPARQL goes through
:mod:`server.querypool`, where a runaway query can be killed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from cachetools import LRUCache
from flask import Flask, current_app
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from planlod import store as stores
from planlod.build import STATS_FILE, current_release
from planlod.config import Settings

Quad = tuple[Node, Node, Node, Node | None]


def to_rdflib(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term with the same meaning."""
    if term is None or isinstance(term, ox.DefaultGraph):
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> object:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


@dataclass
class Description:
    """What the data says about one resource: its own triples and those pointing at it."""

    iri: URIRef
    outgoing: list[Quad] = field(default_factory=list)
    incoming: list[Quad] = field(default_factory=list)
    incoming_truncated: bool = False

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def quads(self) -> Iterator[Quad]:
        yield from self.outgoing
        yield from self.incoming


class Backend:
    """A published release served from its embedded pyoxigraph store."""

    def __init__(self, release: Path, settings: Settings) -> None:
        self.release = release
        self.settings = settings
        self.store = stores.open_read_only(release / stores.STORE_DIR)
        self.stats = json.loads((release / STATS_FILE).read_text(encoding="utf-8"))
        self.release_id = release.name
        built = self.stats.get("built_at")
        self.last_modified = dt.datetime.fromisoformat(built) if built else dt.datetime.now(dt.UTC)
        self.named_graphs = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        # Rendered representations, keyed by ETag: warm pages cost a dictionary look-up.
        self.cache: LRUCache = LRUCache(maxsize=settings.page_cache_size)
        plans = self.stats.get("plans", [])
        self.sources = {f"{settings.base_iri}id/{plan['key']}/source": self._source_path(plan) for plan in plans}

    def _source_path(self, plan: dict) -> Path | None:
        copied = self.release / "sources" / plan["key"] / "source.txt"
        if copied.exists():
            return copied
        original = Path(plan.get("source", ""))
        return original if original.is_file() else None

    def source_file(self, iri: str) -> Path | None:
        """The original text of a plan's source, for ``…/source`` IRIs."""
        return self.sources.get(iri)

    @property
    def store_path(self) -> Path:
        return self.release / stores.STORE_DIR

    def dump(self, name: str) -> Path:
        return self.release / name

    def select(self, query: str, **bindings: Node) -> list[dict[str, Node]]:
        """Run one of our own SELECT queries; ``bindings`` are bound as RDF terms, never spliced into text."""
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        solutions = self.store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
        names = [v.value for v in solutions.variables]
        return [{n: to_rdflib(row[n]) for n in names if row[n] is not None} for row in solutions]

    def _quads(self, s: object = None, p: object = None, o: object = None) -> Iterator[Quad]:
        for q in self.store.quads_for_pattern(s, p, o, None):
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(q.graph_name))

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        pattern = self.store.quads_for_pattern(to_oxigraph(subject), to_oxigraph(predicate), None, None)
        return list(dict.fromkeys(to_rdflib(q.object) for q in pattern))

    def value(self, subject: Node, predicate: Node) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        pattern = self.store.quads_for_pattern(None, to_oxigraph(predicate), to_oxigraph(obj), None)
        return list(dict.fromkeys(to_rdflib(q.subject) for q in pattern))

    def exists(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:  # not an IRI at all (a hostile path, say): nothing is known about it
            return False
        return (
            next(iter(self.store.quads_for_pattern(node, None, None, None)), None) is not None
            or next(iter(self.store.quads_for_pattern(None, None, node, None)), None) is not None
            or iri in self.named_graphs
        )

    def graph_quads(self, graph: str) -> Iterator[Quad]:
        for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(q.graph_name))

    def describe(self, iri: str) -> Description:
        """Outgoing triples (and those of its ``#`` sub-resources) and a bounded set of incoming ones."""
        node = ox.NamedNode(iri)
        description = Description(URIRef(iri))
        description.outgoing = list(self._quads(s=node))
        for _, _, obj, _ in list(description.outgoing):
            if isinstance(obj, URIRef) and str(obj).startswith(f"{iri}#"):
                description.outgoing.extend(self._quads(s=ox.NamedNode(str(obj))))
        limit = self.settings.max_inverse
        for count, quad in enumerate(self._quads(o=node)):
            if count >= limit:
                description.incoming_truncated = True
                break
            description.incoming.append(quad)
        return description

    def labels(self, iris: Iterable[Node]) -> dict[Node, dict[str, str]]:
        """Display labels (by language) for the given IRIs, from rdfs:label, skos:prefLabel or dcterms:title."""
        wanted = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
        found: dict[Node, dict[str, str]] = {}
        for iri in {i for i in iris if isinstance(i, URIRef)}:
            labels: dict[str, str] = {}
            for prop in wanted:
                for quad in self.store.quads_for_pattern(ox.NamedNode(str(iri)), ox.NamedNode(prop), None, None):
                    lang = getattr(quad.object, "language", None) or ""
                    labels.setdefault(lang, quad.object.value)
            if labels:
                found[iri] = labels
        return found


def init_app(app: Flask) -> None:
    settings: Settings = app.config["PLANLOD"]
    release = current_release(settings.build_dir)
    if release is None:
        raise FileNotFoundError(f"no build in {settings.build_dir}: run `planlod build` first")
    app.extensions["planlod"] = Backend(release, settings)


def get_backend() -> Backend:
    return current_app.extensions["planlod"]
