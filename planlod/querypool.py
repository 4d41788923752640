"""Running untrusted SPARQL where it can be stopped for real, fairly shared.

pyoxigraph has no query timeout and a running query cannot be interrupted from
another thread, so each query runs in a worker *process* (:mod:`planlod.queryworker`)
that opens the store read-only, cannot reach the network and has a memory limit. A
query that outlives its limit is ended by killing its worker; a warm spare takes its
place while the others keep answering.

Fair shares: a query still running after ``long_after`` seconds needs one of the
``size - 1`` places for long queries, and one client holds at most ``client_share`` of
them; a query that gets none is stopped. So one worker always turns over within
``long_after`` seconds, however many runaway queries arrive from wherever. Requests
waiting for a worker are served the client holding the fewest workers first, and in
order of arrival among equals.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import threading
import time
import weakref
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from planlod.queryprocess import Worker, WorkerRefused, start_worker

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from planlod.config import Settings

__all__ = ["QueryAnswer", "QueryFailed", "QueryPool", "QueryRequest", "WorkerRefused", "execute"]

log = logging.getLogger(__name__)

RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "n_triples", "json_ld", "rdf_xml", "trig", "n_quads")


class QueryFailed(RuntimeError):
    """The query could not be answered; ``kind`` says why.

    syntax, error: the query's fault; too-large: the answer is over its size limit;
    timeout, memory: the query is over its time or memory limit; share: this client holds
    its share of the workers; busy: no worker for it now; crashed: the worker died.
    ``retry_after``: seconds after which trying again may succeed, where that is known.
    """

    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        self.kind = kind
        self.retry_after = retry_after
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


def send_reply(conn: Connection, status: str, detail: object) -> None:
    """A reply across a process boundary. An answer's body follows its head as raw bytes: it is
    copied neither into a pickle on the way out nor out of one on the way in."""
    if isinstance(detail, QueryAnswer):
        conn.send((status, replace(detail, body=b"")))
        conn.send_bytes(detail.body)
    else:
        conn.send((status, detail))


def receive_reply(conn: Connection) -> tuple[str, object]:
    """What :func:`send_reply` sent."""
    status, detail = conn.recv()
    if isinstance(detail, QueryAnswer):
        detail = replace(detail, body=conn.recv_bytes())
    return status, detail


def _close_at_exit(pool: weakref.ref[QueryPool]) -> None:
    alive = pool()
    if alive is not None:
        alive.close()


@dataclass(eq=False)
class _Job:
    """A query on a worker."""

    client: str
    worker: Worker
    started: float = field(default_factory=time.monotonic)
    long: bool = False


@dataclass(eq=False)
class _Waiter:
    client: str
    ready: threading.Event = field(default_factory=threading.Event)
    job: _Job | None = None


@dataclass(eq=False)
class QueryPool:
    """``size`` worker processes (and a warm spare) over one store, shared by the server's threads."""

    store_path: Path
    size: int = 3
    timeout: float = 10.0
    long_after: float = 1.0
    memory_mib: int = 320
    allow_unsandboxed: bool = False

    @classmethod
    def from_settings(cls, store_path: Path, settings: Settings) -> QueryPool:
        return cls(
            store_path,
            size=settings.query_workers,
            timeout=settings.query_timeout,
            long_after=settings.query_long_after,
            memory_mib=settings.query_memory_mib,
            allow_unsandboxed=settings.allow_unsandboxed_queries,
        )

    def __post_init__(self) -> None:
        if self.size < 2:
            raise ValueError("a query pool needs at least 2 workers: one is kept for short queries")
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._jobs: dict[Worker, _Job] = {}
        self._waiters: list[_Waiter] = []  # in order of arrival
        self._spare: Worker | None = None
        self._refilling = False
        self._closed = False
        self._owner = os.getpid()
        # The first worker starts here, so a platform that cannot sandbox it is known at once
        # (WorkerRefused); the others and the spare start in the background.
        first = self._start()
        if not first.sandboxed:
            log.warning(
                "QUERY WORKERS ARE NOT SANDBOXED: user SPARQL runs in processes that can open network "
                "connections (allow_unsandboxed_queries is set; this platform has no seccomp)"
            )
        self._idle.append(first)
        self._refill()
        atexit.register(_close_at_exit, weakref.ref(self))  # a weak one: a retired pool may go

    @property
    def client_share(self) -> int:
        """How many of the ``size - 1`` places for long queries one client may hold."""
        return max(1, (self.size - 1) // 2)

    def _start(self) -> Worker:
        return start_worker(self.store_path, self.memory_mib * 2**20, self.allow_unsandboxed)

    def run(self, request: QueryRequest, client: str = "") -> QueryAnswer:
        """Answer ``request`` for ``client`` within the limits, or raise :class:`QueryFailed`."""
        job = self._acquire(client)
        worker = job.worker
        try:
            worker.conn.send(request)
            if self.long_after < self.timeout:
                if not worker.conn.poll(self.long_after):
                    self._go_long(job)
                    if not worker.conn.poll(self.timeout - self.long_after):
                        raise self._stop(job, self._timed_out())
            elif not worker.conn.poll(self.timeout):
                raise self._stop(job, self._timed_out())
            status, payload = receive_reply(worker.conn)
        except (EOFError, OSError):
            raise self._stop(job, self._death(worker)) from None
        except QueryFailed:
            raise  # stopped already
        except BaseException:
            # Whatever went wrong here (a request that cannot be sent, an interrupt), a worker in
            # an unknown state is not used again.
            self._stop(job, self._death(worker))
            raise
        self._release(job)
        if status == "memory":
            raise self._out_of_memory()
        if status != "ok":
            raise QueryFailed(status, payload)
        return payload

    # -- waiting for a worker ---------------------------------------------------------

    def _acquire(self, client: str) -> _Job:
        waiter = _Waiter(client)
        with self._lock:
            if self._closed:
                raise QueryFailed("crashed", "the query service is shutting down")
            self._waiters.append(waiter)
            self._dispatch()
        if not waiter.ready.wait(self.timeout):
            with self._lock:
                if waiter.job is None and not self._closed:
                    self._waiters.remove(waiter)
                    raise QueryFailed(
                        "busy", "all query workers are busy; try again shortly", retry_after=self.long_after
                    )
        if waiter.job is None:
            raise QueryFailed("crashed", "the query service is shutting down")
        return waiter.job

    def _dispatch(self) -> None:
        """Hand idle workers to waiters, the client holding the fewest first (called under the lock)."""
        while self._idle and self._waiters:
            held = Counter(job.client for job in self._jobs.values())
            waiter = min(self._waiters, key=lambda w: held[w.client])  # the first of equals: arrival order
            self._waiters.remove(waiter)
            worker = self._idle.pop()
            waiter.job = self._jobs[worker] = _Job(waiter.client, worker)
            waiter.ready.set()

    def _release(self, job: _Job) -> None:
        with self._lock:
            self._jobs.pop(job.worker, None)
            keep = not self._closed
            if keep:
                self._idle.append(job.worker)
                self._dispatch()
        if not keep:
            job.worker.kill()

    # -- long queries -----------------------------------------------------------------

    def _go_long(self, job: _Job) -> None:
        """Give ``job`` a place for long queries, or stop it with :class:`QueryFailed`."""
        with self._lock:
            longs = [j for j in self._jobs.values() if j.long]
            mine = [j for j in longs if j.client == job.client]
            places = self.size - 1
            if len(mine) >= self.client_share:
                failure = QueryFailed(
                    "share",
                    f"this client's queries already hold {len(mine)} of the {places} places for queries "
                    f"running longer than {self.long_after:g} s; this one was stopped after {self.long_after:g} s",
                    retry_after=self._first_free(mine),
                )
            elif len(longs) >= places:
                failure = QueryFailed(
                    "busy",
                    f"all {places} places for queries running longer than {self.long_after:g} s are taken; "
                    f"this one was stopped after {self.long_after:g} s to keep room for short queries",
                    retry_after=self._first_free(longs),
                )
            else:
                job.long = True
                return
        if job.worker.conn.poll(0):
            return  # the answer arrived meanwhile: no reason to stop it now
        raise self._stop(job, failure)

    def _first_free(self, jobs: list[_Job]) -> float:
        """Seconds until the first of ``jobs`` reaches the time limit (at the latest)."""
        now = time.monotonic()
        return max(1.0, min(job.started + self.timeout - now for job in jobs))

    # -- failures ---------------------------------------------------------------------

    def _timed_out(self) -> QueryFailed:
        limit = f"{self.timeout:g} s"
        return QueryFailed("timeout", f"the query ran longer than the limit of {limit} and was stopped")

    def _out_of_memory(self) -> QueryFailed:
        return QueryFailed(
            "memory",
            f"the query needed more memory than the limit of {self.memory_mib} MiB per query and was stopped",
            retry_after=self.long_after,
        )

    def _death(self, worker: Worker) -> QueryFailed:
        if worker.ran_out_of_memory():
            return self._out_of_memory()
        if self._closed:
            return QueryFailed("crashed", "the query service is shutting down")
        return QueryFailed("crashed", "the query worker stopped unexpectedly", retry_after=self.long_after)

    def _stop(self, job: _Job, failure: QueryFailed) -> QueryFailed:
        """Kill the worker of ``job``; the spare takes its place at once. Returns ``failure`` to raise."""
        with self._lock:
            if self._jobs.pop(job.worker, None) is None and not self._closed:
                return failure  # stopped already
            if self._spare is not None and not self._closed:
                self._idle.append(self._spare)
                self._spare = None
                self._dispatch()
        job.worker.kill()
        self._refill()
        return failure

    # -- keeping the pool full --------------------------------------------------------

    def _missing(self) -> int:
        return self.size - len(self._idle) - len(self._jobs) + (self._spare is None)

    def _refill(self) -> None:
        with self._lock:
            if self._refilling or self._closed or self._missing() <= 0:
                return
            self._refilling = True
        threading.Thread(target=self._refill_loop, daemon=True, name="planlod-query-refill").start()

    def _refill_loop(self) -> None:
        delay = 0.5
        while True:
            with self._lock:
                if self._closed or self._missing() <= 0:
                    self._refilling = False
                    return
            try:
                worker = self._start()
            except Exception:  # noqa: BLE001 — the pool is short of a worker until a start succeeds
                log.exception("a query worker failed to start; retrying in %g s", delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            with self._lock:
                placed = not self._closed
                if placed and len(self._idle) + len(self._jobs) < self.size:
                    self._idle.append(worker)
                    self._dispatch()
                elif placed:
                    self._spare = worker
            if not placed:
                worker.kill()

    def close(self, let_running_finish: bool = False) -> None:
        """Stop every worker; with ``let_running_finish``, queries already running end within their limit."""
        if os.getpid() != self._owner:
            return  # a forked copy of the pool: the workers are the parent's
        with self._lock:
            self._closed = True
            workers = self._idle + ([self._spare] if self._spare else [])
            if not let_running_finish:
                workers += [job.worker for job in self._jobs.values()]
            self._idle, self._spare = [], None
            for waiter in self._waiters:
                waiter.ready.set()
            self._waiters = []
        for worker in workers:
            worker.kill()
