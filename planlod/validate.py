"""The quality gate: SHACL shapes from ``shapes/`` run over the built graphs (:mod:`planlod.shacl_engines`).

SHACL cannot see which named graph a triple is in, so each shapes file runs over its own
view of the dataset (see :data:`SHAPE_FILES`): the city's plan graphs with the shared
vocabulary, or the derived SDG suggestions with the plan and the vocabulary. That is how
"SDG links only in the suggestion graph" can be checked at all. A dataset may hold one
plan or several; the shapes compare each resource with its own plan.

The gate fails on any ``sh:Violation``; warnings and notes are reported and published,
never silently dropped. With ``reasoner=True`` the OWL reasoner (:mod:`planlod.reason`)
runs too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result as RdfResult
from rdflib.term import Node

from planlod.blanks import content_labelled
from planlod.config import SHAPES_DIR
from planlod.findings import SEVERITY_ORDER, Finding, Report
from planlod.iri import PLAN_GRAPH, SDG_GRAPH, plan_of_graph
from planlod.messages import phrase
from planlod.shacl_engines import validator
from planlod.vocab import ONTOLOGY_IRI, OWL, PREFIXES, RDF, SDG_GOALS_GRAPH, SH

__all__ = [
    "REPORT_FILE",
    "SEVERITY_ORDER",
    "SHAPE_FILES",
    "Finding",
    "Report",
    "add_reasoning",
    "check",
    "write_report",
]

# shapes file → the graphs (by role) its data graph is made of
SHAPE_FILES: dict[str, tuple[str, ...]] = {
    "plan-shapes.ttl": ("plan", "vocabulary"),
    "sdg-suggestion-shapes.ttl": ("suggestions", "plan", "vocabulary"),
}
REPORT_FILE = "validation-report.ttl"


class ShapesError(RuntimeError):
    """A shapes file pyshacl cannot use: a bug of this project, not of the data."""


def check(
    dataset: Dataset,
    shapes_dir: Path = SHAPES_DIR,
    reasoner: bool = False,
    cache: Path | None = None,
    engine: str | None = None,
) -> Report:
    """Run every shapes file over its view of ``dataset``, and the OWL reasoner if asked.

    ``engine`` is a name of :data:`planlod.shacl_engines.ENGINES`; by default the setting's
    (``PLANLOD_SHACL_ENGINE``). With a ``cache`` folder, a verdict already reached on the very
    same graphs and shapes by the same engine is reused (see :mod:`planlod.shacl_cache`); the
    build passes one, checks of edited copies do not.
    """
    from planlod import shacl_cache
    from planlod.config import Settings

    engine = engine or Settings.from_env().shacl_engine
    name = shacl_cache.key(dataset, shapes_dir, engine) if cache is not None else None
    report = shacl_cache.load(cache, name) if cache is not None and name is not None else None
    if report is None:
        report = _check_shapes(dataset, shapes_dir, engine)
        if cache is not None and name is not None:
            shacl_cache.keep(cache, name, report)
    if reasoner:
        add_reasoning(report, dataset)
    return report


def _check_shapes(dataset: Dataset, shapes_dir: Path, engine: str) -> Report:
    roles = graphs_by_role(dataset)
    report = Report()
    for prefix, ns in PREFIXES.items():
        report.results.bind(prefix, ns)
    data, loaded = view([]), set()
    for name, wanted in SHAPE_FILES.items():
        # Each view holds the one before it (see SHAPE_FILES), so it grows instead of being rebuilt.
        if not loaded <= set(wanted):
            data, loaded = view([]), set()
        for role in wanted:
            if role not in loaded:
                _add(data, roles[role])
                loaded.add(role)
        shapes = load_shapes(shapes_dir / name)
        results = _run(data, shapes, name, engine)
        _restore_languages(results, shapes)
        report.results += results
        report.findings.extend(_findings(results))
    return report


def check_release(release: Path, reasoner: bool = False, step: Callable[..., None] | None = None) -> Report:
    """Check a built release plan by plan, as the build does, so memory stays bounded at any size.

    The build writes each plan's quads to ``dataset.nq`` as one block; each block (the plan's
    graphs under ``…/{lgcode}/{plan}/graph/``) is checked with the shared vocabulary and the
    reports are merged. The dump is read rather than the store because the store gives
    ``xsd:positiveInteger`` values back as ``xsd:integer``.
    """
    from planlod.pipeline import vocabulary_dataset

    merged = Report()
    for prefix, ns in PREFIXES.items():
        merged.results.bind(prefix, ns)
    checked: set[str] = set()

    def flush(plan: str | None, lines: list[str]) -> None:
        if plan is None or not lines:
            return
        if plan in checked:
            raise ShapesError(f"{release / 'dataset.nq'}: the quads of {plan} are not in one block")
        checked.add(plan)
        if step is not None:
            step(phrase("progress.validate_plans"), len(checked), None)
        dataset = vocabulary_dataset()
        dataset.parse(data="".join(lines), format="nquads")
        report = check(dataset, reasoner=reasoner)
        merged.findings.extend(report.findings)
        merged.results += report.results

    current: str | None = None
    block: list[str] = []
    with open(release / "dataset.nq", encoding="utf-8") as quads:
        for line in quads:
            graph = line.rstrip().removesuffix(".").rstrip().rsplit(" ", 1)[-1]
            plan = graph[1:-1].rpartition("/graph/")[0] if graph.startswith("<") else ""
            if not plan:
                continue  # the shared vocabulary: checked from the project's own files
            if plan != current:
                flush(current, block)
                current, block = plan, []
            block.append(line)
    flush(current, block)
    merged.reasoned = reasoner
    return merged


def add_reasoning(report: Report, dataset: Dataset, cache: Path | None = None) -> None:
    """Add the OWL reasoner's findings on ``dataset`` (see :mod:`planlod.reason`) to ``report``.

    Proofs are kept in :func:`planlod.reason.default_cache` unless ``cache`` says otherwise.
    """
    from planlod import reason

    report.findings.extend(reason.check(dataset, cache or reason.default_cache()))
    report.reasoned = True


def write_report(report: Report, directory: Path) -> Path:
    """Write the standard SHACL report (Turtle) into ``directory``."""
    path = directory / REPORT_FILE
    # Blank nodes named after their content: the same findings give the same bytes on every build.
    canonical = Graph()
    for prefix, ns in PREFIXES.items():
        canonical.bind(prefix, ns)
    for triple in content_labelled(report.shacl_report()):
        canonical.add(triple)
    canonical.serialize(path, format="turtle", encoding="utf-8")
    return path


# -- views of the dataset ------------------------------------------------------------------


def graphs_by_role(dataset: Dataset) -> dict[str, list[Graph]]:
    roles: dict[str, list[Graph]] = {"plan": [], "suggestions": [], "vocabulary": []}
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if plan_of_graph(name, PLAN_GRAPH) is not None:
            roles["plan"].append(graph)
        elif plan_of_graph(name, SDG_GRAPH) is not None:
            roles["suggestions"].append(graph)
        elif name in (ONTOLOGY_IRI, SDG_GOALS_GRAPH):
            roles["vocabulary"].append(graph)
    return roles


def view(graphs: Iterable[Graph]) -> Graph:
    """The union of ``graphs`` as one data graph for pyshacl."""
    out = _DataGraph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    _add(out, graphs)
    return out


def _add(data: Graph, graphs: Iterable[Graph]) -> None:
    for graph in graphs:
        data.addN((s, p, o, data) for s, p, o in graph)


class _DataGraph(Graph):
    """A data graph on which pyshacl's SPARQL runs fast.

    pyshacl runs the query of a SPARQL *target* once over the whole graph, and rdflib's
    evaluator is slow at that: those queries go to a pyoxigraph copy of the graph (made on
    the first one), which answers them in milliseconds. Its other queries are bound to a
    focus node and small, but pyshacl hands them to rdflib as text every time, and rdflib
    parses each anew: they are parsed once. Together this halves the time of a check.
    """

    _mirror: ox.Store | None = None
    _mirrored = -1  # the number of triples the mirror was made from

    def query(
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Node] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs:
            if not initBindings and (answer := self._on_mirror(query_object)) is not None:
                return answer
            query_object = _prepared(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def _on_mirror(self, text: str) -> RdfResult | None:
        """The SELECT ``text`` answered by the pyoxigraph copy; None when it cannot be (rdflib answers)."""
        try:
            if self._mirror is None or self._mirrored != len(self):
                self._mirror = ox.Store()
                self._mirror.bulk_extend(ox.Quad(*map(_to_ox, triple)) for triple in self)
                self._mirrored = len(self)
            solutions = self._mirror.query(text)
        except (ValueError, SyntaxError):  # a term oxigraph refuses (a bad language tag), or its dialect
            return None
        if not isinstance(solutions, ox.QuerySolutions):
            return None
        answer = RdfResult("SELECT")
        answer.vars = [Variable(v.value) for v in solutions.variables]
        answer.bindings = [
            {Variable(v.value): _from_ox(row[v]) for v in solutions.variables if row[v] is not None}
            for row in solutions
        ]
        return answer


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal) and term.language:
        return ox.Literal(str(term), language=term.language)
    if isinstance(term, Literal) and term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _from_ox(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)  # the same label: the focus node is the rdflib graph's own
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@lru_cache(maxsize=1024)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


# -- running pyshacl -----------------------------------------------------------------------


def load_shapes(path: Path) -> Graph:
    return _parsed_shapes(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed_shapes(path: Path, _mtime: int) -> Graph:
    # Cached: a build checks every plan against the same shapes. The mtime is in the key so
    # that an edited file is read again.
    return Graph().parse(path, format="turtle")


def _run(data: Graph, shapes: Graph, name: str, engine: str) -> Graph:
    conforms, results, text = validator(engine)(
        data,
        shacl_graph=shapes,
        advanced=True,  # SHACL-SPARQL constraints and targets
        inference="none",  # the ontology is in the data graph, for sh:class to see subclasses
        allow_warnings=True,
        inplace=True,  # the view is ours to use; not copying it halves the time
    )
    if not isinstance(results, Graph):  # both engines return a ValidationFailure instead of raising
        raise ShapesError(f"shapes/{name}: {text}")
    # Keep only the results: write_report makes one sh:ValidationReport over all files.
    for node in list(results.subjects(RDF.type, SH.ValidationReport)):
        results.remove((node, None, None))
    return results


def _restore_languages(results: Graph, shapes: Graph) -> None:
    """Give back the language tag pyshacl drops from a message it fills in ({?value} …).

    The tag is the one of the shape's message the filled-in text was made from.
    """
    for result, message in list(results.subject_objects(SH.resultMessage)):
        if not isinstance(message, Literal) or message.language:
            continue
        shape = results.value(result, SH.sourceShape)
        for template in shapes.objects(shape, SH.message):
            if isinstance(template, Literal) and template.language and fills(template, str(message)):
                results.remove((result, SH.resultMessage, message))
                results.add((result, SH.resultMessage, Literal(str(message), lang=template.language)))
                break


def fills(template: str, text: str) -> bool:
    """Whether ``text`` is ``template`` with its {?variables} filled in."""
    parts = re.split(r"\{[?$]\w+\}", str(template))
    return re.fullmatch(".*?".join(re.escape(part) for part in parts), text, re.S) is not None


def _findings(results: Graph) -> list[Finding]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        messages = {}
        for message in results.objects(result, SH.resultMessage):
            lang = message.language if isinstance(message, Literal) and message.language else "en"
            messages.setdefault(lang, str(message))
        found.append(
            Finding(
                severity=_local(severity) if severity else "Violation",
                focus=str(results.value(result, SH.focusNode)),
                path=_path(results, results.value(result, SH.resultPath)),
                value=_text(results.value(result, SH.value)),
                messages=messages,
                shape=str(results.value(result, SH.sourceShape)),
                component=_local(results.value(result, SH.sourceConstraintComponent)),
            )
        )
    return found


def _path(results: Graph, path: Node | None) -> str | None:
    if isinstance(path, BNode) and (inverse := results.value(path, SH.inversePath)) is not None:
        return f"^{inverse}"
    return _text(path)


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _local(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1]


def shape_iris(shapes_dir: Path = SHAPES_DIR) -> set[URIRef]:
    """Every named shape of every shapes file: what the mutation tests must each make fire."""
    iris = set()
    for name in SHAPE_FILES:
        shapes = load_shapes(shapes_dir / name)
        for kind in (SH.NodeShape, SH.PropertyShape):
            iris |= {s for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    return iris


def shapes_documents(shapes_dir: Path = SHAPES_DIR) -> list[URIRef]:
    """The IRIs of the shapes files (their owl:Ontology), for provenance."""
    return [
        node
        for name in SHAPE_FILES
        for node in load_shapes(shapes_dir / name).subjects(RDF.type, OWL.Ontology)
        if isinstance(node, URIRef)
    ]
