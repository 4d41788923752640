"""One plan at a time: parse → graph → validate → N-Quads, the unit of work of a build.

A national build holds millions of quads; rdflib needs about a kilobyte per triple, so
no step may hold more than one plan (plus the shared vocabulary) in rdflib at once.
:func:`process` does everything one plan needs and returns only bytes and counts, so
it can run in a worker process and its memory is freed as soon as it returns.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from planlod.catalog import describe_dataset
from planlod.config import ONTOLOGY_DIR
from planlod.dataset import DatasetInfo
from planlod.graph import new_dataset, to_graph
from planlod.ingest import parse
from planlod.linking import add_accepted_links
from planlod.messages import Message
from planlod.model import Plan
from planlod.sdg import Rules, goals_graph, suggest
from planlod.source import SourceError
from planlod.vocab import JCP, ONTOLOGY_IRI, RDF, SDG_GOALS_GRAPH

# The classes counted in stats.json, in the order people read them.
COUNTED_CLASSES = (
    "Plan",
    "Chapter",
    "Policy",
    "Initiative",
    "Commitment",
    "SectorPlan",
    "GlossaryTerm",
    "SdgSuggestion",
)
VOCABULARY_GRAPHS = frozenset((ONTOLOGY_IRI, SDG_GOALS_GRAPH))


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[URIRef, tuple[tuple[Node, Node, Node], ...]], ...]:
    """The ontology and the SDG goals, parsed once per process and copied into each plan's check."""
    ontology = Graph().parse(ONTOLOGY_DIR / "plan.ttl", format="turtle")
    return (
        (URIRef(ONTOLOGY_IRI), canonical_blank_nodes(ontology)),
        (URIRef(SDG_GOALS_GRAPH), canonical_blank_nodes(goals_graph())),
    )


def canonical_blank_nodes(graph: Graph) -> tuple[tuple[Node, Node, Node], ...]:
    """The triples of ``graph`` with blank nodes labelled from what they say (RDFC's RGDA1 in rdflib).

    A parser names blank nodes anew on every run; named after their content, the same
    ontology gives the same N-Quads, dumps and release digest on every build.
    """
    ground = [t for t in graph if not any(isinstance(term, BNode) for term in t)]
    blank = Graph()
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            blank.add(triple)
    return (*ground, *to_canonical_graph(blank)) if len(blank) else tuple(ground)


@lru_cache(maxsize=1)
def _rules() -> Rules:
    return Rules.load()


def add_vocabulary(dataset: Dataset) -> None:
    """The ontology and the SDG goals, each in a named graph of its own."""
    for name, triples in _vocabulary():
        graph = dataset.graph(name)
        graph.addN((s, p, o, graph) for s, p, o in triples)


def vocabulary_dataset() -> Dataset:
    dataset = new_dataset()
    add_vocabulary(dataset)
    return dataset


def compile_plan(info: DatasetInfo, base: str, dataset: Dataset | None = None) -> tuple[Plan, Dataset]:
    """Parse one plan folder and add its plan and suggestion graphs to ``dataset`` (a new one by default)."""
    dataset = dataset if dataset is not None else new_dataset()
    plan = parse(info.source.file, info.source.encoding, info.plan.draft)
    _graphs(plan, info, base, dataset)
    return plan, dataset


def _graphs(plan: Plan, info: DatasetInfo, base: str, dataset: Dataset) -> None:
    """The city's word, the derived SDG suggestions, the publication metadata and the accepted
    cross-plan links, each in its graph."""
    to_graph(plan, info, base, dataset)
    suggest(plan, info, base, dataset, _rules())
    describe_dataset(info, base, dataset)
    add_accepted_links(info, base, dataset)


def nquads(dataset: Dataset, census: Census | None = None, skip: frozenset[str] = frozenset()) -> bytes:
    """The dataset as N-Quads, sorted by graph, subject, predicate and object (counted into ``census``).

    Sorted, the same plan gives the same bytes on every run (rdflib's order follows
    Python's randomised string hashing), and each subject's statements sit together,
    which keeps the TriG, Turtle and JSON-LD written from this file compact. Graphs
    named in ``skip`` are left out.
    """
    quads = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = g.identifier if isinstance(g, Graph) else g
        if str(graph) in skip:
            continue
        quads.append(ox.Quad(_ox(s), _ox(p), _ox(o), _ox(graph)))
        if census is not None:
            census.count(str(graph), p, o)
    quads.sort(key=lambda q: (str(q.graph_name), str(q)))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


