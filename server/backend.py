"""The data behind the server, opened once per app (shaped like ``flaskr/db.py``).

:func:`init_app` picks the backend from ``settings.store`` and keeps it in
``app.extensions["planlod"]``; views call :func:`get_backend`. A backend offers a few
primitives (quad patterns, SELECT with bound terms, user SPARQL under a time limit,
dumps, the release it serves); everything a page needs is built on those here, so the
embedded store and an external SPARQL store behave the same.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from cachetools import LRUCache
from flask import Flask, current_app
from rdflib import Literal, URIRef
from rdflib.term import Node

from planlod.config import Settings
from planlod.queries import NamedQuery, load_all
from planlod.querypool import QueryAnswer, QueryRequest
from planlod.vocab import JCP, RDF, RDFS, SKOS
from server.bytecache import ByteCache, body_size

Quad = tuple[Node, Node, Node, Node | None]
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)
DERIVED_LINKS = (JCP.suggestionFor,)


class StoreUnavailable(RuntimeError):
    """The store cannot be reached right now; pages answer 503 with Retry-After."""


@dataclass(frozen=True)
class ReleaseInfo:
    """Which build is served: its id (ETags derive from it), when it was built, how big it is."""

    id: str
    built_at: dt.datetime
    quads: int
    plans: tuple[str, ...]  # "272116/5th", …


@dataclass
class Description:
    """What the data says about one resource: its own triples and those pointing at it."""

    iri: URIRef
    outgoing: list[Quad] = field(default_factory=list)
    incoming: list[Quad] = field(default_factory=list)
    incoming_truncated: bool = False
    # What the derived statements about it (SDG suggestions) say, so a document carries each
    # suggestion whole: typed, with its method and reason, not a bare link.
    related: list[Quad] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def quads(self) -> Iterator[Quad]:
        yield from self.outgoing
        yield from self.incoming
        yield from self.related


def valid_iri(iri: str) -> bool:
    """Whether ``iri`` can name anything at all (hostile paths, spaces, brackets, controls cannot)."""
    if not iri or any(c in iri for c in ' <>"{}|\\^`\n\r\t'):
        return False
    try:
        # RFC 3987 as the store reads it: control characters, noncharacters and broken %-escapes
        # (a client's /id/%1F or /id/%25zz) are not IRIs, and a store would answer them with an error.
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


class Backend(ABC):
    """A published release, seen through a handful of primitives."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Rendered documents keyed by ETag: a warm page is a dictionary look-up.
        self.cache: LRUCache = LRUCache(maxsize=settings.page_cache_size)
        # Answers of /sparql keyed by ETag (release, query, dataset, format), bounded in bytes.
        self.results = ByteCache(settings.result_cache_bytes, body_size)
        self.release = self.read_release()
        self.named_graphs = self.read_named_graphs()

    # -- primitives ------------------------------------------------------------------

    @abstractmethod
    def read_release(self) -> ReleaseInfo: ...

    @abstractmethod
    def read_named_graphs(self) -> set[str]: ...

    @abstractmethod
    def quads(
        self, s: Node | None = None, p: Node | None = None, o: Node | None = None, g: Node | None = None,
        limit: int | None = None,
    ) -> Iterator[Quad]:  # fmt: skip
        """Quads matching a pattern (None is a wildcard), across every named graph."""

    @abstractmethod
    def select(self, query: str, **bindings: Node) -> list[dict[str, Node]]:
        """One of our own SELECT queries, with ``bindings`` bound as RDF terms."""

    @abstractmethod
    def run_query(self, request: QueryRequest, client: str = "") -> QueryAnswer:
        """A user's SPARQL under the limits, counted against ``client``'s fair share;
        raises :class:`planlod.querypool.QueryFailed`."""

    @abstractmethod
    def dump(self, name: str, plan: str | None = None) -> Path | None:
        """A dump file of the release (``dataset.ttl``, …), or of one of its plans (``272116/5th``), or None."""

    def changes(self) -> dict | None:
        """The change history of the release (``changes.json``), where this backend has it."""
        return None

    def refresh(self) -> None:  # noqa: B027 — a hook: only a shared store can change under us
        """Notice a newer release."""

    def forget(self) -> None:
        """A new release is served: what was cached of the old one can go (its ETags differ anyway)."""
        self.cache.clear()
        self.results.clear()

    def close(self) -> None:  # noqa: B027 — a hook: only some backends hold processes or files
        """Release processes and connections."""

    @property
    def release_id(self) -> str:
        return self.release.id

    @property
    def last_modified(self) -> dt.datetime:
        return self.release.built_at

    # -- built on the primitives -----------------------------------------------------

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return list(dict.fromkeys(o for _, _, o, _ in self.quads(subject, predicate)))

    def value(self, subject: Node, predicate: Node) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        return list(dict.fromkeys(s for s, _, _, _ in self.quads(None, predicate, obj)))

    def exists(self, iri: str) -> bool:
        """Whether the release says anything about ``iri`` (remembered: every /id/ request asks)."""
        if not valid_iri(iri):
            return False
        key = ("exists", iri)
        known = self.cache.get(key)
        if known is None:
            node = URIRef(iri)
            known = (
                iri in self.named_graphs
                or next(self.quads(node, limit=1), None) is not None
                or next(self.quads(o=node, limit=1), None) is not None
            )
            self.cache[key] = known
        return known

    def graph_quads(self, graph: str) -> Iterator[Quad]:
        return self.quads(g=URIRef(graph))

    def describe(self, iri: str) -> Description:
        """Outgoing triples (and those of its ``#`` sub-resources) and a bounded set of incoming ones."""
        node = URIRef(iri)
        description = Description(node)
        description.outgoing = list(self.quads(node))
        for _, _, obj, _ in list(description.outgoing):
            if isinstance(obj, URIRef) and str(obj).startswith(f"{iri}#"):
                description.outgoing.extend(self.quads(obj))
        limit = self.settings.max_inverse
        description.incoming = list(self.quads(o=node, limit=limit + 1))
        if len(description.incoming) > limit:
            description.incoming = description.incoming[:limit]
            description.incoming_truncated = True
        for subject in dict.fromkeys(s for s, p, _, _ in description.incoming if p in DERIVED_LINKS):
            description.related.extend(q for q in self.quads(subject) if q[1] not in DERIVED_LINKS)
        return description

    def labels(self, iris: Iterable[Node]) -> dict[Node, dict[str, str]]:
        """Display labels by language, from rdfs:label or skos:prefLabel."""
        found: dict[Node, dict[str, str]] = {}
        for iri in {i for i in iris if isinstance(i, URIRef)}:
            labels: dict[str, str] = {}
            for prop in LABEL_PROPERTIES:
                for _, _, label, _ in self.quads(iri, prop):
                    if isinstance(label, Literal):
                        labels.setdefault(label.language or "", str(label))
            if labels:
                found[iri] = labels
        return found

    def source_text(self, iri: str) -> str | None:
        """The original text of a plan's source (kept in its metadata graph as rdf:value)."""
        if not valid_iri(iri) or not iri.endswith("/source"):
            return None
        text = self.value(URIRef(iri), RDF.value)
        return str(text) if isinstance(text, Literal) else None


def create_backend(settings: Settings) -> Backend:
    if settings.store == "embedded":
        from server.embedded import EmbeddedBackend

        return EmbeddedBackend(settings)
    if settings.store.startswith(("sparql+http://", "sparql+https://")):
        from server.external import SparqlBackend

        return SparqlBackend(settings)
    raise ValueError(f"unknown store {settings.store!r}: use 'embedded' or 'sparql+http://host:port/query'")


def init_app(app: Flask) -> None:
    backend = create_backend(app.config["PLANLOD"])
    app.extensions["planlod"] = backend
    # Read once: a broken .rq file stops the app at start, and no request re-reads them.
    app.extensions["planlod_queries"] = load_all()
    app.before_request(lambda: backend.refresh())


def get_backend() -> Backend:
    return current_app.extensions["planlod"]


def named_queries() -> dict[str, NamedQuery]:
    """The named queries of ``queries/``, as the pages, the API and the query page use them."""
    return current_app.extensions["planlod_queries"]
