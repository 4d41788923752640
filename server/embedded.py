"""The embedded backend: the pyoxigraph store of ``build/current``, opened read-only.

Quad patterns and our own queries run in-process; user SPARQL runs in a pool of worker
processes (:mod:`planlod.querypool`) so a runaway query can be killed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from planlod import store as stores
from planlod.build import CURRENT, STATS_FILE, current_release
from planlod.changes import CHANGES_FILE
from planlod.config import Settings
from planlod.dumps import NAMES as DUMP_NAMES
from planlod.dumps import plan_directory
from planlod.querybroker import BrokerClient
from planlod.querypool import QueryAnswer, QueryFailed, QueryPool, QueryRequest, WorkerRefused
from server.backend import Backend, Quad, ReleaseInfo

log = logging.getLogger(__name__)


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


def to_oxigraph(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def open_pool(store_path: Path, settings: Settings) -> QueryPool:
    """Query workers over ``store_path``; where they cannot be sandboxed (and that is not
    allowed) every user query is refused with 503, and the log says why."""
    try:
        return QueryPool.from_settings(store_path, settings)
    except WorkerRefused as refused:
        log.error("%s", refused)
        raise QueryFailed("crashed", "the query service is unavailable on this server") from refused


class EmbeddedBackend(Backend):
    def __init__(self, settings: Settings) -> None:
        release = current_release(settings.build_dir)
        if release is None:
            raise FileNotFoundError(f"no build in {settings.build_dir}: run `planlod build` first")
        self.directory = release
        self.store = stores.open_read_only(release / stores.STORE_DIR)
        self._pool: QueryPool | BrokerClient | None = None
        self._pool_lock = threading.Lock()
        super().__init__(settings)
        self._link = self._read_link()

    def _read_link(self) -> str | None:
        try:
            return os.readlink(self.settings.build_dir / CURRENT)
        except OSError:
            return None

    def refresh(self) -> None:
        """Follow ``current`` to a newer build: a rebuild is served without a restart, and the
        old release is let go before pruning could remove it (a readlink per request: resolving
        the whole path costs more than answering a cached page)."""
        link = self._read_link()
        if link is None or link == self._link:
            return
        release = current_release(self.settings.build_dir)
        if release is None or release == self.directory:
            self._link = link
            return
        with self._pool_lock:
            if release == self.directory:
                return
            store = stores.open_read_only(release / stores.STORE_DIR)
            # A broker follows the release by itself; a pool of this process is replaced.
            old_pool = None if self.settings.query_broker else self._pool
            if old_pool is not None:
                self._pool = None
            self.directory, self.store = release, store
            self.release = self.read_release()
            self.named_graphs = self.read_named_graphs()
            self.forget()
            self._link = link
        if old_pool is not None:
            # Queries already running on the old release may finish within their time limit.
            old_pool.close(let_running_finish=True)

    def read_release(self) -> ReleaseInfo:
        stats = json.loads((self.directory / STATS_FILE).read_text(encoding="utf-8"))
        built = stats.get("built_at")
        return ReleaseInfo(
            id=self.directory.name,
            built_at=dt.datetime.fromisoformat(built) if built else dt.datetime.now(dt.UTC),
            quads=int(stats.get("quads", 0)),
            plans=tuple(plan["key"] for plan in stats.get("plans", [])),
        )

    def read_named_graphs(self) -> set[str]:
        return {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}

    def quads(
        self, s: Node | None = None, p: Node | None = None, o: Node | None = None, g: Node | None = None,
        limit: int | None = None,
    ) -> Iterator[Quad]:  # fmt: skip
        pattern = self.store.quads_for_pattern(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g))
        for count, q in enumerate(pattern):
            if limit is not None and count >= limit:
                return
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(q.graph_name))

    def select(self, query: str, **bindings: Node) -> list[dict[str, Node]]:
        # Substitution binds terms without touching the query text (pyoxigraph wants them projected).
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        solutions = self.store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
        names = [v.value for v in solutions.variables]
        return [{n: to_rdflib(row[n]) for n in names if row[n] is not None} for row in solutions]

    def run_query(self, request: QueryRequest, client: str = "") -> QueryAnswer:
        return self.pool().run(request, client=client)

    def pool(self) -> QueryPool | BrokerClient:
        """The query broker `planlod serve` started, shared by its HTTP processes; without one,
        query workers of this process, started on the first user query."""
        with self._pool_lock:
            if self._pool is None:
                if self.settings.query_broker:
                    self._pool = BrokerClient(self.settings.query_broker)
                else:
                    self._pool = open_pool(self.directory / stores.STORE_DIR, self.settings)
            return self._pool

    def dump(self, name: str, plan: str | None = None) -> Path | None:
        if name not in DUMP_NAMES or (plan is not None and plan not in self.release.plans):
            return None
        path = (plan_directory(self.directory, plan) if plan else self.directory) / name
        return path if path.is_file() else None

    def changes(self) -> dict | None:
        path = self.directory / CHANGES_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
