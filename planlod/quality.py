"""The quality report published as data: W3C DQV measurements in each plan's ``…/graph/quality``.

For every plan, the graph holds

- the check itself, a ``prov:Activity`` that used the shapes and the plan's graphs;
- one ``dqv:QualityMeasurement`` per metric for the plan's dataset (``{plan}/dataset``, the
  ``dcat:Dataset`` of the catalogue): violations, warnings, notes and resources checked;
- for each resource with findings, one measurement per severity it has. A resource without
  one was checked and found in order, so a page can show a badge for every resource;
- the SHACL results about the plan's resources, with their messages in Japanese and
  English, so a page can also say why.

Everything has an IRI derived from what it says, never a blank node: the same plan gives
the same quads on every build.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from planlod.findings import SEVERITIES, Report
from planlod.graph import en, ja, new_dataset
from planlod.iri import PLAN_GRAPH, QUALITY_GRAPH, SDG_GRAPH, plan_of_graph, plan_part
from planlod.validate import shapes_documents
from planlod.vocab import DCTERMS, DQV, JCP, PROV, RDF, RDFS, SH, XSD

METRICS = {"Violation": JCP.violationCount, "Warning": JCP.warningCount, "Info": JCP.infoCount}
# What a published SHACL result keeps: enough to say where and why, not the query that found it.
_RESULT_PROPERTIES = (
    RDF.type,
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.resultSeverity,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultMessage,
)


def measurements(report: Report, dataset: Dataset) -> Dataset:
    """The quality graph of every plan in ``dataset``, in a Dataset of their own."""
    out = new_dataset()
    for plan, resources in _plans(dataset):
        graph = out.graph(plan_part(plan, f"graph/{QUALITY_GRAPH}"))
        _describe(graph, report, plan, resources)
    return out


def add_to(dataset: Dataset, report: Report) -> None:
    """Add each plan's quality graph to ``dataset`` itself, to be published with the plan."""
    for graph in measurements(report, dataset).graphs():
        target = dataset.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)


def _plans(dataset: Dataset) -> Iterator[tuple[str, set[Node]]]:
    """Each plan with its resources: the subjects of its plan and suggestion graphs."""
    graphs = {str(g.identifier): g for g in dataset.graphs()}
    for name in sorted(graphs):
        plan = plan_of_graph(name, PLAN_GRAPH)
        if plan is None:
            continue
        resources = set(graphs[name].subjects())
        suggestions = graphs.get(str(plan_part(plan, f"graph/{SDG_GRAPH}")))
        if suggestions is not None:
            resources |= set(suggestions.subjects())
        yield plan, {r for r in resources if isinstance(r, URIRef)}


def _describe(graph: Graph, report: Report, plan: str, resources: set[Node]) -> None:
    activity = _activity(graph, report, plan)
    findings = [f for f in report.findings if URIRef(f.focus) in resources]
    dataset = plan_part(plan, "dataset")
    totals = Counter(f.severity for f in findings)
    for metric, value in [*((METRICS[s], totals[s]) for s in SEVERITIES), (JCP.resourceCount, len(resources))]:
        node = _measure(graph, plan, dataset, metric, value, activity)
        graph.add((dataset, DQV.hasQualityMeasurement, node))
    per_resource = Counter((f.focus, f.severity) for f in findings)
    for (focus, severity), count in sorted(per_resource.items()):
        _measure(graph, plan, URIRef(focus), METRICS[severity], count, activity)
    for result in report.results.subjects(RDF.type, SH.ValidationResult):
        if report.results.value(result, SH.focusNode) in resources:
            _copy_result(graph, report.results, result, plan)


def _activity(graph: Graph, report: Report, plan: str) -> URIRef:
    activity = plan_part(plan, "activity/quality-check")
    graph.add((activity, RDF.type, PROV.Activity))
    if report.reasoned:
        graph.add((activity, RDFS.label, ja("品質検査(SHACLの形状制約とOWL推論器HermiT)")))
        graph.add((activity, RDFS.label, en("Quality check (SHACL shapes and the OWL reasoner HermiT)")))
    else:
        graph.add((activity, RDFS.label, ja("品質検査(SHACLの形状制約)")))
        graph.add((activity, RDFS.label, en("Quality check (SHACL shapes)")))
    graph.add(
        (
            activity,
            DCTERMS.description,
            ja("計画グラフとSDGs提案グラフを shapes/ の形状制約で検査した。違反のあるデータは公開しない。"),
        )
    )
    graph.add(
        (
            activity,
            DCTERMS.description,
            en(
                "Checked the plan and SDG suggestion graphs against the shapes in shapes/; "
                "data with violations is not published."
            ),
        )
    )
    for used in (*shapes_documents(), plan_part(plan, f"graph/{PLAN_GRAPH}"), plan_part(plan, f"graph/{SDG_GRAPH}")):
        graph.add((activity, PROV.used, used))
    name = plan_part(plan, f"graph/{QUALITY_GRAPH}")
    graph.add((name, PROV.wasGeneratedBy, activity))
    graph.add((name, RDFS.label, ja("品質の測定(planlodの品質検査の結果)")))
    graph.add((name, RDFS.label, en("Quality measurements (the results of planlod's quality check)")))
    return activity


def _measure(graph: Graph, plan: str, resource: URIRef, metric: URIRef, value: int, activity: URIRef) -> URIRef:
    node = plan_part(plan, f"quality/{_digest(str(resource), str(metric))}")
    graph.add((node, RDF.type, DQV.QualityMeasurement))
    graph.add((node, DQV.computedOn, resource))
    graph.add((node, DQV.isMeasurementOf, metric))
    graph.add((node, DQV.value, Literal(value, datatype=XSD.nonNegativeInteger)))
    graph.add((node, PROV.wasGeneratedBy, activity))
    return node


def _copy_result(graph: Graph, results: Graph, result: Node, plan: str) -> None:
    """One SHACL result under a stable IRI, without the SPARQL query that found it."""
    values = {p: sorted(results.objects(result, p)) for p in _RESULT_PROPERTIES}
    node = plan_part(plan, f"quality/finding/{_digest(*(str(v) for p in _RESULT_PROPERTIES for v in values[p]))}")
    for prop, objects in values.items():
        for obj in objects:
            if isinstance(obj, BNode):  # a path such as [ sh:inversePath jcp:mentions ]
                obj = _copy_node(graph, results, obj, URIRef(f"{node}#path"))
            graph.add((node, prop, obj))


def _copy_node(graph: Graph, source: Graph, node: BNode, name: URIRef) -> URIRef:
    for p, o in source.predicate_objects(node):
        graph.add((name, p, o))
    return name


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]
