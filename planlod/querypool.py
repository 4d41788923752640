"""Running untrusted SPARQL where it can be stopped for real.

pyoxigraph has no query timeout and a running query cannot be interrupted from
another thread, so each query runs in a worker *process* that opens the store
read-only. A query that outlives its limit is ended by killing its worker; a fresh
worker takes its place while the others keep answering.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "n_triples", "json_ld", "rdf_xml", "trig", "n_quads")


class QueryFailed(RuntimeError):
    """The query could not be answered; ``kind`` says why (syntax, timeout, busy, too-large, error, crashed)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class QueryRequest:
    text: str
    result_format: str = "json"  # for SELECT and ASK
    graph_format: str = "turtle"  # for CONSTRUCT and DESCRIBE
    default_graphs: tuple[str, ...] = ()  # empty: the union of all graphs
    named_graphs: tuple[str, ...] = ()  # empty: every named graph
    max_bytes: int = 50_000_000
    # variable → term, bound by substitution (never spliced into the text); see encode_term
    bindings: tuple[tuple[str, tuple[str, str, str, str]], ...] = ()
    # result_format "rows": one page of the answer for the HTML table (planlod.result_pages)
    row_offset: int = 0
    row_limit: int = 500


@dataclass(frozen=True)
class QueryAnswer:
    kind: str  # "solutions" | "boolean" | "graph"
    format: str  # one of RESULT_FORMATS or GRAPH_FORMATS
    body: bytes


class _Bounded(io.RawIOBase):
    def __init__(self, limit: int) -> None:
        self.buffer = bytearray()
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.buffer.extend(data)
        if len(self.buffer) > self.limit:
            raise OverflowError(f"the answer is larger than {self.limit} bytes")
        return len(data)


def encode_term(term: object) -> tuple[str, str, str, str]:
    """An rdflib term as plain data that crosses the process boundary: (kind, value, lang, datatype)."""
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ("iri", str(term), "", "")
    if isinstance(term, Literal):
        return ("literal", str(term), term.language or "", str(term.datatype or ""))
    raise TypeError(f"cannot bind {term!r}")


def decode_term(encoded: tuple[str, str, str, str]) -> object:
    import pyoxigraph as ox

    kind, value, lang, datatype = encoded
    if kind == "iri":
        return ox.NamedNode(value)
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def execute(store: object, request: QueryRequest) -> QueryAnswer:
    """Run ``request`` on a pyoxigraph store and serialize the answer (also usable in-process)."""
    import pyoxigraph as ox

    options: dict[str, object] = {}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    if request.bindings:
        options["substitutions"] = {ox.Variable(name): decode_term(term) for name, term in request.bindings}
    result = store.query(request.text, **options)  # type: ignore[attr-defined]
    if request.result_format == "rows":
        from planlod.result_pages import page

        return QueryAnswer("rows", "rows", page(result, request.row_offset, request.row_limit))
    out = _Bounded(request.max_bytes)
    if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        result.serialize(out, getattr(ox.QueryResultsFormat, request.result_format.upper()))
        return QueryAnswer(kind, request.result_format, bytes(out.buffer))
    result.serialize(out, getattr(ox.RdfFormat, request.graph_format.upper()))
    return QueryAnswer("graph", request.graph_format, bytes(out.buffer))


def _worker_main(store_path: str, conn: Connection) -> None:
    """A worker process: answer requests from ``conn`` until it closes."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", execute(store, request)))
        except SyntaxError as exc:
            conn.send(("syntax", f"SPARQL syntax error: {exc}"))
        except OverflowError as exc:
            conn.send(("too-large", str(exc)))
        except Exception as exc:  # noqa: BLE001 — every failure must reach the client as an answer
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


@dataclass(eq=False)
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


@dataclass
class QueryPool:
    """A fixed number of worker processes over one store, shared by the server's threads."""

    store_path: Path
    size: int = 2
    timeout: float = 10.0
    _idle: queue.Queue = field(default_factory=queue.Queue, init=False)
    _all: set[_Worker] = field(default_factory=set, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _closed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._context = mp.get_context("spawn")  # no fork: the parent may hold threads and open stores
        for _ in range(self.size):
            self._idle.put(self._spawn())
        atexit.register(self.close)

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(str(self.store_path), child), daemon=True, name="planlod-sparql"
        )
        process.start()
        child.close()
        try:
            ready = parent.poll(60) and parent.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.kill()
            process.join(timeout=5)
            parent.close()
            raise QueryFailed("crashed", "a query worker failed to start")
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
        if self._closed:
            return
        # Start the successor in the background: the answer to the caller need not wait for it.
        threading.Thread(target=self._respawn, daemon=True, name="planlod-respawn").start()

    def _respawn(self) -> None:
        try:
            worker = self._spawn()
        except QueryFailed:
            # The pool is one worker short; the next timeout or failure starts another attempt.
            return
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def run(self, request: QueryRequest) -> QueryAnswer:
        """Answer ``request`` within ``timeout`` seconds or raise :class:`QueryFailed`."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryFailed("busy", "all query workers are busy; try again shortly") from None
        try:
            worker.conn.send(request)
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                limit = f"{self.timeout:g} s"
                raise QueryFailed("timeout", f"the query ran longer than the limit of {limit} and was stopped")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryFailed("crashed", "the query worker stopped unexpectedly") from None
        self._idle.put(worker)
        if status != "ok":
            raise QueryFailed(status, payload)
        return payload

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
