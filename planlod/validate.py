"""The quality gate: SHACL shapes from ``shapes/`` run with pyshacl over the built graphs.

Each shapes file applies to one view of the dataset (see :data:`SHAPE_FILES`): the
city's plan graphs with the shared vocabulary, or the derived SDG suggestions with the
goals and the plan. The gate fails on any ``sh:Violation``; warnings and notes are
reported and published, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from planlod.config import SHAPES_DIR
from planlod.iri import PLAN_GRAPH, SDG_GRAPH
from planlod.vocab import ONTOLOGY_IRI, PREFIXES, RDF, SDG_GOALS_GRAPH, SH

# shapes file → the graphs (by role) its data graph is made of
SHAPE_FILES: dict[str, tuple[str, ...]] = {
    "plan-shapes.ttl": ("plan", "vocabulary"),
    "sdg-suggestion-shapes.ttl": ("suggestions", "plan", "vocabulary"),
}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
REPORT_FILE = "validation-report.ttl"


@dataclass(frozen=True)
class Finding:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]  # lang → text
    shape: str
    component: str

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    results: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self, lang: str = "en", limit: int = 20) -> str:
        lines = [f"[{f.severity}] {f.focus} {f.path or ''}: {f.message(lang)}" for f in self.sorted()[:limit]]
        if len(self.findings) > limit:
            lines.append(f"… and {len(self.findings) - limit} more")
        return "\n".join(lines)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.focus, f.path or ""))


def graphs_by_role(dataset: Dataset) -> dict[str, list[Graph]]:
    roles: dict[str, list[Graph]] = {"plan": [], "suggestions": [], "vocabulary": []}
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.endswith(f"/graph/{PLAN_GRAPH}"):
            roles["plan"].append(graph)
        elif name.endswith(f"/graph/{SDG_GRAPH}"):
            roles["suggestions"].append(graph)
        elif name in (ONTOLOGY_IRI, SDG_GOALS_GRAPH):
            roles["vocabulary"].append(graph)
    return roles


def merged(graphs: Iterable[Graph]) -> Graph:
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


def load_shapes(name: str, shapes_dir: Path = SHAPES_DIR) -> Graph | None:
    path = shapes_dir / name
    if not path.exists():
        return None
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def check(dataset: Dataset, shapes_dir: Path = SHAPES_DIR) -> Report:
    """Run every shapes file over its view of ``dataset``."""
    roles = graphs_by_role(dataset)
    report = Report()
    for prefix, ns in PREFIXES.items():
        report.results.bind(prefix, ns)
    for name, wanted in SHAPE_FILES.items():
        shapes = load_shapes(name, shapes_dir)
        if shapes is None:
            continue
        data = merged(g for role in wanted for g in roles[role])
        _, results, _ = shacl_validate(
            data,
            shacl_graph=shapes,
            advanced=True,  # SHACL-SPARQL constraints and targets
            inference="none",
            allow_warnings=True,
        )
        for triple in results:
            report.results.add(triple)
        report.findings.extend(_findings(results))
    return report


def _text(graph: Graph, node: Node | None) -> str | None:
    return None if node is None else str(node)


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
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=str(results.value(result, SH.focusNode)),
                path=_text(results, results.value(result, SH.resultPath)),
                value=_text(results, results.value(result, SH.value)),
                messages=messages,
                shape=str(results.value(result, SH.sourceShape)),
                component=str(results.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            )
        )
    return found


def write_report(report: Report, directory: Path) -> Path:
    path = directory / REPORT_FILE
    report.results.serialize(path, format="turtle", encoding="utf-8")
    return path


def focus_iri(finding: Finding) -> URIRef:
    return URIRef(finding.focus)
