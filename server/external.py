"""The external backend: any SPARQL 1.1 store, reached with SPARQLWrapper.

This is the scale-out path: stateless server replicas in front of one shared store
(Oxigraph server, Fuseki, Virtuoso…), configured with ``PLANLOD_STORE=sparql+http://…``.
The store must answer queries without GRAPH against the union of its named graphs
(Oxigraph ``--union-default-graph``, Fuseki ``unionDefaultGraph``, Virtuoso's default).
What release is served is read from the release graph that ``planlod publish`` writes
last; replicas look again every ``release_check`` seconds and drop their page cache
when it changed.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import logging
import tempfile
import threading
import time
import urllib.error
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from planlod import dumps
from planlod.config import Settings
from planlod.publish import DCTERMS, RDF_VALUE, VOID, StoreEndpoints, changes_graph_iri, release_graph_iri
from planlod.queries import with_values
from planlod.querypool import QueryAnswer, QueryFailed, QueryRequest, decode_term
from planlod.result_pages import page
from server.backend import Backend, Quad, ReleaseInfo, StoreUnavailable
from server.sparql_guard import query_form

log = logging.getLogger(__name__)
RESULT_FORMATS = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}


def from_json(cell: dict) -> Node:
    kind = cell["type"]
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    datatype = cell.get("datatype")
    return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=URIRef(datatype) if datatype else None)


class SparqlBackend(Backend):
    def __init__(self, settings: Settings) -> None:
        self.endpoints = StoreEndpoints.from_setting(settings.store, settings.store_gsp)
        self.base = settings.base_iri
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._dumps: Path | None = None
        self._dump_dir: tempfile.TemporaryDirectory | None = None
        super().__init__(settings)
        self._checked_at = time.monotonic()

    # -- talking to the store ------------------------------------------------------------

    def _wrapper(self, query: str, return_format: str, timeout: float) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoints.query)
        wrapper.setMethod(POST)
        with warnings.catch_warnings():
            # SPARQLWrapper guesses the query form by regex and warns when it cannot; the store decides.
            warnings.simplefilter("ignore", RuntimeWarning)
            wrapper.setQuery(query)
        wrapper.setReturnFormat(return_format)
        wrapper.setTimeout(max(1, int(timeout)))
        return wrapper

    def _raw(self, wrapper: SPARQLWrapper) -> bytes:
        """Run a prepared query; the store being away is StoreUnavailable, a bad query QueryFailed."""
        try:
            with warnings.catch_warnings():
                # As in _wrapper: SPARQLWrapper warns again when its guess of the query form and the
                # format disagree (a query it misreads); the store decides, so the warning is noise.
                warnings.simplefilter("ignore", RuntimeWarning)
                response = wrapper.query().response
            try:
                return response.read()
            finally:
                response.close()
        except QueryBadFormed as exc:
            raise QueryFailed("syntax", f"SPARQL syntax error (the store says: {_store_says(exc)})") from None
        except SPARQLWrapperException as exc:
            # What the store says about anything but the query's syntax stays in the log: a remote
            # status or body is never echoed to a client.
            log.warning("the store could not answer: %s", _store_says(exc))
            raise QueryFailed("error", "the store could not answer this query") from None
        except TimeoutError:
            raise QueryFailed("timeout", self._timeout_message()) from None
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise StoreUnavailable(f"the store answered {exc.code}") from None
            log.warning("the store answered %s %s", exc.code, exc.reason)
            raise QueryFailed("error", "the store could not answer this query") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise QueryFailed("timeout", self._timeout_message()) from None
            raise StoreUnavailable(f"the store at {self.endpoints.query} cannot be reached ({reason})") from None

    def _timeout_message(self) -> str:
        limit = f"{self.settings.query_timeout:g} s"
        return f"the query ran longer than the limit of {limit}; the store ends it at its own time limit"

    def _select_json(self, query: str, timeout: float | None = None) -> list[dict[str, Node]]:
        body = self._raw(self._wrapper(query, JSON, timeout or self.settings.query_timeout))
        data = json.loads(body)
        return [{name: from_json(cell) for name, cell in row.items()} for row in data["results"]["bindings"]]

    # -- primitives ------------------------------------------------------------------------

    def read_release(self) -> ReleaseInfo:
        graph = release_graph_iri(self.base)
        rows = self._select_json(
            f"SELECT ?id ?built ?quads ?plan WHERE {{ GRAPH <{graph}> {{ ?r <{DCTERMS}identifier> ?id ; "
            f"<{DCTERMS}created> ?built ; <{VOID}triples> ?quads . OPTIONAL {{ ?r <{DCTERMS}subject> ?plan }} }} }}"
        )
        if not rows:
            raise StoreUnavailable(f"the store holds no release graph <{graph}>: run `planlod publish`")
        first = rows[0]
        return ReleaseInfo(
            id=str(first["id"]),
            built_at=dt.datetime.fromisoformat(str(first["built"])),
            quads=int(first["quads"]),
            plans=tuple(sorted({str(r["plan"]) for r in rows if "plan" in r})),
        )

    def read_named_graphs(self) -> set[str]:
        rows = self._select_json(
            f"SELECT ?g WHERE {{ GRAPH <{release_graph_iri(self.base)}> {{ ?r <{DCTERMS}hasPart> ?g }} }}"
        )
        return {str(r["g"]) for r in rows}

    def refresh(self) -> None:
        if time.monotonic() - self._checked_at < self.settings.release_check:
            return
        with self._lock:
            self._checked_at = time.monotonic()
            try:
                release = self.read_release()
            except (StoreUnavailable, QueryFailed):
                return  # keep serving what is cached; queries that need the store will say 503
            if release.id != self.release.id:
                self.release = release
                self.named_graphs = self.read_named_graphs()
                self.forget()
                self._dumps = None

    def quads(
        self, s: Node | None = None, p: Node | None = None, o: Node | None = None, g: Node | None = None,
        limit: int | None = None,
    ) -> Iterator[Quad]:  # fmt: skip
        terms = [t.n3() if t is not None else f"?{v}" for t, v in ((s, "s"), (p, "p"), (o, "o"))]
        graph = g.n3() if g is not None else "?g"
        projected = " ".join(f"?{v}" for t, v in ((s, "s"), (p, "p"), (o, "o"), (g, "g")) if t is None)
        query = f"SELECT {projected or '*'} WHERE {{ GRAPH {graph} {{ {' '.join(terms)} }} }}"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        if not projected:
            query = f"ASK {{ GRAPH {graph} {{ {' '.join(terms)} }} }}"
            found = json.loads(self._raw(self._wrapper(query, JSON, self.settings.query_timeout)))["boolean"]
            if found:
                yield (s, p, o, g)
            return
        for row in self._select_json(query):
            yield (s or row["s"], p or row["p"], o or row["o"], g or row["g"])

    def select(self, query: str, **bindings: Node) -> list[dict[str, Node]]:
        return self._select_json(with_values(query, bindings))

    def run_query(self, request: QueryRequest, client: str = "") -> QueryAnswer:
        # Fair shares are the embedded pool's; an external store applies its own limits.
        bindings = {name: _to_rdflib(decode_term(term)) for name, term in request.bindings}
        text = with_values(request.text, bindings)
        graph_query = query_form(request.text) in ("CONSTRUCT", "DESCRIBE")  # the unbound text: decided once
        rows = request.result_format == "rows"
        results = RESULT_FORMATS["json" if rows else request.result_format]
        wrapper = self._wrapper(text, TURTLE if graph_query else results, self.settings.query_timeout)
        for graph in request.default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in request.named_graphs:
            wrapper.addNamedGraph(graph)
        body = self._raw(wrapper)
        if len(body) > request.max_bytes:
            raise QueryFailed("too-large", f"the answer is larger than {request.max_bytes} bytes")
        if rows:
            # The store ran the query under its own time limit; the page is cut from its bounded answer.
            answer = (
                ox.parse(body, format=ox.RdfFormat.TURTLE)
                if graph_query
                else ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            )
            return QueryAnswer("rows", "rows", page(answer, request.row_offset, request.row_limit))
        if not graph_query:
            kind = "boolean" if b'"boolean"' in body[:200] or b"<boolean>" in body else "solutions"
            return QueryAnswer(kind, request.result_format, body)
        triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
        converted = ox.serialize(triples, format=getattr(ox.RdfFormat, request.graph_format.upper()))
        return QueryAnswer("graph", request.graph_format, converted)

    def changes(self) -> dict | None:
        """The history ``planlod publish`` put next to the release (read once per release)."""
        key = ("changes", self.release.id)
        if key not in self.cache:
            graph = changes_graph_iri(self.base)
            rows = self._select_json(f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> <{RDF_VALUE}> ?v }} }}")
            self.cache[key] = json.loads(str(rows[0]["v"])) if rows else None
        return self.cache[key]

    def dump(self, name: str, plan: str | None = None) -> Path | None:
        """Dumps are exported from the store once per release and kept in a temporary folder."""
        if name not in dumps.NAMES or (plan is not None and plan not in self.release.plans):
            return None
        with self._lock:
            if self._dumps is None:
                # A store that is away or hung answers this within the query time limit (a 503),
                # instead of holding the request for the export's much longer limit.
                self.read_release()
                self._dumps = self._export()
        path = (dumps.plan_directory(self._dumps, plan) if plan else self._dumps) / name
        return path if path.is_file() else None

    def _export(self) -> Path:
        """The release's named graphs, copied graph by graph, written as the build writes its dumps."""
        if self._dump_dir is None:
            self._dump_dir = tempfile.TemporaryDirectory(prefix="planlod-dumps-")
        folder = Path(self._dump_dir.name) / self.release.id
        folder.mkdir(parents=True, exist_ok=True)
        copy = ox.Store()
        for graph in sorted(self.named_graphs):
            body = self._raw(self._wrapper(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                           TURTLE, 600))  # fmt: skip
            copy.load(body, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))

        def nquads(graphs: list[str]) -> bytes:
            # Graph by graph in name order, so each plan's graphs sit together as dumps.write_union expects.
            quads = [
                q for g in graphs for q in sorted(copy.quads_for_pattern(None, None, None, ox.NamedNode(g)), key=str)
            ]
            return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)

        (folder / dumps.NQUADS).write_bytes(nquads(sorted(self.named_graphs)))
        dumps.write_all(folder)
        for key in self.release.plans:
            graphs = sorted(g for g in self.named_graphs if g.startswith(f"{self.base}id/{key}/graph/"))
            dumps.write_plan(folder, key, nquads(graphs))
        dumps.write_plans(folder, list(self.release.plans))
        return folder

    def close(self) -> None:
        if self._dump_dir is not None:
            self._dump_dir.cleanup()


def _store_says(exc: Exception) -> str:
    """The store's own message, which SPARQLWrapper wraps in text of its own and a bytes repr."""
    detail = str(exc).split("Response:", 1)[-1].strip()
    if detail.startswith(("b'", 'b"')):
        detail = ast.literal_eval(detail).decode("utf-8", "replace")
    return detail.strip()


def _to_rdflib(term: object) -> Node:
    from server.embedded import to_rdflib

    node = to_rdflib(term)
    assert node is not None
    return node