@dataclass
class Census:
    """What a set of quads holds, in numbers: enough for stats.json without keeping the quads."""

    quads: int = 0
    graphs: set[str] = field(default_factory=set)
    classes: Counter[str] = field(default_factory=Counter)

    def count(self, graph: str, predicate: Node, obj: Node) -> None:
        self.quads += 1
        self.graphs.add(graph)
        if predicate == RDF.type:
            self.classes[str(obj)] += 1

    def add(self, other: Census) -> None:
        self.quads += other.quads
        self.graphs |= other.graphs
        self.classes.update(other.classes)

    def counted_classes(self) -> dict[str, int]:
        return {name: self.classes[str(JCP[name])] for name in COUNTED_CLASSES}


@dataclass
class PlanResult:
    """One processed plan: its quads as N-Quads bytes, its validation and its numbers."""

    info: DatasetInfo
    counts: dict[str, int]
    nquads: bytes
    census: Census
    findings: list = field(default_factory=list)  # planlod.validate.Finding
    report: bytes = b""  # the SHACL results graph, as N-Triples
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # per stage
    pending: list = field(default_factory=list)  # planlod.reason.Pending: left for the batched reasoner


def process(info: DatasetInfo, base: str, reasoner: bool = False) -> PlanResult:
    """Parse, graph, validate (with the OWL reasoner if asked) and serialize one plan; raise its source error."""
    from planlod import quality, reason, shacl_cache, validate  # slow to import and only needed here

    clock = Clock(time.process_time)
    with clock("parse"):
        plan = parse(info.source.file, info.source.encoding, info.plan.draft)
    with clock("graph"):
        dataset = new_dataset()
        _graphs(plan, info, base, dataset)
    with clock("shacl"):
        # The shapes see this plan with the shared vocabulary, as they would in a one-plan build.
        add_vocabulary(dataset)
        report = validate.check(dataset, cache=shacl_cache.default_cache())
        results = report.results.serialize(format="nt", encoding="utf-8") if len(report.results) else b""
    pending: list = []
    if reasoner:
        # Declarations are checked here; what is left to prove goes to HermiT in batches of plans
        # (planlod.reason.prove), one JVM for many, once the build has them all.
        with clock("owl"):
            declared, pending = reason.prepare(dataset, reason.default_cache())
        report.findings.extend(declared)
        report.reasoned = True
    # Graphs derived from the check (such as a quality graph) belong in `dataset` here, before it is written.
    quality.add_to(dataset, report)
    with clock("serialize"):
        census = Census()
        data = nquads(dataset, census, skip=VOCABULARY_GRAPHS)  # written once for all plans
    counts = {
        "chapters": len(plan.chapters),
        "policies": len(plan.policies),
        "initiatives": len(plan.initiatives),
        "commitments": len(plan.commitments),
        "sector_plans": len(plan.sector_plans),
        "glossary_terms": len(plan.glossary),
    }
    return PlanResult(info, counts, data, census, list(report.findings), results, clock.seconds, pending)


@dataclass(frozen=True)
class Failure:
    """A source error raised in a worker process, carried back as its message (plain data)."""

    message: Message

    def error(self) -> SourceError:
        return SourceError(self.message)


def process_in_worker(info: DatasetInfo, base: str, reasoner: bool = False) -> PlanResult | Failure:
    try:
        return process(info, base, reasoner)
    except SourceError as exc:
        return Failure(exc.message)


class Clock:
    """Seconds per stage, summed over every ``with clock(stage):`` block.

    Wall time by default; per-plan stages use CPU time (``time.process_time``), which
    neither a busy machine nor the number of workers inflates.
    """

    def __init__(self, timer: Callable[[], float] = time.perf_counter) -> None:
        self.timer = timer
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = self.timer()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + self.timer() - start
